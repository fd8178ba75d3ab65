#include "redline/ops/zonal.hpp"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>

#include "redline/core/binary_codec.hpp"
#include "redline/core/error.hpp"
#include "redline/coverage/zone_index.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/exec/tile_plan.hpp"
#include "redline/ops/cell_weight.hpp"
#include "redline/ops/tile_classes.hpp"

namespace redline {
namespace {

struct ZoneTile {
    std::uint32_t zone;
    std::vector<std::pair<std::int32_t, ClassTally>> classes;  // local order
    ClassTally nodata;
};

struct TileResult {
    std::vector<ZoneTile> zones;
    std::uint64_t cells = 0;
};

struct Scratch {
    std::unique_ptr<RasterReader> reader;
    TileClasses classes;
    CoverageRasterizer rasterizer;
    std::vector<ClassTally> tally;
    std::vector<std::int64_t> cell_area;
};

TilePlan plan_for(const RasterSource& raster, const ZonalOptions& opts) {
    const auto& info = raster.info();
    return TilePlan::for_blocks(info.grid, opts.tile_size > 0 ? opts.tile_size : 1024, info.block_cols,
                                info.block_rows);
}

// Tallies one zone over its window of the tile.
void tally_zone(const CoverageRasterizer& rast, const TileClasses& tc, const Window& tile,
                const CellAreaModel& areas, std::vector<ClassTally>& tally, std::vector<std::int64_t>& cell_area) {
    const Window& w = rast.window();
    for (std::int64_t r = 0; r < w.rows; ++r) {
        const std::int64_t* cov = rast.row(r);
        const std::uint16_t* cls = tc.row(w.row0 + r - tile.row0) + (w.col0 - tile.col0);
        const std::int64_t grid_row = w.row0 + r;
        if (areas.uniform_rows()) {
            const std::int64_t a = areas.row_area_units(grid_row);
            const Int128 full_area = static_cast<Int128>(a) << kCoverageBits;
            const std::int64_t* mom = rast.moments() ? rast.moment_row(r) : nullptr;
            const double g = mom ? areas.row_gradient(grid_row) : 0.0;
            for (std::int64_t i = 0; i < w.cols; ++i) {
                const std::int64_t c = cov[i];
                if (c == 0) continue;
                ClassTally& t = tally[cls[i]];
                // Full cells on the fast path; partial ones weighted by where in the row the
                // covered part lies (geographic rasters), see ops/cell_weight.hpp.
                t.area += c == kFullCoverage ? full_area : cell_weight(c, a, mom ? mom + i : nullptr, g);
                t.coverage += c;
            }
        } else {
            cell_area.resize(static_cast<std::size_t>(w.cols));
            areas.cell_area_units(grid_row, w.col0, w.cols, cell_area.data());
            for (std::int64_t i = 0; i < w.cols; ++i) {
                const std::int64_t c = cov[i];
                if (c == 0) continue;
                ClassTally& t = tally[cls[i]];
                t.area += static_cast<Int128>(c) * cell_area[static_cast<std::size_t>(i)];
                t.coverage += c;
            }
        }
    }
}

}  // namespace

void ZonalResult::merge(const ZonalResult& other) {
    if (zones.size() < other.zones.size()) zones.resize(other.zones.size());
    for (std::size_t z = 0; z < other.zones.size(); ++z) {
        for (const auto& [k, t] : other.zones[z].classes) zones[z].classes[k].add(t);
        zones[z].nodata.add(other.zones[z].nodata);
    }
    tasks_run += other.tasks_run;
    cells_read += other.cells_read;
    tasks_total = std::max(tasks_total, other.tasks_total);
}

std::string ZonalResult::serialize() const {
    BinaryWriter w;
    w.str("redline.zonal.partial.v1");
    w.i64(scale.exponent);
    w.u64(tasks_total);
    w.u64(tasks_run);
    w.u64(cells_read);
    w.u64(zones.size());
    for (const auto& z : zones) {
        w.u64(z.classes.size());
        for (const auto& [k, t] : z.classes) {
            w.i64(k);
            w.i128(t.area);
            w.i128(t.coverage);
        }
        w.i128(z.nodata.area);
        w.i128(z.nodata.coverage);
    }
    return w.take();
}

ZonalResult ZonalResult::deserialize(const std::string& bytes) {
    BinaryReader r(bytes);
    r.expect_magic("redline.zonal.partial.v1");
    ZonalResult z;
    z.scale.exponent = static_cast<int>(r.i64());
    z.tasks_total = r.u64();
    z.tasks_run = r.u64();
    z.cells_read = r.u64();
    z.zones.resize(r.count());
    for (auto& zone : z.zones) {
        const std::size_t n = r.count();
        for (std::size_t i = 0; i < n; ++i) {
            const std::int64_t k = r.i64();
            ClassTally t;
            t.area = r.i128();
            t.coverage = r.i128();
            zone.classes[k] = t;
        }
        zone.nodata.area = r.i128();
        zone.nodata.coverage = r.i128();
    }
    return z;
}

std::size_t zonal_task_count(const RasterSource& raster, const ZoneSet& zones, const ZonalOptions& opts) {
    const TilePlan plan = plan_for(raster, opts);
    const ZoneIndex index(zones, plan);
    return index.busy_tiles().size();
}

ZonalResult run_zonal(const RasterSource& raster, const ZoneSet& zones, const CellAreaModel& areas,
                      const ZonalOptions& opts) {
    const TilePlan plan = plan_for(raster, opts);
    const ZoneIndex index(zones, plan);
    const auto& busy = index.busy_tiles();
    const std::size_t begin = std::min(opts.task_begin, busy.size());
    const std::size_t end = std::min(opts.task_end, busy.size());

    ZonalResult result;
    result.scale = areas.scale();
    result.zones.resize(zones.size());
    result.tasks_total = busy.size();
    std::uint64_t total_cells = 0;
    for (std::size_t k = begin; k < end; ++k) total_cells += static_cast<std::uint64_t>(plan.tile(busy[k]).cells());

    tbb::enumerable_thread_specific<Scratch> scratch([&] {
        Scratch s;
        s.rasterizer = CoverageRasterizer(opts.mode, areas.has_row_gradient());
        return s;
    });

    std::function<TileResult(std::size_t)> work = [&](std::size_t k) {
        const std::size_t t = busy[begin + k];
        Scratch& s = scratch.local();
        if (!s.reader) s.reader = raster.open_reader();
        const Window tile = plan.tile(t);
        s.classes.load(*s.reader, tile);
        TileResult out;
        out.cells = static_cast<std::uint64_t>(tile.cells());
        for (std::uint32_t z : index.zones_of(t)) {
            const Window w = zones.zone(z).window.intersect(tile);
            if (w.empty()) continue;
            index.rasterize(s.rasterizer, z, t, w);
            s.tally.assign(s.classes.count() + 1, ClassTally{});
            tally_zone(s.rasterizer, s.classes, tile, areas, s.tally, s.cell_area);
            ZoneTile zt;
            zt.zone = z;
            zt.nodata = s.tally[0];
            for (std::size_t k2 = 1; k2 < s.tally.size(); ++k2)
                if (!s.tally[k2].zero()) zt.classes.emplace_back(s.classes.value(k2), s.tally[k2]);
            if (!zt.classes.empty() || !zt.nodata.zero()) out.zones.push_back(std::move(zt));
        }
        return out;
    };
    std::uint64_t done = 0;
    std::function<void(std::size_t, TileResult&&)> merge = [&](std::size_t, TileResult&& tr) {
        for (auto& zt : tr.zones) {
            ZoneTally& zone = result.zones[zt.zone];
            for (const auto& [v, t] : zt.classes) zone.classes[v].add(t);
            zone.nodata.add(zt.nodata);
        }
        done += tr.cells;
        result.cells_read += tr.cells;
        ++result.tasks_run;
        if (opts.progress) opts.progress->update(done, total_cells, "zonal");
    };
    run_ordered<TileResult>(end - begin, opts.threads, work, merge, opts.cancel);
    if (opts.progress) opts.progress->finish();
    return result;
}

}  // namespace redline
