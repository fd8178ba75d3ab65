#pragma once
// `redline shoreline`: the mainland natural-shoreline share (大陆自然岸线保有率,
// docs/indicators.md) with geodesic lengths, as a library call shared by the CLI and the bindings.
//
// Lengths. Every length is geodesic on CGCS2000/GRS80 (geodesy/line_measurer.hpp): lines in a
// projected CRS are densified in their plane to <= `densify_m` and inverse-projected; lon/lat
// edges are geodesics. Each line part is cut into equal pieces of at most `piece_m` (DEFAULT
// 100 m); piece lengths add up to the line's length.
//
// Classification, one of:
//  - by attribute (`class_field`): the feature's value, compared trimmed and case-insensitive,
//    is natural when listed in `natural_values`, estuary when in `estuary_values`, artificial
//    when in `artificial_values`; with `artificial_values` empty every other value is
//    artificial (and listed in a warning), otherwise a value in no list is an error
//    (attribute_classifier.hpp).
//  - by land-use raster (`raster`): a piece is further cut where the land use next to it
//    changes (the landward transect of `buffer_m`, sampled every half cell, switches between
//    mostly artificial, mostly other, and no data), then each piece is artificial when at least
//    half of its landward strip (single-sided buffer of `buffer_m`, DEFAULT 100 m, exact cell
//    coverage, area-weighted over valid cells) is in the artificial classes; ties (within a
//    relative 1e-9) are artificial. Valid cells: valid in the raster and known to the
//    class table (unknown codes count as nodata and are listed in a warning). A piece
//    whose strip has no valid cell is `unclassified`: reported, in neither the share's
//    numerator nor its denominator (shore_raster_model.hpp, landward_strip_classifier.hpp).
//
// Landward side. With `mainland`, the side of a mainland piece that lies inside the mainland
// polygon: probes at increasing distances (d + 1, 2, 4 ... 64 m, where d is the piece's
// distance to the polygon boundary) on both sides of the piece's midpoint; the first distance
// at which exactly one probe is inside decides. Otherwise (no --mainland, island pieces, or
// undecided probes) the convention `land_side`: DEFAULT left of the line's direction, as in
// GSHHG, whose level-1 shorelines run with land on the left (its island rings are all
// counter-clockwise). (mainland_locator.hpp)
//
// Mainland. With `mainland`, a piece is mainland when its midpoint is within `snap_m`
// (DEFAULT 50 m, geodesic metres) of the mainland polygon's boundary; other pieces (islands,
// lines away from the mainland coast) are reported in `island_m` and excluded from the share.
// Without `mainland` every piece counts as mainland and `island_m` is empty.
// (mainland_locator.hpp)
//
// Regions (`by`, `by_id`): a piece belongs to the region polygon containing its midpoint (the
// first in layer order when several do), else to the nearest region within `by_snap_m`
// (DEFAULT 5000 m; coastlines and simplified boundaries rarely coincide), else to none (it
// still counts in `all`; a warning gives the length). (region_assigner.hpp)
//
// Output (summary): one row for region `all`, then one per region in layer order. Columns
//   region,natural_m,artificial_m,estuary_m,total_m,natural_share_percent,
//   target_percent,pass,margin_percent,island_m,unclassified_m
// total_m = natural_m + artificial_m + estuary_m (mainland pieces; estuary counts in the total,
// not in the natural length: the default, see EstuaryRule); share = 100 natural_m / total_m
// (empty when the total is 0); pass = "true" iff share >= target (1 - 1e-12); margin = share -
// target. Segments: one row per piece. (shoreline_totals.hpp, shoreline_report.hpp)
//
// Determinism: features are measured in parallel and pieces are processed in chunks of
// consecutive pieces (fixed by the data, not by the thread count) with oneTBB, and results are
// merged in line order: the same bytes for any `threads`. The engine (shoreline.cpp) measures,
// cuts and merges; each worker thread holds its own locators and strip classifier.
// Thread-safety: run_shoreline and compute_shoreline are reentrant.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/exec/progress.hpp"
#include "redline/geom/side_buffer.hpp"
#include "redline/io/raster_source.hpp"
#include "redline/ops/shoreline/shore_class.hpp"
#include "redline/ops/shoreline/shoreline_report.hpp"
#include "redline/ops/shoreline/shoreline_totals.hpp"

namespace redline {

struct ShorelineRequest {
    std::string lines;      // PATH[:LAYER] with LineString / MultiLineString features
    std::string lines_crs;  // CRS of a line layer that declares none ("" = must be declared)

    // Classification by attribute.
    std::string class_field;
    std::vector<std::string> natural_values = default_natural_values();
    std::vector<std::string> estuary_values = default_estuary_values();
    std::vector<std::string> artificial_values;     // DEFAULT empty: every other value
    EstuaryRule estuary_rule = EstuaryRule::Total;  // DEFAULT total

    // Classification by land-use raster.
    std::string raster;
    int band = 1;
    std::string classes = "clcd";  // class table: clcd | worldcover | globeland30 | CSV path
    // Codes or group names of the class table; DEFAULT empty: the table's built_up group.
    std::vector<std::string> artificial_classes;
    double buffer_m = 100.0;  // DEFAULT 100 m landward strip

    Side land_side = Side::Left;  // DEFAULT left (GSHHG convention)
    double piece_m = 100.0;       // DEFAULT 100 m
    double densify_m = 100.0;     // DEFAULT 100 m

    std::string mainland;       // PATH[:LAYER] polygons ("" = every piece is mainland)
    std::string mainland_crs;   // CRS of a mainland layer that declares none
    double snap_m = 50.0;       // DEFAULT 50 m
    std::string by;             // PATH[:LAYER] region polygons
    std::string by_id;          // field naming the regions (features sharing a value are merged)
    std::string by_crs;         // CRS of a region layer that declares none
    double by_snap_m = 5000.0;  // DEFAULT 5000 m
    bool reproject = false;     // transform lines / polygons instead of failing on a CRS mismatch
    bool make_valid = false;    // repair invalid mainland / region polygons
    std::string encoding;       // text encoding of shapefile attributes, every layer
                                // (LayerReadOptions::encoding; DEFAULT "": declared/detected)
    // DEFAULT true: the CRS options (--lines-crs, ...) exist and are named in "no CRS" messages;
    // false when the caller has none (a report config: the files must declare their CRS).
    bool crs_options = true;
    // DEFAULT "": options are named in messages by option markers (core/option_name.hpp);
    // "options." in a report config, whose keys are written as they are.
    std::string config_prefix;

    double target_percent = 35.0;  // DEFAULT 35 (%)
    bool keep_pieces = false;      // fill ShorelineReport::pieces (for --segments)
    int threads = 0;               // DEFAULT 0 = all cores
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;
};

// Already-read inputs, all in one CRS (`crs_wkt`), for compute_shoreline.
struct ShorelineInputs {
    std::string crs_wkt;
    std::string crs_label;
    std::string lines_label = "lines";
    std::vector<MultiLineString> lines;
    std::vector<std::int64_t> fids;        // per feature (DEFAULT 0, 1, 2, ...)
    std::vector<std::string> values;       // per feature, attribute mode
    const RasterSource* raster = nullptr;  // raster mode when set (same CRS)
    std::optional<MultiPolygon> mainland;
    std::vector<std::string> region_names;
    std::vector<MultiPolygon> regions;
};

ShorelineReport compute_shoreline(const ShorelineRequest& req, const ShorelineInputs& in);
// Reads the layers and the raster named in the request, checks CRSs (or reprojects), then
// compute_shoreline. Throws Error: InvalidInput (exit 2) for bad input, Io (exit 3).
ShorelineReport run_shoreline(const ShorelineRequest& req);

}  // namespace redline
