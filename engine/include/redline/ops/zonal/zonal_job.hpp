#pragma once
// `redline zonal` as a library call, shared by the CLI, the Python bindings and distributed runs,
// so that all of them produce the same rows and the same bytes.
//
// A ZonalJob is prepared once (raster opened, zones read, checked, repaired, dissolved; cell
// area model and zone set built). It runs any range of its tasks (busy tiles) into an exact
// partial ZonalResult; partial results of disjoint ranges merge exactly; report() turns the
// merged result into rows. A local run is report(run(0, task_count())); a Dask run ships the
// serialized job to workers, runs ranges there and merges on the client: the same bytes.
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
#include "redline/exec/progress.hpp"
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
    int threads = 0;                // 0 = all cores
    std::int64_t tile_size = 1024;  // cells (the tile side used, after --max-memory)
    std::int64_t max_memory = 0;    // bytes, 0 = no limit; applied once when the job is prepared
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;
    // DEFAULT false. true (the CLI's local runs): the zone set is built consuming the prepared
    // geometry (ZoneSet's && constructor), so the peak holds one copy of the vertices, not two;
    // serialize() is then refused. Not part of the job's identity.
    bool consume_geometry = false;
};

struct ZonalRequest {
    std::string raster;
    int band = 1;
    std::string zones;     // PATH[:LAYER]
    std::string id_field;  // DEFAULT "": the feature id names each zone (--id)
    DissolveBy dissolve;   // DEFAULT none (--dissolve, --dissolve-by)
    LayerPolicy policy = LayerPolicy::zones();
    ZonalJobOptions job;
};

struct ZonalRow {
    std::size_t zone = 0;
    bool nodata = false;
    std::int64_t klass = 0;
    double area_m2 = 0;
    double share = 0;
    double cells = 0;
};

struct ZonalReport {
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

class ZonalJob {
  public:
    // `zones` must be in the raster's CRS (layers/conform.hpp).
    ZonalJob(std::shared_ptr<const RasterSource> raster, PolygonLayer zones, ZonalJobOptions opts);
    // Opens the raster by path and prepares the zones.
    static ZonalJob from_request(const ZonalRequest& req);

    std::size_t task_count() const;
    // Runs tasks [begin, end) (clamped); uses the options' progress sink and cancel token.
    ZonalResult run(std::size_t begin, std::size_t end) const;
    ZonalResult run_all() const { return run(0, task_count()); }
    // All tasks in chunks, storing each finished chunk in `store` and skipping the chunks it
    // already holds (--checkpoint / --resume). The result equals run_all() exactly.
    ZonalResult run_checkpointed(CheckpointStore& store) const;
    // Identity of the job's inputs and options for checkpoints (paths, sizes, mtimes, zones).
    std::string fingerprint() const;
    // One paragraph on the plan and settings for --verbose.
    std::string describe_plan() const;
    ZonalReport report(const ZonalResult& result) const;

    // Progress and cancellation for the next run() calls (not serialized).
    void set_progress(ProgressSink* p) { m_opts.progress = p; }
    void set_cancel(const CancelToken* c) { m_opts.cancel = c; }
    void set_threads(int t) { m_opts.threads = t; }
    const std::vector<std::string>& warnings() const { return m_warnings; }

    // The prepared job as bytes for another process: raster path and band, prepared zones and
    // options. Only for rasters opened from a path. deserialize() reopens the raster.
    std::string serialize() const;
    static ZonalJob deserialize(const std::string& bytes);

  private:
    ZonalJob(std::shared_ptr<const RasterSource> raster, Crs crs, PolygonLayer zones,
             ZonalJobOptions opts);
    std::shared_ptr<const RasterSource> m_raster;
    Crs m_crs;  // the raster's
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

ZonalReport run_zonal_job(const ZonalRequest& req);

}  // namespace redline
