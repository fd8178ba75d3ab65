#pragma once
// Zonal tabulation: for every zone and every class value, the area (m2, ellipsoidal) of the
// class inside the zone, coverage-weighted (docs/indicators.md#cell-coverage).
//
// One pass: each busy tile (a tile touched by at least one zone) is decoded once by one
// worker; every zone touching it is rasterized over its window and its cells are tallied by
// class. Tallies are exact 128-bit fixed-point sums (core/fixed_area.hpp), merged in tile order,
// so the result is identical for any thread count, tile size or partition into tasks.
// Memory: the zone set, the index and 2 x threads tiles in flight.
//
// Several rasters on one grid (dates of a time series, bands): each busy tile of each raster is
// decoded once, but each zone is rasterized over the tile once for all of them, and each
// covered cell's weight is computed once; every raster gets its own tallies, equal to the bit
// to a run on that raster alone. The zone coverage is thus computed once per tile, not once per
// raster.
// Thread-safety: run_zonal is reentrant; the inputs are only read.
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "redline/core/fixed_area.hpp"
#include "redline/coverage/class_tally.hpp"
#include "redline/coverage/coverage_rasterizer.hpp"
#include "redline/coverage/raster_plan.hpp"
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

struct ZoneTally {
    std::map<std::int64_t, ClassTally> classes;  // by raster value, ascending
    ClassTally nodata;
};

struct ZonalResult {
    AreaScale scale;
    // In zone order; with several rasters, raster-major: zones[raster * zone count + zone].
    std::vector<ZoneTally> zones;
    std::size_t tasks_total = 0;  // busy tiles of the whole job
    std::size_t task_begin = 0;   // the first task run; with tasks_run: tasks [begin, begin+run)
    std::size_t tasks_run = 0;
    std::uint64_t cells_read = 0;
    // Adds a partial result of the same job (exact, order-free; the task span becomes the
    // smallest first task of the two, so merges of consecutive ranges keep a true span).
    void merge(const ZonalResult& other);
    // Exact binary form for shipping partial results between processes.
    std::string serialize() const;
    static ZonalResult deserialize(const std::string& bytes);
};

// The number of tasks (busy tiles) of a job, for partitioning.
std::size_t zonal_task_count(const RasterSource& raster, const ZoneSet& zones,
                             const ZonalOptions& opts);

ZonalResult run_zonal(const RasterSource& raster, const ZoneSet& zones, const CellAreaModel& areas,
                      const ZonalOptions& opts);
// With a prebuilt plan; progress is reported in the plan's work units, offset by
// `progress_offset` out of `progress_total` (0 = the range's own total).
ZonalResult run_zonal(const RasterSource& raster, const ZoneSet& zones, const CellAreaModel& areas,
                      const RasterPlan& plan, const ZonalOptions& opts,
                      std::uint64_t progress_offset = 0, std::uint64_t progress_total = 0);
// Several rasters on the grid of the plan (the caller checks that they share it), in one pass.
ZonalResult run_zonal(const std::vector<const RasterSource*>& rasters, const ZoneSet& zones,
                      const CellAreaModel& areas, const RasterPlan& plan, const ZonalOptions& opts,
                      std::uint64_t progress_offset = 0, std::uint64_t progress_total = 0);

}  // namespace redline
