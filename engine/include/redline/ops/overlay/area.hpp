#pragma once
// `redline area` as a library call: ellipsoidal areas of polygon features, of dissolved groups
// (union: overlaps count once), optionally of their part inside a boundary layer.
//
// Output contract (issue #3):
//  - per feature, in feature order: columns id,area_m2 (m2 on CGCS2000, docs/geodesy.md);
//  - with dissolve / dissolve_by: one row per group in order of first appearance (the group of
//    `dissolve` is "all"), columns group,area_m2,sum_m2,overlap_m2 where area_m2 is the area of
//    the union, sum_m2 the sum of the parts' areas and overlap_m2 = sum_m2 - area_m2;
//  - with `within`: every area is of the part inside the union of the boundary layer, and a
//    column share = area_m2 / boundary area is added (docs/indicators.md#union-before-share).
// Nothing in the output depends on the thread count.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "redline/core/exact_area_sum.hpp"
#include "redline/core/geometry.hpp"
#include "redline/exec/progress.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/layers/disjoint_union.hpp"
#include "redline/layers/layer_policy.hpp"

namespace redline {

struct AreaRequest {
    std::string layer;        // PATH[:LAYER]
    std::string id_field;     // DEFAULT "": the feature id names each row
    bool dissolve = false;    // one group "all"
    std::string dissolve_by;  // one group per value of this field
    std::string within;       // PATH[:LAYER] of a boundary layer ("" = none)
    // --reproject (the boundary into the layer's CRS), --densify, --make-valid, --layer-crs,
    // --encoding.
    LayerPolicy policy = LayerPolicy::overlay();
    int threads = 0;  // DEFAULT 0 = all cores
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;
};

struct AreaRow {
    std::string key;           // feature id or group value
    double area_m2 = 0;        // feature area, or union area of the group (inside the boundary)
    double sum_m2 = 0;         // dissolve: sum of the parts' areas
    double overlap_m2 = 0;     // dissolve: sum_m2 - area_m2
    double share = 0;          // within: area_m2 / boundary_area_m2
    std::size_t features = 0;  // features in the row (1 without dissolve)
};

struct AreaReport {
    bool dissolved = false;
    bool within = false;
    std::vector<AreaRow> rows;
    double boundary_area_m2 = 0;  // within: area of the union of the boundary layer
    std::string ellipsoid;
    std::string area_method;  // PolygonAreaCalculator::description()
    nlohmann::json meta;
    std::vector<std::string> warnings;

    TableSpec table_spec() const;
    std::vector<Value> row_values(const AreaRow& row) const;
    nlohmann::json summary() const;  // totals, also added to JSON output as "summary"
    // Writes the table ("" = CSV on stdout) atomically; .csv, .json or .gpkg (no geometry).
    void write(const std::string& output) const;
};

AreaReport run_area(const AreaRequest& req);

class ConcurrentAreaCalculator;

// The union of polygon parts measured as `redline area` measures a dissolved group (and as the
// report measures its layers): the exact union (GEOS, geom/polygon_dissolve.hpp) held as its
// interior-disjoint polygons, its area the exact sum of their ellipsoidal areas, and beside it
// the exact sum of the parts' own areas. Areas are m2 (docs/geodesy.md#polygon-area).
struct UnionArea {
    DisjointUnion pieces;  // the union, for overlap areas (layers/disjoint_union.hpp)
    double area_m2 = 0;    // area of the union: overlaps count once
    double sum_m2 = 0;     // sum of the parts' areas: overlaps count as often as they occur
    double overlap_m2() const { return sum_m2 - area_m2; }
};

// `parts_sum` is the exact sum of the parts' areas (measure_area_sums, geodesy/polygon_area.hpp).
// The same bits for any thread count. DEFAULT threads 0 = all cores.
UnionArea measure_union(const std::vector<const MultiPolygon*>& parts,
                        const ExactAreaSum& parts_sum, const ConcurrentAreaCalculator& calc,
                        int threads = 0);

}  // namespace redline
