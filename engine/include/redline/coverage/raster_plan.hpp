#pragma once
// The plan of one raster pass over zones, shared by every raster operation (zonal, change):
// the tiles (block-aligned, independent of the thread count), the zones each busy tile touches,
// and each task's estimated cost for honest progress and ETAs; and the choice of a tile size
// that fits a memory budget (--max-memory).
// Thread-safety: a built plan is immutable and read concurrently.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "redline/core/binary_codec.hpp"
#include "redline/coverage/zone_index.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/exec/tile_plan.hpp"
#include "redline/io/raster_source.hpp"

namespace redline {

// The tile plan of a job, the zones of each tile, and an estimate of each task's cost (work
// units: cells decoded + cells scanned per zone + 50 per edge) for honest progress and ETAs.
// Built once per job; read concurrently.
struct RasterPlan {
    RasterPlan(const RasterSource& raster, const ZoneSet& zones, std::int64_t tile_size);
    RasterPlan(const RasterPlan&) = delete;
    RasterPlan& operator=(const RasterPlan&) = delete;
    TilePlan plan;
    std::unique_ptr<ZoneIndex> index;
    std::vector<std::uint64_t> cost;  // per task (busy tile)
    std::uint64_t cost_of(std::size_t begin, std::size_t end) const;
    std::size_t tasks() const;
    std::string describe(const RasterInfo& info) const;  // for --verbose
};

// Memory limits of a job's plan (--max-memory).
struct PlanBudget {
    std::int64_t max_memory = 0;  // bytes; DEFAULT 0 = no limit (warn above the available memory)
    std::int64_t bytes_per_tile_cell = 10;  // per worker (see exec/memory_budget.hpp)
    std::int64_t extra_cache_bytes = 0;     // block cache of other rasters read alongside
};

// The plan of a job within a memory budget: the requested tile side when the memory model fits
// the limit, else the largest halving of it that does. Throws InvalidInput when even 64-cell
// tiles do not fit (naming the need and the limit); adds a warning when the need exceeds the
// memory the machine has available. `tile_size` becomes the side used; `note` (for --verbose)
// says what was chosen and why.
std::shared_ptr<const RasterPlan> plan_within_memory(const RasterSource& raster,
                                                     const ZoneSet& zones, std::int64_t& tile_size,
                                                     int threads, const PlanBudget& budget,
                                                     std::vector<std::string>& warnings,
                                                     std::string& note);

// Writes what identifies prepared zones for a checkpoint fingerprint: count, names, and each
// zone's bounds in cell coordinates and edge count (cheap: no vertex is hashed).
void write_zone_summary(BinaryWriter& w, const std::vector<std::string>& names,
                        const ZoneSet& zones);

}  // namespace redline
