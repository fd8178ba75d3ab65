#pragma once
// `redline change` as a library call (CLI and Python share it).
//
// Matrix rows: zone, from, to, area_m2, then cells, from_name, to_name; zone order, then from,
// then to, codes ascending with `nodata` last. Patch rows: patch_id, zone, rule, from, to, pixels,
// area_m2, x, y, lon, lat, status, then permitted_share, from_name, to_name; ids 1.. in the order
// zone, top-left cell, rule. x/y is the centre of the patch's cell with the largest area (raster
// CRS); lon/lat the same point in degrees on the raster's datum. Status: `permitted` when at
// least --permitted-min-share (DEFAULT 0.5) of the patch's area lies on cells covered by
// --permitted polygons (coverage-weighted), else `below-mmu` when pixels < --mmu-pixels
// (DEFAULT 4), else `violation`. Every patch stays in the matrix and in the totals.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "redline/core/binary_codec.hpp"
#include "redline/core/class_table.hpp"
#include "redline/core/crs.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/exec/execution_context.hpp"
#include "redline/exec/tiled_job.hpp"
#include "redline/geodesy/cell_area_model.hpp"
#include "redline/io/checkpoint_store.hpp"
#include "redline/io/raster_source.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/layers/polygon_layer.hpp"
#include "redline/ops/change/change.hpp"
#include "redline/ops/change/change_rules.hpp"

namespace redline {

struct ChangeRequest {
    std::string t0, t1;
    int band = 1;
    // Rasters the caller opened (Python: a numpy or Dask array, an xarray.DataArray); used
    // instead of opening t0 / t1 by path (DEFAULT none). A job on them cannot be serialized.
    std::shared_ptr<const RasterSource> t0_source, t1_source;
    std::string zones;                          // PATH[:LAYER]
    std::string id_field;                       // DEFAULT "": the feature id names each zone (--id)
    LayerPolicy policy = LayerPolicy::zones();  // zones and permitted polygons
    std::string preset = "redline";             // used when rules_path is empty
    std::string rules_path;
    std::string classes = "clcd";
    int mmu_pixels = 4;
    int connectivity = 8;
    std::string permitted;  // PATH[:LAYER] or ""
    double permitted_min_share = 0.5;
    std::string mode = "exact";
    std::int64_t tile_size = 1024;  // cells (the tile side used, after --max-memory)
    std::int64_t max_memory = 0;    // bytes, 0 = no limit; applied once when the job is prepared
    bool patch_geometry = false;    // polygonise patches (GeoPackage output)
    // DEFAULT false. true (local runs): without patch_geometry, the zone sets are built
    // consuming the zone and permitted geometry (ZoneSet's && constructor: one copy of the
    // vertices at the peak, not two); serialize() is then refused. Not part of the identity.
    bool consume_geometry = false;
};

struct ChangeMatrixRow {
    std::size_t zone;
    std::int64_t from, to;  // kNodataClass for nodata
    double area_m2;
    double cells;
};

struct ChangePatchRow {
    std::int64_t patch_id;
    std::size_t zone;
    std::string rule;
    std::int64_t from, to;
    std::int64_t pixels;
    double area_m2;
    double x, y, lon, lat;
    std::string status;
    double permitted_share;
    MultiPolygon geometry;  // with patch_geometry
};

struct ChangeRuleSummary {
    std::string rule;
    std::int64_t violations = 0, permitted = 0, below_mmu = 0;
    double violation_m2 = 0, permitted_m2 = 0, below_mmu_m2 = 0;
    // Counts a patch: permitted first, then below-mmu, else violation; returns the status.
    const char* count(bool permitted, bool below_mmu, double area_m2);
};

// The tables every `change` writes (raster or vector inputs): the matrix and patch columns, and
// the per-rule summary (JSON "summary" of the outputs, and the lines on stderr).
// InvalidInput unless 0 < share <= 1 (--permitted-min-share).
void require_permitted_min_share(double share);
TableSpec change_matrix_spec();
TableSpec change_patch_spec(bool geometry, const std::string& crs_wkt);
// A patch row in change_patch_spec() order; `p` has patch_id, rule, pixels, area_m2, x, y, lon,
// lat, status and permitted_share; the zone, codes and names as written.
template <class Patch>
std::vector<Value> change_patch_values(const Patch& p, const std::string& zone, std::string from,
                                       std::string to, std::string from_name, std::string to_name) {
    return {p.patch_id,
            zone,
            p.rule,
            std::move(from),
            std::move(to),
            p.pixels,
            p.area_m2,
            p.x,
            p.y,
            p.lon,
            p.lat,
            p.status,
            p.permitted_share,
            std::move(from_name),
            std::move(to_name)};
}
nlohmann::json change_summary_json(const std::vector<ChangeRuleSummary>& summary);
std::string change_summary_text(const std::vector<ChangeRuleSummary>& summary);

struct ChangeReport {
    std::vector<std::string> zone_names;
    ClassTable classes;
    std::vector<ChangeMatrixRow> matrix;
    std::vector<ChangePatchRow> patches;
    std::vector<ChangeRuleSummary> summary;
    std::string crs_wkt;  // of patch geometries (the raster's)
    nlohmann::json meta;
    std::vector<std::string> warnings;

    void write_matrix(const std::string& output) const;  // "" = CSV on stdout
    void write_patches(const std::string& output) const;
    nlohmann::json summary_json() const;
    std::string summary_text() const;
};

// A prepared change audit (rasters opened, zones and permitted polygons prepared, rules parsed):
// a TiledJob (exec/tiled_job.hpp) run through the drivers of ops/job_driver.hpp, locally, with
// checkpoints, or as task ranges in other processes. Patches crossing tile borders are stitched
// when partials merge in task order, so every partition gives the same report.
class ChangeJob final : public TiledJob<ChangePartial, ChangeResult> {
  public:
    // `prep` runs the preparation (zones, cell areas, zone sets, the memory plan).
    static ChangeJob from_request(const ChangeRequest& req, const ExecutionContext& prep = {});
    // The same with zones the caller has already prepared in t0's CRS (the report passes the
    // redline union it computed; req.zones then only names them in messages).
    static ChangeJob from_request(const ChangeRequest& req, PolygonLayer zones,
                                  const ExecutionContext& prep = {});

    std::string label() const override { return "change"; }
    std::size_t task_count() const override;
    std::uint64_t cost_of(std::size_t begin, std::size_t end) const override;
    // Tiles of tasks [begin, end): exact, serializable.
    ChangePartial run(std::size_t begin, std::size_t end, const ExecutionContext& ctx,
                      ProgressSpan progress = {}) const override;
    TaskSpan span_of(const ChangePartial& part) const override;
    std::unique_ptr<PartialMerger<ChangePartial, ChangeResult>> merger() const override;
    // A local run, merging tiles as they finish (bounded memory).
    ChangeResult run_local(const ExecutionContext& ctx) const override;
    std::string fingerprint() const override;
    std::string describe_plan() const override;
    std::string serialize() const override;
    static ChangeJob deserialize(const std::string& bytes);

    // The matrix, patches and summary of a merged result that covers every task.
    ChangeReport report(ChangeResult&& result) const;

  private:
    ChangeJob() = default;
    // Area model, zone sets and plan from the prepared state.
    void build(const ExecutionContext& prep);
    static ChangeJob open(const ChangeRequest& req);  // rasters, checks, classes, rules
    // + permitted, zone sets, plan
    void set_zones(PolygonLayer zones, const ExecutionContext& prep);
    ChangeRequest m_req;
    bool m_geometry_released = false;
    std::shared_ptr<const RasterSource> m_t0, m_t1;
    Crs m_crs;  // t0's (and t1's)
    ClassTable m_classes;
    ChangeRules m_rules;
    PolygonLayer m_zones;
    std::optional<PolygonLayer> m_permitted;
    std::vector<std::string> m_warnings;
    std::shared_ptr<const CellAreaModel> m_areas;
    std::shared_ptr<const ZoneSet> m_zoneset, m_permset;
    std::shared_ptr<const RasterPlan> m_plan;
    std::string m_memory_note;
    // The options that decide the result, shared by serialize() and fingerprint().
    void write_options(BinaryWriter& w) const;
    ChangeOptions options(const ExecutionContext& ctx) const;
};

// Prepares, runs every task locally and reports.
ChangeReport run_change_job(const ChangeRequest& req, const ExecutionContext& ctx = {});

}  // namespace redline
