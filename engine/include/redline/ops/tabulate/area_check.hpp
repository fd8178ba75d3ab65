#pragma once
// `redline tabulate --check-field TBMJ`: each parcel's own area in the survey convention
// (geodesy/survey_area.hpp) against the area the survey recorded for it, and the parcels that
// differ by more than a tolerance as a quality table (docs/land-use-survey.md#checking-tbmj).
//
// Tolerance: a parcel fails when |area - field| > abs_m2 + relative x area.
//  - abs_m2 DEFAULT 0.005 m2: TBMJ is stored rounded to 0.01 m2, so a value written by the survey
//    is within half a unit, 0.005 m2, of the area of the parcel's vertices;
//  - relative DEFAULT 1e-6: what the same formula on the same vertices can still differ by in
//    another program -- the 32号 series against the closed form (1e-12), another inverse
//    projection (< 1e-9), and vertices stored again after TBMJ was computed (a FileGDB's
//    0.1 mm grid moves a 1 ha parcel's area by ~1e-3 m2, about 1e-7 relative; 1e-6 leaves a
//    factor of ten). 1e-6 of a 1 ha parcel is 0.01 m2, one unit of TBMJ's rounding.
// Column order of the table: parcel,class,field_m2,area_m2,difference_m2,relative_difference,
// tolerance_m2,x,y (difference = area - field; relative = difference / field, NaN when the field
// is 0; x, y a point inside the parcel in the layer's CRS). Rows in feature order. GeoPackage
// output adds the point as geometry.
// Thread-safety: values; the functions are reentrant.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/core/option_name.hpp"
#include "redline/io/table_writer.hpp"

namespace redline {

struct AreaCheckTolerance {
    double abs_m2 = 0.005;   // DEFAULT 0.005 m2: half a unit of TBMJ's 0.01 m2 rounding
    double relative = 1e-6;  // DEFAULT 1e-6 of the parcel's area
    double of(double area_m2) const { return abs_m2 + relative * std::abs(area_m2); }
    std::string text() const;  // "0.005 m2 + 1e-06 x area"
};

// "M2" (absolute, relative 0) or "M2,REL"; both finite and >= 0. InvalidInput naming `option`.
AreaCheckTolerance parse_check_tolerance(
    const std::string& text, const std::string& option = "" REDLINE_OPTION("check_tolerance") "");

struct AreaCheckRow {
    std::string parcel;  // feature id
    std::string cls;     // land-use code as tabulated
    double field_m2 = 0;
    double area_m2 = 0;
    double difference_m2 = 0;        // area_m2 - field_m2
    double relative_difference = 0;  // difference / field (NaN when field is 0)
    double tolerance_m2 = 0;
    Point location;
};

struct AreaCheck {
    std::string field;  // "" = no check
    AreaCheckTolerance tolerance;
    std::size_t checked = 0;           // parcels with a value
    std::size_t missing = 0;           // parcels whose field is NULL or empty (not checked)
    double max_abs_difference_m2 = 0;  // over the checked parcels
    std::vector<AreaCheckRow> rows;    // the parcels beyond the tolerance, in feature order
    std::string crs_wkt;               // of x, y
    std::string layer_text;            // "land-use layer 'DLTB' in 'dltb.gpkg'", for messages
    nlohmann::json meta;

    TableSpec table_spec(bool with_geometry) const;
    std::vector<Value> row_values(const AreaCheckRow& row) const;
    nlohmann::json summary() const;
    // One line for the log: how many parcels were checked and how many failed, with the first
    // `max_examples` of them.
    std::string message(std::size_t max_examples) const;
    // .csv, .json or .gpkg (with point geometry), written atomically; "" = CSV on stdout.
    void write(const std::string& output) const;
};

// The check itself: parcel i (ids[i], classes[i]) with recorded value field[i] (nullopt: not
// checked) and computed survey area areas[i] fails when |areas[i] - field[i]| exceeds the
// tolerance; failing rows get a point inside geoms[i]. DEFAULT `only` empty: every parcel; else
// only the parcels i with only[i] != 0 are checked and counted (a spatial chunk's own parcels).
AreaCheck check_parcel_areas(const std::string& field, const AreaCheckTolerance& tolerance,
                             const std::vector<std::string>& ids,
                             const std::vector<std::string>& classes,
                             const std::vector<MultiPolygon>& geoms,
                             const std::vector<std::optional<double>>& values,
                             const std::vector<double>& areas,
                             const std::vector<std::uint8_t>& only = {});

}  // namespace redline
