#pragma once
// `redline change` with two land-use survey layers (issue #17, docs/land-use-survey.md#change):
// what changed between two survey years (三调 / 变更调查 DLTB) inside each zone, from the parcel
// polygons themselves; the two layers may have different parcel boundaries.
//
// Matrix (the columns of the raster `change`, change_matrix_spec()): per zone, the ellipsoidal
// area of zone ∩ parcel_t0 ∩ parcel_t1 by (class_t0, class_t1), the codes as written (text);
// `cells` holds the number of pieces (zone ∩ parcel_t0 ∩ parcel_t1) of the row. Zone area that
// one layer covers and the other does not is in rows with `uncovered` on the other side (from
// `uncovered`: t1 parcels outside t0; to `uncovered`: t0 parcels outside t1); zone area neither
// covers is left out. Rows: zone order, then from, then to, codes ascending as text, `uncovered`
// last; rows of zero area are left out. A zone's rows with from = c add up to the zone's area
// of class c in the t0 layer (`tabulate` of t0, the same convention and overlap handling).
//
// Patches (change_patch_spec()): the pieces whose transition a rule flags (SurveyChangeRules,
// ops/change/change_rules.hpp), dissolved per (zone, rule, from, to) and split into connected
// polygons: one patch per polygon. pixels = the number of pieces in it; area_m2 its ellipsoidal
// area; x/y a point inside (GEOS PointOnSurface, layer CRS), lon/lat the same in degrees on the
// layer's datum; permitted_share the share of its area inside the --permitted polygons. Status:
// permitted when permitted_share >= permitted_min_share, else below-mmu when area_m2 < mmu_m2,
// else violation. Ids 1.. in the order zone, rule, from, to, then the polygons' order in the
// dissolved union.
//
// Areas: exact polygon-polygon intersections (GEOS OverlayNG, geom/polygon_overlap.hpp)
// measured on the ellipsoid in the request's convention (default: survey for a Gauss-Krüger t0
// layer) and summed in ExactAreaSum; the result is the same for any thread count.
// Thread-safety: run_survey_change is reentrant.
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/exec/progress.hpp"
#include "redline/geodesy/survey_area.hpp"
#include "redline/layers/land_use_layer.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/ops/change/change_job.hpp"

namespace redline {

struct SurveyChangeRequest {
    std::string t0_layer, t1_layer;  // PATH[:LAYER] of the two survey years' parcels
    std::string class_field;         // land-use code field of both layers (text as written)
    std::string zones;               // PATH[:LAYER]
    std::string id_field;            // DEFAULT "": zones named by feature id
    bool dissolve = false;           // one zone "all"
    std::string dissolve_by;         // one zone per value (union)
    std::string preset = "redline";  // used when rules_path is empty
    std::string rules_path;
    std::string classes = "gbt21010";  // code table for from_name/to_name ("" = the codes)
    double mmu_m2 = 0;                 // DEFAULT 0: no patch is below the MMU
    std::string permitted;             // PATH[:LAYER] or ""
    double permitted_min_share = 0.5;
    std::optional<AreaConvention> convention;  // DEFAULT: survey for a GK t0 layer
    OnOverlap on_overlap = OnOverlap::Error;   // both layers
    std::size_t max_examples = 10;
    bool patch_geometry = false;  // keep patch polygons (GeoPackage output)
    // --reproject (t1, zones and permitted polygons into t0's CRS), --densify, --make-valid,
    // --layer-crs, --encoding.
    LayerPolicy policy = LayerPolicy::overlay();
    int threads = 0;  // DEFAULT 0 = all cores
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;
};

struct SurveyChangeMatrixRow {
    std::size_t zone;
    std::string from, to;  // codes, or "uncovered"
    double area_m2;
    std::size_t pieces;
};

struct SurveyChangePatchRow {
    std::int64_t patch_id;
    std::size_t zone;
    std::string rule, from, to;
    std::int64_t pixels;  // the pieces (zone ∩ parcel_t0 ∩ parcel_t1) in the patch
    double area_m2;
    double x, y, lon, lat;
    std::string status;
    double permitted_share;
    MultiPolygon geometry;  // with patch_geometry
};

struct SurveyChangeReport {
    std::vector<std::string> zone_names;
    std::vector<SurveyChangeMatrixRow> matrix;
    std::vector<SurveyChangePatchRow> patches;
    std::vector<ChangeRuleSummary> summary;
    std::map<std::string, std::string> names;  // code -> name from the code table
    AreaConvention convention = AreaConvention::Geodesic;
    std::string crs_wkt;  // of patch geometries (t0's)
    nlohmann::json meta;
    std::vector<std::string> warnings;

    // The rows as written (change_matrix_spec(), change_patch_spec() columns).
    std::vector<Value> matrix_values(const SurveyChangeMatrixRow& r) const;
    std::vector<Value> patch_values(const SurveyChangePatchRow& p) const;
    void write_matrix(const std::string& output) const;  // "" = CSV on stdout
    void write_patches(const std::string& output) const;
    std::string summary_text() const;
};

SurveyChangeReport run_survey_change(const SurveyChangeRequest& req);

}  // namespace redline
