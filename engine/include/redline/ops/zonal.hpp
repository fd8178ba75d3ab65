#pragma once
// Zonal tabulation: for every zone and every class value, the area (m2, ellipsoidal) of the
// class inside the zone, coverage-weighted (docs/indicators.md#cell-coverage).
//
// One pass: each busy tile (a tile touched by at least one zone) is decoded once by one
// worker; every zone touching it is rasterized over its window and its cells are tallied by
// class. Tallies are exact 128-bit fixed-point sums (core/fixed_area.hpp), merged in tile order,
// so the result is identical for any thread count, tile size or partition into tasks.
// Memory: the zone set, the index and 2 x threads tiles in flight.
// Thread-safety: run_zonal is reentrant; the inputs are only read.
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "redline/core/binary_codec.hpp"
#include "redline/core/fixed_area.hpp"
#include "redline/coverage/coverage_rasterizer.hpp"
#include "redline/coverage/zone_index.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/exec/progress.hpp"
#include "redline/exec/tile_plan.hpp"
#include "redline/geodesy/cell_area_model.hpp"
#include "redline/io/raster_source.hpp"

namespace redline {

struct ZonalOptions {
    CoverageMode mode = CoverageMode::Exact;
    int threads = 0;                // DEFAULT 0 = all cores
    std::int64_t tile_size = 1024;  // DEFAULT 1024 cells, rounded up to whole blocks
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;
    // A slice of the job's tasks (busy tiles, in order) for distributed runs; DEFAULT all.
    std::size_t task_begin = 0;
    std::size_t task_end = std::numeric_limits<std::size_t>::max();
};

struct ClassTally {
    Int128 area = 0;      // sum of coverage units x area units (see AreaScale::to_m2)
    Int128 coverage = 0;  // sum of coverage units (2^-40 cell)
    void add(const ClassTally& o) {
        area += o.area;
        coverage += o.coverage;
    }
    bool zero() const { return area == 0 && coverage == 0; }
};

struct ZoneTally {
    std::map<std::int64_t, ClassTally> classes;  // by raster value, ascending
    ClassTally nodata;
};

struct ZonalResult {
    AreaScale scale;
    std::vector<ZoneTally> zones;  // in zone order
    std::size_t tasks_total = 0;   // busy tiles of the whole job
    std::size_t tasks_run = 0;
    std::uint64_t cells_read = 0;
    // Adds a partial result of the same job (exact, order-free).
    void merge(const ZonalResult& other);
    // Exact binary form for shipping partial results between processes.
    std::string serialize() const;
    static ZonalResult deserialize(const std::string& bytes);
};

// The tile plan of a job, the zones of each tile, and an estimate of each task's cost (work
// units: cells decoded + cells scanned per zone + 50 per edge) for honest progress and ETAs.
// Built once per job; read concurrently.
struct ZonalPlan {
    ZonalPlan(const RasterSource& raster, const ZoneSet& zones, std::int64_t tile_size);
    ZonalPlan(const ZonalPlan&) = delete;
    ZonalPlan& operator=(const ZonalPlan&) = delete;
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
std::shared_ptr<const ZonalPlan> plan_within_memory(const RasterSource& raster,
                                                    const ZoneSet& zones, std::int64_t& tile_size,
                                                    int threads, const PlanBudget& budget,
                                                    std::vector<std::string>& warnings,
                                                    std::string& note);

// Writes what identifies prepared zones for a checkpoint fingerprint: count, names, and each
// zone's bounds in cell coordinates and edge count (cheap: no vertex is hashed).
void write_zone_summary(BinaryWriter& w, const std::vector<std::string>& names,
                        const ZoneSet& zones);

// The number of tasks (busy tiles) of a job, for partitioning.
std::size_t zonal_task_count(const RasterSource& raster, const ZoneSet& zones,
                             const ZonalOptions& opts);

ZonalResult run_zonal(const RasterSource& raster, const ZoneSet& zones, const CellAreaModel& areas,
                      const ZonalOptions& opts);
// With a prebuilt plan; progress is reported in the plan's work units, offset by
// `progress_offset` out of `progress_total` (0 = the range's own total).
ZonalResult run_zonal(const RasterSource& raster, const ZoneSet& zones, const CellAreaModel& areas,
                      const ZonalPlan& plan, const ZonalOptions& opts,
                      std::uint64_t progress_offset = 0, std::uint64_t progress_total = 0);

}  // namespace redline
