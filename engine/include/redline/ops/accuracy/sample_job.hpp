#pragma once
// `redline sample` as a library call (CLI and Python share it): a stratified random sample of a
// map's cells for accuracy assessment and area estimation (docs/accuracy.md).
//
// Steps: the options are checked; one pass over the map (map_strata.hpp) measures the strata
// (map classes, optionally within zones) and keeps, per stratum, the cells with the smallest
// bottom-k keys; the design (sample_design.hpp) gives n and n_h from the exact areas; each
// stratum keeps its first n_h cells in key order. The pass keeps up to `quota` cells per
// stratum: --size N, or from --target-se S the bound (max_h S_h / S)^2 + 1 >= n (n never exceeds
// it whatever the areas), so the pass runs before the design is known.
//
// Output rows (one per unit, ids 1.. in the order stratum ascending, then draw order):
//   id, stratum, map_class, x, y, lon, lat, zone, reference
// x, y: the cell centre in the map's CRS; lon, lat: the same point in degrees on the map's datum;
// zone: the first zone (layer order) holding the centre ("" without zones); reference: empty,
// for the interpreters. GeoPackage output has point geometries in the map's CRS.
// The design (design_json) goes into the table's metadata and into the sidecar file
// `<output>.design.json`, which `redline estimate` checks.
// Deterministic: the same inputs and seed give the same bytes for any thread count.
// Thread-safety: reentrant.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "redline/io/table_writer.hpp"
#include "redline/ops/accuracy/map_strata.hpp"
#include "redline/ops/accuracy/sample_design.hpp"

namespace redline::accuracy {

struct SampleRequest {
    MapStrataRequest map;
    std::uint64_t size = 0;                                  // --size; DEFAULT 0 = from target_se
    double target_se = 0;                                    // --target-se, used when size == 0
    double default_users_accuracy = 0.8;                     // DEFAULT 0.8
    std::map<std::int64_t, double> expected_users_accuracy;  // --expected-users-accuracy
    std::string allocation = "proportional";                 // | equal | neyman
    std::uint64_t min_per_stratum = 0;                       // DEFAULT 0
    std::uint64_t seed = 0;                                  // DEFAULT 0
};

struct SampleReport {
    SampleDesign design;
    MapStrata map;               // strata and the selected cells (cut to n_h)
    nlohmann::json design_json;  // the sidecar document
    std::vector<std::string> warnings;

    TableSpec table_spec() const;
    std::vector<Value> row_values(std::size_t i) const;  // unit i (id i + 1)
    // Writes the table and the sidecar `<output>.design.json` together (neither on failure).
    void write(const std::string& output) const;
};

// "1=0.9,2=0.85" -> {1: 0.9, 2: 0.85}; InvalidInput naming `option` on a malformed entry or a
// class given twice.
std::map<std::int64_t, double> parse_class_values(const std::string& text,
                                                  const std::string& option);

// The sidecar path of a sample table.
std::string design_path_of(const std::string& output);

SampleReport run_sample(const SampleRequest& req);

}  // namespace redline::accuracy
