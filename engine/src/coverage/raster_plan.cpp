#include "redline/coverage/raster_plan.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/exec/memory_budget.hpp"
#include "redline/exec/ordered_executor.hpp"

namespace redline {

RasterPlan::RasterPlan(const RasterSource& raster, const ZoneSet& zones, std::int64_t tile_size) {
    const auto& info = raster.info();
    plan = TilePlan::for_blocks(info.grid, tile_size > 0 ? tile_size : 1024, info.block_cols,
                                info.block_rows);
    index = std::make_unique<ZoneIndex>(zones, plan);
    const auto& busy = index->busy_tiles();
    cost.resize(busy.size());
    for (std::size_t k = 0; k < busy.size(); ++k) {
        const Window tile = plan.tile(busy[k]);
        double c = static_cast<double>(tile.cells());
        for (std::uint32_t z : index->zones_of(busy[k])) {
            const auto& zr = zones.zone(z);
            const double in_tile = static_cast<double>(zr.window.intersect(tile).cells());
            const double share =
                zr.window.cells() > 0 ? in_tile / static_cast<double>(zr.window.cells()) : 0.0;
            c += 0.5 * in_tile + 50.0 * static_cast<double>(zr.edges) * share;
        }
        cost[k] = static_cast<std::uint64_t>(c) + 1;
    }
}

std::uint64_t RasterPlan::cost_of(std::size_t begin, std::size_t end) const {
    std::uint64_t s = 0;
    for (std::size_t k = begin; k < std::min(end, cost.size()); ++k) s += cost[k];
    return s;
}

std::size_t RasterPlan::tasks() const { return index->busy_tiles().size(); }

std::string RasterPlan::describe(const RasterInfo& info) const {
    return fmt::format(
        "tile plan: {} x {} tiles of {} x {} cells over {}; {} busy tiles (touched by zones); "
        "raster '{}' ({}): {}",
        plan.tiles_x(), plan.tiles_y(), plan.tile_cols(), plan.tile_rows(), info.grid.describe(),
        tasks(), info.path, info.data_type,
        info.read_strategy.empty() ? std::string("in memory") : info.read_strategy);
}

std::shared_ptr<const RasterPlan> plan_within_memory(const RasterSource& raster,
                                                     const ZoneSet& zones, std::int64_t& tile_size,
                                                     int threads, const PlanBudget& budget,
                                                     std::vector<std::string>& warnings,
                                                     std::string& note) {
    const RasterInfo& info = raster.info();
    const int workers = resolve_threads(threads);
    MemoryModel model;
    model.fixed_bytes = zones_memory_bytes(zones.xs().size(), zones.size());
    model.cache_bytes = info.cache_bytes + budget.extra_cache_bytes;
    model.bytes_per_tile_cell = budget.bytes_per_tile_cell;
    const std::int64_t requested = tile_size > 0 ? tile_size : 1024;
    auto cells = [&](std::int64_t side) {
        const TilePlan p = TilePlan::for_blocks(info.grid, side, info.block_cols, info.block_rows);
        return p.tile_cols() * p.tile_rows();
    };
    const TileChoice c = choose_tile_size(model, requested, 64, workers, budget.max_memory, cells);
    if (!c.fits)
        fail(ErrorKind::InvalidInput,
             fmt::format(
                 REDLINE_OPTION_VALUE(
                     "max_memory",
                     "{}") " is too small for this job: it needs about {} even with "
                           "the smallest tiles ({} cells each: side {} rounded up to whole raster "
                           "blocks) ({} for {} zones with {} vertices, {} of GDAL block cache, {} "
                           "per worker "
                           "x {}); raise " REDLINE_OPTION(
                               "max_memory") ", use fewer " REDLINE_OPTION("threads") " or split "
                                                                                      "the zones",
                 format_bytes(budget.max_memory), format_bytes(c.need_bytes), cells(c.tile_size),
                 c.tile_size, format_bytes(model.fixed_bytes), zones.size(), zones.xs().size(),
                 format_bytes(model.cache_bytes),
                 format_bytes(cells(c.tile_size) * model.bytes_per_tile_cell), workers));
    const std::int64_t avail = available_memory_bytes();
    if (avail > 0 && c.need_bytes > avail)
        warnings.push_back(fmt::format(
            "this job needs about {} of memory ({} zones with {} vertices, tiles of {} "
            "cells on {} workers) but only {} is available; it may swap or be killed: "
            "pass " REDLINE_OPTION(
                "max_memory") " to shrink the tiles, or use fewer " REDLINE_OPTION("threads"),
            format_bytes(c.need_bytes), zones.size(), zones.xs().size(), c.tile_size, workers,
            format_bytes(avail)));
    note = fmt::format(
        "memory: about {} expected (zones and process {}, GDAL block cache {}, {} per worker x {})",
        format_bytes(c.need_bytes), format_bytes(model.fixed_bytes),
        format_bytes(model.cache_bytes),
        format_bytes(cells(c.tile_size) * model.bytes_per_tile_cell), workers);
    if (budget.max_memory > 0)
        note += fmt::format("; " REDLINE_OPTION_VALUE("max_memory", "{}") ": tile size {}{}",
                            format_bytes(budget.max_memory), c.tile_size,
                            c.tile_size != requested ? fmt::format(" (reduced from {})", requested)
                                                     : std::string());
    tile_size = c.tile_size;
    return std::make_shared<const RasterPlan>(raster, zones, tile_size);
}

void write_zone_summary(BinaryWriter& w, const std::vector<std::string>& names,
                        const ZoneSet& zones) {
    w.u64(zones.size());
    w.u64(zones.xs().size());
    for (const auto& n : names) w.str(n);
    for (std::size_t z = 0; z < zones.size(); ++z) {
        const auto& zr = zones.zone(z);
        w.f64(zr.cmin);
        w.f64(zr.cmax);
        w.f64(zr.rmin);
        w.f64(zr.rmax);
        w.u64(zr.edges);
    }
}

}  // namespace redline
