#pragma once
// `redline conflicts` as a library call: every overlap between features of different planning
// layers (三区三线: ECR, PBF, UDB must not overlap, docs/indicators.md), measured on the
// ellipsoid.
//
// Output contract (issue #3):
//  - one row per overlap with area >= min_area_m2; columns layer_a,id_a,layer_b,id_b,area_m2
//    (+ the overlap polygon in GeoPackage output, in the first layer's CRS);
//  - layer pairs in layer order (0,1), (0,2), (1,2) ...; with `self` a layer's own pair (i,i)
//    comes before (i,i+1); rows sorted by (layer pair, id_a, id_b), ids compared as integers
//    when both are integers, else as text (then by feature order);
//  - touching boundaries (zero-area contacts) are not conflicts; overlaps with
//    0 < area < min_area_m2 are slivers: counted in the summary, not listed;
//  - a summary per layer pair (conflicts, area, slivers, sliver area, pass) on stderr and in
//    JSON output ("summary").
// Intersections are computed in the first layer's CRS (other layers must be in it, or
// reprojected with `policy.reproject`), and measured with the PolygonAreaCalculator of that CRS.
// Nothing in the output depends on the thread count.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/exec/progress.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/layers/polygon_layer.hpp"

namespace redline {

struct ConflictsRequest {
    std::vector<std::string> layers;     // PATH[:LAYER], at least two (one with `self`)
    std::vector<std::string> id_fields;  // none: feature ids; one: every layer; else one per layer
                                         // ("" = the feature id of that layer)
    double min_area_m2 = 1.0;            // DEFAULT 1 m2: smaller overlaps are slivers
    bool self = false;                   // DEFAULT false: also overlaps inside each layer
    bool keep_geometry = false;          // DEFAULT false: keep overlap polygons (GeoPackage)
    LayerPolicy policy = LayerPolicy::overlay();  // --reproject, --densify, --make-valid, ...
    int threads = 0;                              // DEFAULT 0 = all cores
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;
};

struct ConflictRow {
    std::size_t layer_a = 0, layer_b = 0;
    std::size_t feature_a = 0, feature_b = 0;  // positions in their layers
    std::string id_a, id_b;
    double area_m2 = 0;
    MultiPolygon geometry;  // when keep_geometry
};

struct ConflictPairSummary {
    std::size_t layer_a = 0, layer_b = 0;
    std::size_t conflicts = 0;
    double area_m2 = 0;  // total of the listed conflicts
    std::size_t slivers = 0;
    double sliver_area_m2 = 0;  // total of the slivers
};

struct ConflictsReport {
    std::vector<std::string> layer_labels;
    std::vector<ConflictRow> rows;
    std::vector<ConflictPairSummary> summaries;  // one per layer pair, in pair order
    double min_area_m2 = 1.0;
    std::string crs_wkt;  // of the geometries
    std::string ellipsoid;
    std::string area_method;
    nlohmann::json meta;
    std::vector<std::string> warnings;

    TableSpec table_spec(bool with_geometry) const;
    std::vector<Value> row_values(const ConflictRow& row) const;
    nlohmann::json summary_json() const;
    // "redline x cropland: 3 conflicts, 12.5 m2; 1 sliver (0.2 m2) below 1 m2"
    std::vector<std::string> summary_lines() const;
    // Writes the table ("" = CSV on stdout) atomically; GeoPackage output carries the overlap
    // polygons when the report kept them.
    void write(const std::string& output) const;
};

// DEFAULT conformed none; when given, it receives the layers as read and conformed (in
// req.layers order, in the CRS of the first), for a caller that needs them again.
ConflictsReport run_conflicts(const ConflictsRequest& req,
                              std::vector<PolygonLayer>* conformed = nullptr);

// Orders ids as integers when both are integers, else as text (for sorted outputs).
bool id_less(const std::string& a, const std::string& b);

}  // namespace redline
