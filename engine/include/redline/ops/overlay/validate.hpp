#pragma once
// `redline validate` as a library call: every problem of a polygon layer, per feature, with a
// location, so it can be fixed before an overlay.
//
// Problems (ProblemKind, in the order rows are sorted within a feature):
//   missing_crs        the layer declares no CRS (layer-level row, no id)
//   empty_geometry     null or empty geometry
//   non_polygonal      a geometry that is not a polygon or multipolygon (detail: its type)
//   invalid_geometry   GEOS's reason (OGC validity) and where GEOS found it
//   outside_crs_area   a vertex that cannot be in the CRS (geodesy/crs_domain.hpp); the first
//                      such vertex is the location, the detail counts them
//   duplicate_id       the --id value is used by an earlier feature
//   duplicate_geometry the same area as an earlier feature (topologically equal); reported on
//                      the later feature
//   overlap            the interiors of two features overlap by more than min_overlap_m2;
//                      reported once, on the earlier feature, naming the other; location = a
//                      point inside the overlap, area_m2 = its ellipsoidal area (empty when the
//                      layer has no CRS: the detail then gives the plane area in CRS units)
// Overlaps and duplicates are looked for among valid, non-empty polygonal features only.
// Rows: layer-level problems first, then by feature order, then by kind, then by the other
// feature. Columns: id,fid,problem,detail,x,y,area_m2 (x, y in the layer's coordinates).
// Nothing in the output depends on the thread count.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/exec/progress.hpp"
#include "redline/io/table_writer.hpp"

namespace redline {

enum class ProblemKind {
    MissingCrs,
    EmptyGeometry,
    NonPolygonal,
    InvalidGeometry,
    OutsideCrsArea,
    DuplicateId,
    DuplicateGeometry,
    Overlap,
};
const char* problem_name(ProblemKind kind);

struct ValidateRequest {
    std::string layer;            // PATH[:LAYER]
    std::string id_field;         // DEFAULT "": rows are named by feature id
    std::string layer_crs;        // CRS assumed when the layer declares none (still reported)
    std::string encoding;         // text encoding of shapefile attributes (vector_layer.hpp)
    double min_overlap_m2 = 0.0;  // DEFAULT 0: every overlap with a positive area is reported
    double margin_deg = 2.0;      // DEFAULT 2 degrees around a projected CRS's area of use
    double densify_m = 100.0;     // DEFAULT 100 m, for overlap areas in a projected CRS
    int threads = 0;              // DEFAULT 0 = all cores
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;
};

struct ValidationProblem {
    static constexpr std::size_t kLayer = static_cast<std::size_t>(-1);
    std::size_t feature = kLayer;  // position in the layer, kLayer for layer-level problems
    std::string id;
    std::int64_t fid = -1;
    ProblemKind kind = ProblemKind::InvalidGeometry;
    std::string detail;
    bool has_location = false;
    Point location;
    double area_m2 = 0;          // NaN when not applicable
    std::size_t other = kLayer;  // the other feature of a duplicate or overlap
};

struct ValidationReport {
    std::string label;
    std::string path;
    std::string crs_label;
    std::size_t features = 0;
    std::vector<ValidationProblem> problems;
    nlohmann::json meta;
    std::vector<std::string> warnings;

    bool clean() const { return problems.empty(); }
    TableSpec table_spec() const;
    std::vector<Value> row_values(const ValidationProblem& p) const;
    nlohmann::json summary_json() const;
    std::vector<std::string> summary_lines() const;
    // Writes the table ("" = CSV on stdout) atomically: .csv, .json or .gpkg (point locations).
    void write(const std::string& output) const;
};

ValidationReport run_validate(const ValidateRequest& req);

}  // namespace redline
