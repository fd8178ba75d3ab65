#pragma once
// The result of `redline shoreline` and its tables (docs/indicators.md#shoreline-retention).
//
// Summary (table_spec(), row_values()): one row for region `all`, then one per --by region in
// layer order. Columns, in this order:
//   region               text
//   natural_m            real  mainland natural length (m)
//   artificial_m         real  mainland artificial length (m)
//   estuary_m            real  mainland estuary length (m)
//   total_m              real  ShorelineTotals::total_m() (the estuary rule decides estuary_m)
//   natural_share_percent real ShorelineTotals::share_percent(); empty when total_m is 0
//   target_percent       real  the target (DEFAULT 35)
//   pass                 text  "true" iff meets_target(share, target), else "false"; empty
//                              with the share
//   margin_percent       real  share - target; empty with the share
//   island_m             real  pieces away from the mainland; empty without --mainland
//   unclassified_m       real  mainland pieces without valid land cover (raster mode)
// Segments (segment_spec(), segment_values()): one row per piece, with its line geometry:
//   feature, part, piece (integers, piece from 0 within the part), class (shore_class_name),
//   mainland ("true"/"false"; empty without --mainland), region (name; empty for none),
//   start_m, length_m (geodesic, m), then in raster mode artificial_percent and valid_percent
//   (empty when undefined) or in attribute mode value (the feature's attribute), then land_side
//   ("left"/"right") and side_from ("mainland" when the mainland polygon decided it, else
//   "convention").
// Formats (write()): summary CSV (stdout or .csv) or JSON; segments GeoPackage or CSV. Each
// output is complete or absent (io/table_writer.hpp); the summary path is checked first.
// Thread-safety: a value; write() may run concurrently for different outputs.
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/geom/side_buffer.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/ops/shoreline/shore_class.hpp"
#include "redline/ops/shoreline/shoreline_totals.hpp"

namespace redline {

struct ShorelineRow {
    std::string region;
    ShorelineTotals totals;
};

struct ShorelinePiece {
    std::int64_t fid = 0;
    std::size_t part = 0;
    std::size_t piece = 0;  // within the part, from 0
    double start_m = 0;     // geodesic position of the start along the part
    double length_m = 0;
    ShoreClass klass = ShoreClass::Natural;
    bool mainland = true;
    int region = -1;    // index in region_names, -1 = none
    std::string value;  // attribute mode: the feature's value
    double artificial_percent = std::numeric_limits<double>::quiet_NaN();  // raster mode
    double valid_percent = std::numeric_limits<double>::quiet_NaN();       // raster mode
    Side land_side = Side::Left;
    bool side_from_mainland = false;
    LineString geometry;  // in ShorelineReport::crs_wkt
};

struct ShorelineReport {
    std::vector<ShorelineRow> rows;  // "all", then regions in layer order
    std::vector<std::string> region_names;
    std::vector<ShorelinePiece> pieces;  // when keep_pieces
    std::string crs_wkt;                 // of the piece geometries
    bool raster_mode = false;
    bool has_mainland = false;
    double target_percent = 35.0;
    std::size_t features = 0;
    std::size_t piece_count = 0;
    nlohmann::json meta;
    std::vector<std::string> warnings;

    TableSpec table_spec() const;
    std::vector<Value> row_values(const ShorelineRow& row) const;
    TableSpec segment_spec() const;
    std::vector<Value> segment_values(const ShorelinePiece& p) const;
    // Writes the summary ("" = CSV on stdout; .csv, .json) and, when `segments` is set, the
    // pieces (.gpkg with line geometry, or .csv); both are complete or absent. InvalidInput for
    // other extensions and for segments on stdout ("-").
    void write(const std::string& output, const std::string& segments = "") const;
};

}  // namespace redline
