#pragma once
// `redline zonal` as a library call, shared by the CLI, the Python bindings and distributed runs,
// so that all of them produce the same rows and the same bytes.
//
// A ZonalJob is prepared once (raster opened, zones read, checked, repaired, dissolved; cell
// area model and zone set built) and is a TiledJob (exec/tiled_job.hpp): it runs any range of
// its tasks (busy tiles) into an exact partial ZonalResult; partial results of disjoint ranges
// merge exactly; report() turns the merged result into rows. Runs go through the drivers of
// ops/job_driver.hpp: run_job(job, ctx[, store]) locally or with checkpoints, and
// merge_partials(job, parts) for a Dask run that shipped the serialized job to workers: the
// same bytes. Threads, progress and cancellation come with each run (ExecutionContext).
//
// Several rasters on one grid (`redline zonal --raster a.tif --raster b.tif`, a 3-D
// xarray.DataArray): one job, one pass; the zones are prepared and rasterized once for all of
// them (ops/zonal/zonal.hpp), and each raster's rows equal those of a run on it alone. The table
// then starts with a column naming the raster (`raster`: the file name stem; Python: `time` or
// `band` from the array's dimension), rows raster by raster in the order given.
//
// Output contract (issue #2): rows in zone order, then ascending class code, then `nodata`;
// one row per (zone, class) with area > 0. Columns: zone, class, area_m2, share, then
// class_name (with a class table), cells (coverage-weighted cell count), area_model,
// ellipsoid. share = area / (zone area over valid cells); for the nodata row it is the nodata
// area over the same denominator. Nothing in the output depends on --threads or --tile-size.
// Thread-safety: a prepared job is immutable; run() may be called concurrently.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "redline/core/class_table.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/exec/execution_context.hpp"
#include "redline/exec/tiled_job.hpp"
#include "redline/geodesy/cell_area_model.hpp"
#include "redline/io/checkpoint_store.hpp"
#include "redline/io/raster_source.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/layers/layer_dissolve.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/layers/polygon_layer.hpp"
#include "redline/ops/zonal/zonal.hpp"

namespace redline {

struct ZonalJobOptions {
    std::string mode = "exact";     // exact | centroid | all-touched
    std::string classes;            // "" | clcd | worldcover | globeland30 | PATH.csv
    std::int64_t tile_size = 1024;  // cells (the tile side used, after --max-memory)
    std::int64_t max_memory = 0;    // bytes, 0 = no limit; applied once when the job is prepared
    // DEFAULT false. true (the CLI's local runs): the zone set is built consuming the prepared
    // geometry (ZoneSet's && constructor), so the peak holds one copy of the vertices, not two;
    // serialize() is then refused. Not part of the job's identity.
    bool consume_geometry = false;
    // With several rasters: the first column's name and its value for each raster (DEFAULT
    // "raster" and the file name stems of the paths). Ignored with one raster.
    std::string stack_column = "raster";
    std::vector<std::string> stack_labels;
};

struct ZonalRequest {
    // One raster, or several on one grid (then a `raster` column names them by file name stem;
    // stems must differ).
    std::vector<std::string> rasters;
    int band = 1;
    std::string zones;     // PATH[:LAYER]
    std::string id_field;  // DEFAULT "": the feature id names each zone (--id)
    DissolveBy dissolve;   // DEFAULT none (--dissolve, --dissolve-by)
    LayerPolicy policy = LayerPolicy::zones();
    ZonalJobOptions job;
};

struct ZonalRow {
    std::size_t raster = 0;  // index into ZonalReport::raster_names (0 with one raster)
    std::size_t zone = 0;
    bool nodata = false;
    std::int64_t klass = 0;
    double area_m2 = 0;
    double share = 0;
    double cells = 0;
};

struct ZonalReport {
    // With several rasters: the first column (`raster_column`) holds raster_names[row.raster];
    // empty with one raster (no such column).
    std::string raster_column;
    std::vector<std::string> raster_names;
    std::vector<std::string> zone_names;
    std::vector<ZonalRow> rows;
    std::optional<ClassTable> classes;
    std::string area_model;  // "constant" | "per-row" | "per-cell"
    std::string ellipsoid;   // "CGCS2000 (GRS80)"
    nlohmann::json meta;
    std::vector<std::string> warnings;

    TableSpec table_spec() const;
    std::vector<Value> row_values(const ZonalRow& row) const;
    // Writes the table ("" = CSV on stdout) atomically.
    void write(const std::string& output) const;
};

class ZonalJob final : public TiledJob<ZonalResult, ZonalResult> {
  public:
    // `zones` must be in the raster's CRS (layers/conform.hpp). `prep` runs the preparation
    // (cell areas, zone set, the memory plan, which allows 2 x threads tiles in flight).
    ZonalJob(std::shared_ptr<const RasterSource> raster, PolygonLayer zones, ZonalJobOptions opts,
             const ExecutionContext& prep = {});
    // Several rasters on the grid and CRS of the first (InvalidInput otherwise, naming the two
    // that differ); opts.stack_labels names them (DEFAULT their paths' file name stems).
    ZonalJob(std::vector<std::shared_ptr<const RasterSource>> rasters, PolygonLayer zones,
             ZonalJobOptions opts, const ExecutionContext& prep = {});
    // Opens the raster by path and prepares the zones.
    static ZonalJob from_request(const ZonalRequest& req, const ExecutionContext& prep = {});

    std::string label() const override { return "zonal"; }
    std::size_t task_count() const override;
    std::uint64_t cost_of(std::size_t begin, std::size_t end) const override;
    // Runs tasks [begin, end) (clamped).
    ZonalResult run(std::size_t begin, std::size_t end, const ExecutionContext& ctx,
                    ProgressSpan progress = {}) const override;
    TaskSpan span_of(const ZonalResult& part) const override;
    std::unique_ptr<PartialMerger<ZonalResult, ZonalResult>> merger() const override;
    ZonalResult run_local(const ExecutionContext& ctx) const override;
    std::size_t raster_count() const { return m_rasters.size(); }
    // Identity of the job's inputs and options for checkpoints (paths, sizes, mtimes, zones).
    std::string fingerprint() const override;
    std::string describe_plan() const override;
    // The prepared job as bytes for another process: raster path and band, prepared zones and
    // options. Only for rasters opened from a path. deserialize() reopens the raster.
    std::string serialize() const override;
    static ZonalJob deserialize(const std::string& bytes);

    // The rows of a merged result that covers every task.
    ZonalReport report(const ZonalResult& result) const;
    const std::vector<std::string>& warnings() const { return m_warnings; }

  private:
    ZonalJob(std::vector<std::shared_ptr<const RasterSource>> rasters, Crs crs, PolygonLayer zones,
             ZonalJobOptions opts, const ExecutionContext& prep);
    std::vector<std::shared_ptr<const RasterSource>> m_rasters;
    std::shared_ptr<const RasterSource> m_raster;  // the first
    Crs m_crs;                                     // the raster's
    PolygonLayer m_zones;
    ZonalJobOptions m_opts;
    std::optional<ClassTable> m_classes;
    CellAreaModel m_areas;
    std::shared_ptr<const ZoneSet> m_zoneset;  // shared: the plan's index refers to it
    std::shared_ptr<const RasterPlan> m_plan;
    std::vector<std::string> m_warnings;
    std::string m_memory_note;
    bool m_geometry_released = false;
};

// Prepares, runs every task locally and reports.
ZonalReport run_zonal_job(const ZonalRequest& req, const ExecutionContext& ctx = {});

}  // namespace redline
