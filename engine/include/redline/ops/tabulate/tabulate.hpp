#pragma once
// `redline tabulate` as a library call: class areas of a land-use survey layer (三调 地类图斑,
// DLTB) inside zones, gross and net of deductions, in the survey's area convention
// (docs/survey-area.md, docs/land-use-survey.md).
//
// Output contract (issue #17): columns zone,class,area_m2,share,net_area_m2, then (with a code
// table) class_name,group,group_name, then parcels,area_convention; rows in zone order (feature
// order, or the dissolved groups in order of first appearance), then class order (codes
// ascending as text), then one row class=uncovered per zone.
//  - area_m2: ellipsoidal area (m2) of zone ∩ parcels of that class, from exact polygon-polygon
//    intersections (GEOS, geom/polygon_overlap.hpp), summed in ExactAreaSums;
//  - net_area_m2 = Σ area(zone ∩ parcel) × (1 − coefficient), the coefficient from the deduct
//    field (in [0, 1); 0 without one);
//  - share = area_m2 / Σ area_m2 of the zone's classes (the zone area the layer covers);
//  - uncovered: area of zone − ∪ parcels (gaps and the part outside the layer), share and
//    net_area_m2 null;
//  - parcels: number of parcels that meet the zone with a positive area, per class.
// With check_field, each parcel's area as read (before any overlap is cut away) in the survey
// convention is compared with the field; the parcels beyond the tolerance are in `check` and a
// warning (the run goes on: exit 0).
// Overlaps between parcels are an InvalidInput listing the first ones with locations, unless
// on_overlap = First: an overlapping area then counts once, for the first parcel in feature
// order (later parcels lose the part of earlier ones), and a warning says how much.
// Nothing in the output depends on the thread count or on the spatial chunks the layer is read by:
// a layer with more than chunk_parcels features, in a GeoPackage, a File Geodatabase or a
// shapefile with a spatial index, is read by chunks of a grid over its extent (memory bounded by
// a chunk and its zones); NULL deduction coefficients and geometries repaired by make_valid are
// counted chunk by chunk; when a chunk finds what only the whole layer can settle in feature
// order (overlapping parcels, the reader's per-parcel warnings, an error), the whole layer is
// read as before.
// Thread-safety: run_tabulate is reentrant.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "redline/exec/progress.hpp"
#include "redline/geodesy/survey_area.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/layers/land_use_layer.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/layers/polygon_layer.hpp"
#include "redline/ops/tabulate/area_check.hpp"

namespace redline {

struct TabulateRequest {
    std::string landuse;       // PATH[:LAYER] of the land-use polygons
    std::string class_field;   // land-use code field (text or integer; kept as written)
    std::string deduct_field;  // DEFAULT "": no deduction; else a coefficient in [0, 1)
    std::string zones;         // PATH[:LAYER]
    // DEFAULT nullopt: read `zones`; else these zones, read by the caller (e.g. the report's
    // redline and its parts inside each region), conformed to the land-use layer's CRS and
    // dissolved like a layer read from `zones` (`zones` then only names it in messages).
    std::optional<PolygonLayer> zone_layer;
    std::string id_field;     // DEFAULT "": zones named by feature id
    bool dissolve = false;    // one zone "all": the union of every zone feature
    std::string dissolve_by;  // one zone per value of this field (union)
    std::string classes;      // DEFAULT "": no names; "gbt21010" or a CSV path
    int level = 0;            // DEFAULT 0: codes as written; 1 or 2 (land_use_codes.hpp)
    // DEFAULT nullopt: Survey for a Gauss-Krüger land-use layer, Geodesic otherwise.
    std::optional<AreaConvention> convention;
    OnOverlap on_overlap = OnOverlap::Error;
    std::size_t max_examples = 10;  // DEFAULT 10: overlaps (and failed checks) listed in messages
    // DEFAULT "": no check; else a numeric field of the parcels' recorded areas (TBMJ, m2),
    // compared with each parcel's own survey-convention area (ops/tabulate/area_check.hpp) --
    // whatever `convention` the table uses. NULL values are not checked; text is an error.
    std::string check_field;
    AreaCheckTolerance check_tolerance;  // DEFAULT 0.005 m2 + 1e-6 x area
    // --reproject (the zones into the land-use layer's CRS), --densify, --make-valid,
    // --layer-crs, --encoding.
    LayerPolicy policy = LayerPolicy::overlay();
    int threads = 0;  // DEFAULT 0 = all cores
    // Parcels per spatial chunk (docs/land-use-survey.md "Memory: spatial chunks"): a GeoPackage
    // or indexed shapefile layer with more features is read chunk by chunk, each chunk's parcels
    // freed before the next. DEFAULT 0: default_chunk_parcels() (ops/tabulate/parcel_chunks.hpp,
    // 50,000). The output is the same for any value.
    std::size_t chunk_parcels = 0;
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;
};

struct TabulateRow {
    std::string zone;
    std::string cls;  // the code (at the requested level), or "uncovered"
    bool uncovered = false;
    double area_m2 = 0;
    double share = 0;        // NaN for uncovered or a zone the layer does not cover
    double net_area_m2 = 0;  // NaN for uncovered
    std::string class_name, group, group_name;  // with a code table ("" when unknown)
    std::size_t parcels = 0;
};

struct TabulateReport {
    bool named = false;  // a code table was given: class_name,group,group_name columns
    std::vector<TabulateRow> rows;
    AreaConvention convention = AreaConvention::Geodesic;
    std::string area_method;  // PolygonAreaCalculator::description()
    std::string ellipsoid;
    std::size_t zones = 0;
    std::size_t parcels = 0;
    std::size_t overlaps = 0;      // overlapping parcel pairs (on_overlap First)
    double overlap_area_m2 = 0;    // their total overlap area
    double uncovered_area_m2 = 0;  // over all zones
    AreaCheck check;               // check.field empty when no --check-field
    nlohmann::json meta;
    std::vector<std::string> warnings;
    // The one of `warnings` on zones the layer does not fully cover ("" when all are), for
    // callers that word their own (the report).
    std::string gap_warning;

    TableSpec table_spec() const;
    std::vector<Value> row_values(const TabulateRow& row) const;
    nlohmann::json summary() const;  // totals, added to JSON output as "summary"
    // Writes the table ("" = CSV on stdout) atomically; .csv, .json or .gpkg (no geometry).
    void write(const std::string& output) const;
};

TabulateReport run_tabulate(const TabulateRequest& req);

}  // namespace redline
