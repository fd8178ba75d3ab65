#pragma once
// Two-date change audit (issue #4, docs/indicators.md): per zone, the transition matrix
// (t0 class -> t1 class, coverage-weighted ellipsoidal areas), and the patches of cells that
// break a rule, joined by 4- or 8-connectivity.
//
// One pass: each busy tile is read once per date, each zone touching it is rasterized once and
// the coverage serves both dates. Patches are labelled per tile and stitched across tile borders
// in the ordered merge, so memory grows with the number of patches, not of cells. All sums are
// exact integers (core/fixed_area.hpp): the result is identical for any thread count, tile
// size or task partition, and each zone's matrix row sums for one `from` class equal that
// class's t0 area from zonal (the same cell weights, coverage/cell_weight.hpp).
//
// A patch is formed per (zone, rule): a cell partly in two zones belongs to a patch of each, with
// its coverage-weighted area. Nodata never matches a rule.
// Thread-safety: run_change is reentrant; inputs are only read.
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "redline/coverage/class_tally.hpp"
#include "redline/coverage/coverage_rasterizer.hpp"
#include "redline/coverage/raster_plan.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/exec/progress.hpp"
#include "redline/geodesy/cell_area_model.hpp"
#include "redline/io/raster_source.hpp"
#include "redline/ops/change/change_rules.hpp"

namespace redline {

// Class key for nodata in matrices (sorts after every class code).
inline constexpr std::int64_t kNodataClass = std::numeric_limits<std::int64_t>::max();

struct ChangeOptions {
    CoverageMode mode = CoverageMode::Exact;  // exact | centroid
    int connectivity = 8;                     // DEFAULT 8 (docs/indicators.md)
    int threads = 0;                          // DEFAULT all cores
    std::int64_t tile_size = 1024;            // DEFAULT 1024 cells
    bool keep_cells = false;                  // keep each patch's cell runs (for polygons)
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;
};

struct CellRun {
    std::int64_t row, col0, col1;  // cells [col0, col1) of a row
};

struct ChangePatch {
    std::size_t zone = 0;
    std::size_t rule = 0;
    std::int64_t pixels = 0;    // cells touched
    Int128 area = 0;            // coverage-weighted, AreaScale units
    Int128 permitted_area = 0;  // the part on cells covered by permitted polygons (weighted)
    std::int64_t first_row = 0, first_col = 0;  // top-left cell (row-major first)
    std::int64_t best_row = 0, best_col = 0;    // cell with the largest area (a point inside)
    Int128 best_area = 0;
    std::map<std::int64_t, Int128> from_area;  // t0 class -> area
    std::map<std::int64_t, Int128> to_area;    // t1 class -> area
    std::vector<CellRun> runs;                 // with keep_cells

    std::int64_t majority_from() const;
    std::int64_t majority_to() const;
};

struct ChangeResult {
    AreaScale scale;
    // Per zone: (from, to) -> tally; kNodataClass for nodata.
    std::vector<std::map<std::pair<std::int64_t, std::int64_t>, ClassTally>> matrix;
    std::vector<ChangePatch> patches;  // ordered by zone, top-left cell, rule
};

// The result of one tile: matrix tallies and the tile's patches with their cells on the tile
// border (to be stitched with neighbouring tiles).
struct ChangeTile {
    struct Pair {
        std::uint32_t zone;
        std::int64_t from, to;
        ClassTally tally;
    };
    struct Patch {
        ChangePatch stats;
        std::vector<std::pair<std::int64_t, std::int64_t>> border;
    };
    std::vector<Pair> pairs;
    std::vector<Patch> patches;
    std::uint64_t cells = 0;
};

// Tiles of a range of tasks, in task order; exact and serializable (distributed runs).
struct ChangePartial {
    std::size_t begin = 0, end = 0, tasks_total = 0;
    std::vector<ChangeTile> tiles;
    std::string serialize() const;
    static ChangePartial deserialize(const std::string& bytes);
};

// Stitches tiles into the final result; tiles must be added in task order.
class ChangeMerger {
  public:
    ChangeMerger(std::size_t zones, int connectivity, AreaScale scale);
    void add(ChangeTile&& tile);
    ChangeResult finish();

  private:
    struct Impl;
    std::shared_ptr<Impl> m_impl;
};

// `permitted`: a ZoneSet whose zone 0 is the union of the permitted polygons (may be null).
ChangeResult run_change(const RasterSource& t0, const RasterSource& t1, const ZoneSet& zones,
                        const CellAreaModel& areas, const ChangeRules& rules,
                        const ZoneSet* permitted, const ChangeOptions& opts);

// With a prebuilt plan (see RasterPlan; progress in its work units).
ChangeResult run_change(const RasterSource& t0, const RasterSource& t1, const ZoneSet& zones,
                        const CellAreaModel& areas, const ChangeRules& rules,
                        const ZoneSet* permitted, const RasterPlan& plan,
                        const ChangeOptions& opts);
ChangePartial run_change_tasks(const RasterSource& t0, const RasterSource& t1, const ZoneSet& zones,
                               const CellAreaModel& areas, const ChangeRules& rules,
                               const ZoneSet* permitted, const RasterPlan& plan,
                               const ChangeOptions& opts, std::size_t begin, std::size_t end,
                               std::uint64_t progress_offset, std::uint64_t progress_total);

// The number of tasks (busy tiles) of a change job, and the tiles of tasks [begin, end).
std::size_t change_task_count(const RasterSource& t0, const ZoneSet& zones,
                              const ChangeOptions& opts);
ChangePartial run_change_tasks(const RasterSource& t0, const RasterSource& t1, const ZoneSet& zones,
                               const CellAreaModel& areas, const ChangeRules& rules,
                               const ZoneSet* permitted, const ChangeOptions& opts,
                               std::size_t begin, std::size_t end);

}  // namespace redline
