#include "redline/ops/zonal/zonal.hpp"

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <unordered_map>

#include "redline/core/binary_codec.hpp"
#include "redline/core/error.hpp"
#include "redline/coverage/cell_weight.hpp"
#include "redline/coverage/full_cell_counts.hpp"
#include "redline/coverage/zone_index.hpp"
#include "redline/exec/memory_budget.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/exec/tile_plan.hpp"
#include "redline/io/tile_classes.hpp"

namespace redline {
namespace {

struct ZoneTile {
    std::size_t slot;                                          // raster * zone count + zone
    std::vector<std::pair<std::int32_t, ClassTally>> classes;  // local order
    ClassTally nodata;
};

struct TileResult {
    std::vector<ZoneTile> zones;
    std::uint64_t cells = 0;
    std::uint64_t cost = 0;
};

// One raster's view of a tile: its classes, and the tally of the zone being scanned.
struct TallyLayer {
    std::unique_ptr<RasterReader> reader;
    TileClasses classes;
    std::vector<ClassTally> tally;     // by local class index (0 = nodata)
    std::vector<std::int64_t> counts;  // full cells per local class since the last flush
    std::vector<std::uint16_t> dirty;  // classes with a non-zero count (without use_sub)
    bool use_sub = false;  // few classes: counted in `full` (coverage/full_cell_counts.hpp)
    FullCellCounts full;
    const std::uint16_t* cls = nullptr;  // local classes of the current row, from the window
};

struct Scratch {
    std::vector<TallyLayer> layers;  // one per raster
    CoverageRasterizer rasterizer;
    std::vector<std::int64_t> cell_area;
};

// Local classes up to which full cells are counted in FullCellCounts (else with a dirty list).
constexpr std::size_t kSubClasses = 64;

// Tallies one zone over its window of the tile from the rasterizer's sparse scan, into every
// raster's layer: cells on edges one by one (their weight computed once for all rasters),
// interior runs as per-class counters flushed once per row (full cells of a row share one area
// on uniform-row models).
class ZoneTallier {
  public:
    ZoneTallier(std::vector<TallyLayer>& layers, const Window& tile, const Window& w,
                const CellAreaModel& areas, std::vector<std::int64_t>& cell_area)
        : m_layers(layers),
          m_tile(tile),
          m_w(w),
          m_areas(areas),
          m_cell_area(cell_area),
          m_uniform(areas.uniform_rows()) {
        for (TallyLayer& l : m_layers) {
            l.use_sub = l.tally.size() <= kSubClasses;
            if (l.use_sub)
                l.full.reset(l.tally.size());
            else
                l.counts.assign(l.tally.size(), 0);
            l.dirty.clear();
        }
    }
    ~ZoneTallier() { flush(); }

    void cell(std::int64_t r, std::int64_t c, std::int64_t cov, const std::int64_t* mom) {
        set_row(r);
        const std::int64_t a = m_uniform ? m_a : m_cell_area[static_cast<std::size_t>(c)];
        const Int128 weight = cell_weight(cov, a, mom, m_g);
        for (TallyLayer& l : m_layers) {
            ClassTally& t = l.tally[l.cls[c]];
            t.area += weight;
            t.coverage += cov;
        }
    }
    void span(std::int64_t r, std::int64_t b, std::int64_t e, std::int64_t cov) {
        set_row(r);
        if (m_uniform && cov == kFullCoverage) {
            for (TallyLayer& l : m_layers) {
                if (l.use_sub) {
                    l.full.add_run(l.cls + b, e - b);
                    continue;
                }
                for (std::int64_t i = b; i < e; ++i) {
                    std::int64_t& n = l.counts[l.cls[i]];
                    if (n++ == 0) l.dirty.push_back(l.cls[i]);
                }
            }
            return;
        }
        for (std::int64_t i = b; i < e; ++i) {
            const std::int64_t a = m_uniform ? m_a : m_cell_area[static_cast<std::size_t>(i)];
            const Int128 weight = cell_weight(cov, a, nullptr, 0.0);
            for (TallyLayer& l : m_layers) {
                ClassTally& t = l.tally[l.cls[i]];
                t.area += weight;
                t.coverage += cov;
            }
        }
    }

  private:
    void set_row(std::int64_t r) {
        if (r == m_row) return;
        // Counted full cells keep their row's area: flush when the next row's differs (every
        // row on geographic grids, never on equal-area ones).
        if (!m_uniform || m_areas.row_area_units(m_w.row0 + r) != m_a) flush();
        m_row = r;
        const std::int64_t grid_row = m_w.row0 + r;
        for (TallyLayer& l : m_layers)
            l.cls = l.classes.row(grid_row - m_tile.row0) + (m_w.col0 - m_tile.col0);
        if (m_uniform) {
            m_a = m_areas.row_area_units(grid_row);
            m_full = static_cast<Int128>(m_a) << kCoverageBits;
            m_g = m_areas.row_gradient(grid_row);
        } else {
            m_cell_area.resize(static_cast<std::size_t>(m_w.cols));
            m_areas.cell_area_units(grid_row, m_w.col0, m_w.cols, m_cell_area.data());
        }
    }
    void flush() {
        for (TallyLayer& l : m_layers) {
            l.full.drain([&](std::size_t k, std::int64_t cells) {
                l.tally[k].area += static_cast<Int128>(cells) * m_full;
                l.tally[k].coverage += static_cast<Int128>(cells) * kFullCoverage;
            });
            for (std::uint16_t k : l.dirty) {
                const std::int64_t n = l.counts[k];
                l.tally[k].area += static_cast<Int128>(n) * m_full;
                l.tally[k].coverage += static_cast<Int128>(n) * kFullCoverage;
                l.counts[k] = 0;
            }
            l.dirty.clear();
        }
    }

    std::vector<TallyLayer>& m_layers;
    const Window& m_tile;
    const Window& m_w;
    const CellAreaModel& m_areas;
    std::vector<std::int64_t>& m_cell_area;
    const bool m_uniform;
    std::int64_t m_row = -1;
    std::int64_t m_a = 0;
    Int128 m_full = 0;
    double m_g = 0;
};

}  // namespace

void ZonalResult::merge(const ZonalResult& other) {
    if (zones.size() < other.zones.size()) zones.resize(other.zones.size());
    for (std::size_t z = 0; z < other.zones.size(); ++z) {
        for (const auto& [k, t] : other.zones[z].classes) zones[z].classes[k].add(t);
        zones[z].nodata.add(other.zones[z].nodata);
    }
    task_begin = tasks_run == 0 ? other.task_begin : std::min(task_begin, other.task_begin);
    tasks_run += other.tasks_run;
    cells_read += other.cells_read;
    tasks_total = std::max(tasks_total, other.tasks_total);
}

std::string ZonalResult::serialize() const {
    // Sparse: a partial result of a few tiles touches few of the zones.
    BinaryWriter w;
    w.str("redline.zonal.partial.v3");
    w.i64(scale.exponent);
    w.u64(tasks_total);
    w.u64(task_begin);
    w.u64(tasks_run);
    w.u64(cells_read);
    w.u64(zones.size());
    std::size_t used = 0;
    for (const auto& z : zones) used += (!z.classes.empty() || !z.nodata.zero()) ? 1 : 0;
    w.u64(used);
    for (std::size_t i = 0; i < zones.size(); ++i) {
        const auto& z = zones[i];
        if (z.classes.empty() && z.nodata.zero()) continue;
        w.u64(i);
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
    r.expect_magic("redline.zonal.partial.v3");
    ZonalResult z;
    z.scale.exponent = static_cast<int>(r.i64());
    z.tasks_total = r.u64();
    z.task_begin = r.u64();
    z.tasks_run = r.u64();
    z.cells_read = r.u64();
    const std::uint64_t zones = r.u64();  // sparse: may exceed the buffer's size
    if (zones > (std::uint64_t{1} << 32))
        fail(ErrorKind::InvalidInput, "corrupt zonal partial result: zone count out of range");
    z.zones.resize(static_cast<std::size_t>(zones));
    const std::size_t used = r.count();
    for (std::size_t u = 0; u < used; ++u) {
        const std::uint64_t i = r.u64();
        if (i >= z.zones.size())
            fail(ErrorKind::InvalidInput, "corrupt zonal partial result: zone index out of range");
        auto& zone = z.zones[i];
        const std::size_t n = r.count();
        for (std::size_t j = 0; j < n; ++j) {
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

std::size_t zonal_task_count(const RasterSource& raster, const ZoneSet& zones,
                             const ZonalOptions& opts) {
    return RasterPlan(raster, zones, opts.tile_size).tasks();
}

ZonalResult run_zonal(const RasterSource& raster, const ZoneSet& zones, const CellAreaModel& areas,
                      const ZonalOptions& opts) {
    const RasterPlan plan(raster, zones, opts.tile_size);
    return run_zonal(raster, zones, areas, plan, opts);
}

ZonalResult run_zonal(const RasterSource& raster, const ZoneSet& zones, const CellAreaModel& areas,
                      const RasterPlan& zp, const ZonalOptions& opts, std::uint64_t progress_offset,
                      std::uint64_t progress_total) {
    return run_zonal(std::vector<const RasterSource*>{&raster}, zones, areas, zp, opts,
                     progress_offset, progress_total);
}

ZonalResult run_zonal(const std::vector<const RasterSource*>& rasters, const ZoneSet& zones,
                      const CellAreaModel& areas, const RasterPlan& zp, const ZonalOptions& opts,
                      std::uint64_t progress_offset, std::uint64_t progress_total) {
    if (rasters.empty()) fail(ErrorKind::Internal, "zonal: no raster");
    const TilePlan& plan = zp.plan;
    const ZoneIndex& index = *zp.index;
    const auto& busy = index.busy_tiles();
    const std::size_t begin = std::min(opts.task_begin, busy.size());
    const std::size_t end = std::min(opts.task_end, busy.size());
    const std::size_t nz = zones.size();

    ZonalResult result;
    result.scale = areas.scale();
    result.zones.resize(nz * rasters.size());
    result.tasks_total = busy.size();
    result.task_begin = begin;
    const std::uint64_t total = progress_total ? progress_total : zp.cost_of(begin, end);

    tbb::enumerable_thread_specific<Scratch> scratch([&] {
        Scratch s;
        s.rasterizer = CoverageRasterizer(opts.mode, areas.has_row_gradient());
        s.layers.resize(rasters.size());
        return s;
    });

    std::function<TileResult(std::size_t)> work = [&](std::size_t k) {
        const std::size_t t = busy[begin + k];
        Scratch& s = scratch.local();
        const Window tile = plan.tile(t);
        for (std::size_t r = 0; r < rasters.size(); ++r) {
            TallyLayer& l = s.layers[r];
            if (!l.reader) l.reader = rasters[r]->open_reader();
            l.classes.load(*l.reader, tile);
        }
        TileResult out;
        out.cells = static_cast<std::uint64_t>(tile.cells());
        out.cost = zp.cost[begin + k];
        for (std::uint32_t z : index.zones_of(t)) {
            const Window w = zones.zone(z).window.intersect(tile);
            if (w.empty()) continue;
            index.rasterize_edges(s.rasterizer, z, t, w);
            for (TallyLayer& l : s.layers) l.tally.assign(l.classes.count() + 1, ClassTally{});
            {
                ZoneTallier tallier(s.layers, tile, w, areas, s.cell_area);
                s.rasterizer.scan(tallier);
            }
            for (std::size_t r = 0; r < s.layers.size(); ++r) {
                const TallyLayer& l = s.layers[r];
                ZoneTile zt;
                zt.slot = r * nz + z;
                zt.nodata = l.tally[0];
                for (std::size_t k2 = 1; k2 < l.tally.size(); ++k2)
                    if (!l.tally[k2].zero())
                        zt.classes.emplace_back(l.classes.value(k2), l.tally[k2]);
                if (!zt.classes.empty() || !zt.nodata.zero()) out.zones.push_back(std::move(zt));
            }
        }
        return out;
    };
    std::uint64_t done = progress_offset;
    std::function<void(std::size_t, TileResult &&)> merge = [&](std::size_t, TileResult&& tr) {
        for (auto& zt : tr.zones) {
            ZoneTally& zone = result.zones[zt.slot];
            for (const auto& [v, t] : zt.classes) zone.classes[v].add(t);
            zone.nodata.add(zt.nodata);
        }
        done += tr.cost;
        result.cells_read += tr.cells;
        ++result.tasks_run;
        if (opts.progress)
            opts.progress->update(done, total + (progress_total ? 0 : progress_offset), "zonal");
    };
    run_ordered<TileResult>(end - begin, opts.threads, work, merge, opts.cancel);
    return result;
}

}  // namespace redline
