#pragma once
// `redline estimate` as a library call (CLI and Python share it): error-adjusted areas and
// accuracies with confidence intervals from a labelled stratified sample
// (stratified_estimator.hpp, docs/accuracy.md#estimators).
//
// Inputs: the sample (any OGR layer or CSV file with a stratum field, DEFAULT "stratum", and a
// reference field, DEFAULT "reference"; a `map_class` field when present, else the map class of
// a unit is its stratum); the stratum areas, either recomputed from the map (map_strata.hpp,
// the same population as `redline sample`: valid cells, within the zones' union when given) or
// read from a CSV with columns stratum,area_m2; the confidence level (DEFAULT 0.95).
//
// Design check: when the design sidecar exists (`<sample>.design.json`, or the path given), the
// map's digest (with a map) and every stratum's area (relative 1e-9) must equal the design's,
// and every stratum of the sample must be a stratum of the design; else InvalidInput "the sample's
// design does not match ...". Without a sidecar the check is reported as not done.
//
// Bad input (InvalidInput, nothing written): confidence outside (0, 1); neither or both of map
// and strata areas; a stratum value that is not an integer; reference values that are missing
// (listed by unit id; the units are dropped, with a warning, only with drop_unlabelled) or not
// integers; reference classes that are not classes of the map (unless allow_unmapped_reference);
// a stratum with fewer than 2 labelled units (unless allow_small: point estimates without the
// intervals that depend on it, with a warning); a design mismatch; a malformed strata-areas CSV.
//
// Output table, one row per class ascending (the contract of issue 18):
//   class,map_area_m2,area_m2,area_ci95_m2,users_accuracy,users_accuracy_ci95,
//   producers_accuracy,producers_accuracy_ci95
// The _ci95 columns are half-widths at the chosen confidence (the names are kept for any level);
// undefined values (NaN) are empty. The JSON document adds overall accuracy, standard errors,
// the error matrix (counts and area proportions), n per stratum, the estimator and the design
// check.
// Thread-safety: reentrant.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/ops/accuracy/map_strata.hpp"
#include "redline/ops/accuracy/stratified_estimator.hpp"

namespace redline::accuracy {

struct EstimateRequest {
    std::string sample;                         // PATH[:LAYER] (GeoPackage, CSV, any OGR source)
    std::string stratum_field = "stratum";      // DEFAULT "stratum"
    std::string reference_field = "reference";  // DEFAULT "reference"
    std::string id_field = "id";  // names units in messages when present; DEFAULT "id"
    MapStrataRequest map;         // map.map non-empty: areas from the map
    std::string strata_areas;     // CSV stratum,area_m2 (instead of the map)
    std::string design;           // DEFAULT "": `<sample path>.design.json` when it exists
    double confidence = 0.95;     // DEFAULT 0.95, in (0, 1)
    bool allow_small = false;
    bool drop_unlabelled = false;
    bool allow_unmapped_reference = false;
};

struct EstimateReport {
    AccuracyEstimate estimate;
    nlohmann::json design_check;  // {"checked": bool, "design": path, ...}
    std::string map_digest;       // "" with strata areas
    std::size_t units_read = 0;
    std::vector<std::string> dropped_units;  // ids of units dropped as unlabelled
    std::vector<std::string> warnings;
    // What the estimate was computed from, for further estimates of the same sample
    // (estimate_domain): the labelled units in sample order, their points (the sample's x and y
    // fields, in the map's CRS; NaN when absent), the strata and the options.
    std::vector<LabelledUnit> units;
    std::vector<Point> unit_points;
    std::vector<EstimationStratum> strata;
    EstimateOptions options;

    TableSpec table_spec() const;
    std::vector<Value> row_values(const ClassEstimate& c) const;
    nlohmann::json document() const;  // the --json document
    // Writes the table ("" = CSV on stdout) and, when json is not empty, the JSON document;
    // both are written to temporaries and renamed when both are complete.
    void write(const std::string& output, const std::string& json) const;
    // Writes the JSON document alone (atomically).
    void write_document(const std::string& json) const;
};

EstimateReport run_estimate(const EstimateRequest& req);

}  // namespace redline::accuracy
