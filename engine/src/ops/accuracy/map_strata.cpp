#include "redline/ops/accuracy/map_strata.hpp"

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "redline/core/error.hpp"
#include "redline/core/fixed_area.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/sha256.hpp"
#include "redline/coverage/coverage_rasterizer.hpp"
#include "redline/coverage/raster_plan.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/exec/tile_plan.hpp"
#include "redline/geodesy/cell_area_model.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geodesy/transformer.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/io/tile_classes.hpp"
#include "redline/layers/zone_layer.hpp"
#include "redline/ops/accuracy/stratum_sampler.hpp"

namespace redline::accuracy {
namespace {

// SplitMix64 finalizer, for the order-free content hash.
std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

struct ClassSum {
    Int128 area = 0;  // fixed-point area units
    std::uint64_t cells = 0;
};

struct TileResult {
    std::map<std::int64_t, ClassSum> sums;
    std::map<std::int64_t, StratumSampler> samplers;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> zone_of;  // kept cells -> zone + 1
    std::uint64_t lane0 = 0, lane1 = 0;
    std::uint64_t cost = 0;
};

struct Scratch {
    std::unique_ptr<RasterReader> reader, reader1;
    TileClasses classes, classes1;
    std::vector<std::int64_t> code;  // change strata: per tile cell, stratum or -1
    CoverageRasterizer rasterizer{CoverageMode::Centroid};
    std::vector<std::uint32_t> mask;  // per tile cell: 0 outside, else first zone + 1
    std::vector<std::int64_t> cell_area;
};

// Marks the cells of a tile whose centre is in the zone (keeping the first zone).
struct MaskWriter {
    std::vector<std::uint32_t>& mask;
    const Window& tile;
    const Window& w;
    std::uint32_t value;
    void mark(std::int64_t r, std::int64_t c) {
        auto& m = mask[static_cast<std::size_t>((w.row0 + r - tile.row0) * tile.cols +
                                                (w.col0 + c - tile.col0))];
        if (m == 0) m = value;
    }
    void cell(std::int64_t r, std::int64_t c, std::int64_t cov, const std::int64_t*) {
        if (cov > 0) mark(r, c);
    }
    void span(std::int64_t r, std::int64_t b, std::int64_t e, std::int64_t cov) {
        if (cov <= 0) return;
        for (std::int64_t c = b; c < e; ++c) mark(r, c);
    }
};

}  // namespace

double MapStrata::total_area_m2() const {
    double a = 0;
    for (const auto& s : strata) a += s.area_m2;
    return a;
}

MapStrata scan_map_strata(const MapStrataRequest& req, std::uint64_t seed, std::uint64_t quota) {
    const bool change = !req.t0.empty() || !req.t1.empty();
    if (change && (req.t0.empty() || req.t1.empty()))
        fail(ErrorKind::InvalidInput,
             "change strata need both " REDLINE_OPTION("t0") " and " REDLINE_OPTION("t1") "");
    if (change && !req.map.empty())
        fail(ErrorKind::InvalidInput,
             "give either " REDLINE_OPTION("map") " (strata = map classes) or " REDLINE_OPTION("t0") " and " REDLINE_OPTION("t1") " (strata = change "
             "categories), not both");
    if (!change && req.map.empty())
        fail(ErrorKind::InvalidInput,
             "give the map (" REDLINE_OPTION("map") "), or two dates (" REDLINE_OPTION(
                 "t0") " and " REDLINE_OPTION("t1") ")");
    const std::string& first = change ? req.t0 : req.map;
    const auto& first_source = change ? req.t0_source : req.map_source;
    std::shared_ptr<const RasterSource> raster =
        first_source ? first_source : GdalRasterSource::open(first, req.band);
    std::shared_ptr<const RasterSource> raster1;
    if (change) {
        raster1 = req.t1_source ? req.t1_source : GdalRasterSource::open(req.t1, req.band);
        if (!raster->info().grid.same_as(raster1->info().grid))
            fail(ErrorKind::InvalidInput,
                 fmt::format("" REDLINE_OPTION_VALUE("t0", "'{}'") " and " REDLINE_OPTION(
                                 "t1") " '{}' do not share a grid ({} and {}); warp one "
                                       "onto the other's grid first",
                             req.t0, req.t1, raster->info().grid.describe(),
                             raster1->info().grid.describe()));
        if (req.transitions.empty() || !req.transitions.stratum_of)
            fail(ErrorKind::Internal, "map strata: change strata without a stratification");
    }
    const RasterInfo& info = raster->info();
    const Grid& grid = info.grid;
    const Crs crs = make_crs(info.crs_wkt, info.crs_label);
    MapStrata out;
    out.map = first;
    if (change) {
        for (std::size_t k = 0; k < req.transitions.names.size(); ++k)
            out.stratum_names[static_cast<std::int64_t>(k)] = req.transitions.names[k];
    }
    out.band = req.band;
    out.zones = req.zones;
    out.grid = grid;
    out.crs_wkt = info.crs_wkt;
    out.crs_label = info.crs_label;
    out.warnings = info.warnings;
    const CellAreaModel areas = CellAreaModel::build(grid, crs, req.threads);
    for (const auto& w : areas.warnings()) out.warnings.push_back(w);
    out.area_model = areas.kind_name();
    out.ellipsoid = areas.ellipsoid();

    // Tiles: every tile of the map, or the tiles some zone touches.
    std::unique_ptr<PolygonLayer> zones;
    std::unique_ptr<ZoneSet> zoneset;
    std::unique_ptr<RasterPlan> zplan;
    TilePlan plan;
    std::vector<std::size_t> tasks;
    if (!req.zones.empty()) {
        zones = std::make_unique<PolygonLayer>(prepare_zones(req.zones, req.id_field, DissolveBy{},
                                                             crs, "map '" + first + "'", req.policy,
                                                             req.threads, req.progress));
        for (const auto& w : zones->warnings) out.warnings.push_back(w);
        zoneset = std::make_unique<ZoneSet>(grid, zones->geoms, zones->ids);
        zplan = std::make_unique<RasterPlan>(*raster, *zoneset, req.tile_size);
        plan = zplan->plan;
        tasks = zplan->index->busy_tiles();
    } else {
        plan = TilePlan::for_blocks(grid, req.tile_size > 0 ? req.tile_size : 1024, info.block_cols,
                                    info.block_rows);
        for (std::size_t t = 0; t < plan.size(); ++t) tasks.push_back(t);
    }
    const auto width = static_cast<std::uint64_t>(grid.cols());
    std::uint64_t total_cost = 0;
    for (std::size_t t : tasks) total_cost += static_cast<std::uint64_t>(plan.tile(t).cells());

    tbb::enumerable_thread_specific<Scratch> scratch;
    std::function<TileResult(std::size_t)> work = [&](std::size_t k) {
        const std::size_t t = tasks[k];
        Scratch& s = scratch.local();
        if (!s.reader) s.reader = raster->open_reader();
        const Window tile = plan.tile(t);
        s.classes.load(*s.reader, tile);
        TileResult r;
        r.cost = static_cast<std::uint64_t>(tile.cells());
        const auto cells = static_cast<std::size_t>(tile.cells());
        if (zoneset) {
            s.mask.assign(cells, 0);
            for (std::uint32_t z : zplan->index->zones_of(t)) {
                const Window w = zoneset->zone(z).window.intersect(tile);
                if (w.empty()) continue;
                zplan->index->rasterize_edges(s.rasterizer, z, t, w);
                MaskWriter mw{s.mask, tile, w, z + 1};
                s.rasterizer.scan(mw);
            }
        }
        // Slot of a cell: 0 outside the population; else 1 + a dense index whose stratum is
        // slot_value[slot - 1] (class maps: the tile's local class index; change: the stratum).
        std::size_t slots = s.classes.count();
        std::vector<std::int64_t> slot_value;
        if (change) {
            if (!s.reader1) s.reader1 = raster1->open_reader();
            s.classes1.load(*s.reader1, tile);
            slots = req.transitions.names.size();
            for (std::size_t q = 0; q < slots; ++q)
                slot_value.push_back(static_cast<std::int64_t>(q));
        } else {
            for (std::size_t q = 1; q <= slots; ++q) slot_value.push_back(s.classes.value(q));
        }
        std::vector<ClassSum> local(slots + 1);
        std::vector<StratumSampler*> sampler(slots + 1, nullptr);
        for (std::int64_t row = 0; row < tile.rows; ++row) {
            const std::int64_t grow = tile.row0 + row;
            const std::uint16_t* cls = s.classes.row(row);
            const std::uint16_t* cls1 = change ? s.classes1.row(row) : nullptr;
            s.cell_area.resize(static_cast<std::size_t>(tile.cols));
            areas.cell_area_units(grow, tile.col0, tile.cols, s.cell_area.data());
            for (std::int64_t col = 0; col < tile.cols; ++col) {
                const std::uint16_t k2 = cls[col];
                if (k2 == 0) continue;
                const auto off = static_cast<std::size_t>(row * tile.cols + col);
                if (zoneset && s.mask[off] == 0) continue;
                std::size_t slot = k2;
                std::uint64_t content = static_cast<std::uint64_t>(s.classes.value(k2));
                if (change) {
                    const std::uint16_t k1 = cls1[col];
                    if (k1 == 0) continue;
                    const std::int64_t v0 = s.classes.value(k2), v1 = s.classes1.value(k1);
                    const std::int64_t st = req.transitions.stratum_of(v0, v1);
                    if (st < 0 || st >= static_cast<std::int64_t>(slots))
                        fail(ErrorKind::Internal, "map strata: a transition stratum out of range");
                    slot = static_cast<std::size_t>(st) + 1;
                    content = (static_cast<std::uint64_t>(v0) << 32) ^
                              (static_cast<std::uint64_t>(v1) & 0xFFFFFFFFULL) ^
                              (static_cast<std::uint64_t>(slot) << 60);
                }
                ClassSum& cs = local[slot];
                cs.area += s.cell_area[static_cast<std::size_t>(col)];
                ++cs.cells;
                const std::uint64_t cell = static_cast<std::uint64_t>(grow) * width +
                                           static_cast<std::uint64_t>(tile.col0 + col);
                const std::int64_t v = slot_value[slot - 1];
                const std::uint64_t h =
                    mix64(cell * 0x9E3779B97F4A7C15ULL ^ mix64(content + 0x51ED27ULL));
                r.lane0 += h;
                r.lane1 += mix64(h ^ 0xD6E8FEB86659FD93ULL);
                if (quota > 0) {
                    if (!sampler[slot]) {
                        auto it = r.samplers.emplace(v, StratumSampler(seed, {{v, quota}})).first;
                        sampler[slot] = &it->second;
                    }
                    sampler[slot]->offer(v, cell);
                }
            }
        }
        for (std::size_t q = 1; q < local.size(); ++q)
            if (local[q].cells > 0) r.sums[slot_value[q - 1]] = local[q];
        if (zoneset && quota > 0) {
            for (const auto& [v, smp] : r.samplers) {
                for (const SampledCell& c : smp.selection()) {
                    const auto grow = static_cast<std::int64_t>(c.cell_index / width);
                    const auto gcol = static_cast<std::int64_t>(c.cell_index % width);
                    r.zone_of.emplace_back(
                        c.cell_index, s.mask[static_cast<std::size_t>(
                                          (grow - tile.row0) * tile.cols + (gcol - tile.col0))]);
                }
            }
        }
        return r;
    };

    std::map<std::int64_t, ClassSum> sums;
    std::map<std::int64_t, StratumSampler> samplers;
    std::unordered_map<std::uint64_t, std::uint32_t> zone_of;
    std::uint64_t lane0 = 0, lane1 = 0, done = 0;
    auto prune = [&] {
        std::unordered_set<std::uint64_t> keep;
        for (const auto& [v, smp] : samplers)
            for (const SampledCell& c : smp.selection()) keep.insert(c.cell_index);
        for (auto it = zone_of.begin(); it != zone_of.end();)
            it = keep.count(it->first) ? std::next(it) : zone_of.erase(it);
    };
    std::size_t prune_at = 1u << 16;
    std::function<void(std::size_t, TileResult &&)> merge = [&](std::size_t, TileResult&& r) {
        for (const auto& [v, cs] : r.sums) {
            sums[v].area += cs.area;
            sums[v].cells += cs.cells;
        }
        for (auto& [v, smp] : r.samplers) {
            auto it = samplers.find(v);
            if (it == samplers.end())
                samplers.emplace(v, std::move(smp));
            else
                it->second.merge(smp);
        }
        for (const auto& [cell, z] : r.zone_of) zone_of[cell] = z;
        if (zone_of.size() > prune_at) {
            prune();
            prune_at = std::max<std::size_t>(prune_at, 2 * zone_of.size());
        }
        lane0 += r.lane0;
        lane1 += r.lane1;
        done += r.cost;
        if (req.progress) req.progress->update(done, total_cost, "map");
    };
    run_ordered<TileResult>(tasks.size(), req.threads, work, merge, req.cancel);

    const Int128 full = static_cast<Int128>(kFullCoverage);
    for (const auto& [v, cs] : sums)
        out.strata.push_back(MapStratum{v, areas.scale().to_m2(cs.area * full), cs.cells});
    if (out.strata.empty()) {
        fail(ErrorKind::InvalidInput,
             req.zones.empty()
                 ? fmt::format("the map '{}' has no valid cell (every cell is nodata)", first)
                 : fmt::format("no valid cell of the map '{}' has its centre inside the zones "
                               "'{}'; there is nothing to sample or estimate",
                               first, req.zones));
    }

    if (quota > 0) {
        const Transformer to_geo = Transformer::to_geographic(info.crs_wkt);
        for (const auto& [v, smp] : samplers) {
            for (const SampledCell& c : smp.selection()) {
                MapSampleCell m;
                m.stratum = c.stratum;
                m.cell_index = c.cell_index;
                m.key = c.key;
                m.row = static_cast<std::int64_t>(c.cell_index / width);
                m.col = static_cast<std::int64_t>(c.cell_index % width);
                m.x = grid.x_of(static_cast<double>(m.col) + 0.5);
                m.y = grid.y_of(static_cast<double>(m.row) + 0.5);
                const Point ll = to_geo.transform(Point{m.x, m.y});
                m.lon = ll.x;
                m.lat = ll.y;
                if (zones) {
                    const auto it = zone_of.find(c.cell_index);
                    if (it == zone_of.end() || it->second == 0)
                        fail(ErrorKind::Internal, "map strata: a sampled cell lost its zone");
                    m.zone = zones->ids[it->second - 1];
                }
                out.selection.push_back(std::move(m));
            }
        }
    }

    // Digest of the population.
    Sha256 sha;
    const std::string head =
        fmt::format("redline.map-strata.v1\n{}\n{}\nband {}\n{}\n{:016x}{:016x}\n", grid.describe(),
                    info.crs_wkt, req.band, req.zones.empty() ? "map" : "zones", lane0, lane1);
    sha.update(head.data(), head.size());
    if (change) {
        const std::string r = "change strata\n" + req.transitions.identity;
        sha.update(r.data(), r.size());
    }
    for (const auto& s : out.strata) {
        const std::string line = fmt::format("{} {}\n", s.id, s.cells);
        sha.update(line.data(), line.size());
    }
    out.digest = sha.hex_digest();
    return out;
}

}  // namespace redline::accuracy
