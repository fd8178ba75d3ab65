#pragma once
// Reading one OGR vector layer into the engine's value types.
//
// Polygon layers: Polygon and MultiPolygon features (curves are linearised, Z is dropped;
// geometry collections are accepted when every member is polygonal). Line layers: LineString
// and MultiLineString. Features keep file order. A null or empty geometry becomes an empty
// multipolygon and is reported in `empty_ids`.
//
// Errors (InvalidInput unless noted): missing file (Io), a PATH with several layers and no
// :LAYER (lists them), a missing layer (lists the layers), an empty layer, a missing field
// (lists the fields), a feature of the wrong geometry type (lists ids and types), a NULL key
// value, duplicate keys when `unique_ids`.
//
// Text encoding (docs in README "Choices"): GeoPackage, FileGDB, GeoJSON and most formats store
// UTF-8. A shapefile's .dbf is decoded (by GDAL, with iconv) from `encoding` when given, else from
// what the file declares (a .cpg file, else its language driver byte), else it is taken as UTF-8
// unless its text is not UTF-8 but is valid GB18030 (Chinese agency data written by GBK systems
// with no .cpg): then it is decoded as GB18030 and `warnings` says so. Field names and the values
// of the fields read (id, group, extra) must decode: a byte sequence that is not valid in the
// encoding used (checked strictly on the .dbf's bytes, since GDAL skips what it cannot convert)
// or output that is not UTF-8 is an InvalidInput naming the file, the field, the feature and
// the encoding option; never mojibake.
// Thread-safety: each call opens its own dataset; calls may run concurrently.
// A GeoPackage table is read in parts, each a filter on feature ids, by up to `threads` threads
// (std::thread), each with its own dataset, reading and converting whole parts; the calling
// thread merges the parts in id order (file order). The parts are ranges of ids when the layer
// is read whole (with `threads` > 1, for a table spanning 8,192 ids or more), and the ids its
// R-tree gives when it is filtered by a rectangle (always, even with one thread). Any other read
// (other formats, views, a GeoPackage without R-tree) is read by GDAL on the calling thread and
// converted in chunks on `threads` threads (oneTBB arena), then merged in file order; a filtered
// one is put in feature id order first.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/core/option_name.hpp"
#include "redline/exec/progress.hpp"
#include "redline/io/layer_ref.hpp"

namespace redline {

// The encoding option as the command line names it (Python's `encoding=`; a report config's
// options.encoding).
inline constexpr const char* kEncodingOption = REDLINE_OPTION("encoding");

struct LayerReadOptions {
    std::string id_field;     // zone key; "" = the feature id
    std::string group_field;  // --dissolve-by; "" = none
    std::string assign_crs;   // CRS to use when the layer declares none ("" = leave it empty)
    bool unique_ids = true;   // duplicate keys are an error
    bool allow_invalid_types = false;       // keep non-polygonal features as empty (for validate)
    std::vector<std::string> extra_fields;  // read as text into `extra`
    // Per extra field, the option that named it, for the missing-field message (e.g.
    // "--class-field"); DEFAULT none: "field".
    std::vector<std::string> extra_field_options;
    // Text encoding of shapefile attributes (an iconv name, e.g. "CP936", "GB18030", "BIG5"),
    // given to GDAL's ENCODING open option; overrides a .cpg file and the language driver byte.
    // DEFAULT "": as the file declares, else UTF-8 or detected GB18030 (see above). Other
    // formats ignore it (their text is UTF-8). An unknown name is an InvalidInput.
    std::string encoding;
    // DEFAULT kEncodingOption: how messages name the option ("options.encoding" in a report).
    std::string encoding_option = kEncodingOption;
    // DEFAULT none: features read of the layer's count, label "zones" (reading a national
    // layer takes a minute; the count is GDAL's fast one, or unknown and then not reported).
    ProgressSink* progress = nullptr;
    // DEFAULT 1: threads reading (a GeoPackage, see above) or converting the features (fields,
    // geometry, coordinate checks; 0 = all cores). The result (order, ids, warnings, the first
    // error in feature order, GDAL's messages) is the same for any number of threads on a
    // readable layer. On a damaged file GDAL's messages may differ: a read in parts goes on in
    // the parts after a bad page, and its count of failed records then covers them too.
    int threads = 1;
    // DEFAULT none: every feature. Else only the features meeting this rectangle (layer
    // coordinates): every feature whose geometry meets it, and possibly others whose bounding
    // box meets it (a GeoPackage with an R-tree gives exactly those whose bounding box meets it,
    // other layers what GDAL's spatial filter returns). Features come in ascending feature id order
    // (GDAL returns them in its spatial index's order; they are sorted), which is file order for a
    // GeoPackage and a shapefile. An empty result is no error (a filtered read never fails for "no
    // features" or "every geometry empty").
    std::optional<Box> spatial_filter;
};

struct VectorLayer {
    LayerRef ref;
    std::string label;       // the layer name as addressed
    std::string layer_name;  // the name in the dataset
    std::string crs_wkt;     // "" when the layer has none and none was assigned
    std::string crs_label;
    bool crs_assigned = false;
    std::vector<std::int64_t> fids;
    std::vector<std::string> ids;
    std::vector<std::string> groups;
    std::vector<std::vector<std::string>> extra;  // per feature, in extra_fields order
    std::vector<MultiPolygon> polygons;           // polygon layers
    std::vector<MultiLineString> lines;           // line layers
    std::vector<std::string> empty_ids;           // null or empty geometries
    std::vector<std::string> type_problems;       // "id: LineString" (allow_invalid_types)
    std::vector<std::size_t>
        unclosed;  // features with a ring left open by the source (closed here)
    std::vector<std::string> warnings;
    // The warning that a shapefile's encoding was detected (also in `warnings`), or "".
    std::string text_encoding_warning;

    // Bounding box of every polygon and line (empty when there are none).
    Box extent() const;
};

VectorLayer read_polygon_layer(const LayerRef& ref, const LayerReadOptions& opts);
VectorLayer read_line_layer(const LayerRef& ref, const LayerReadOptions& opts);
// The CRS (WKT, "" when none) of a layer, without reading its features.
std::string read_layer_crs(const LayerRef& ref);

// What a layer says about itself without its features being converted, for reading it by
// spatial chunks (ops/tabulate/).
struct LayerScan {
    std::string driver;                // GDAL's driver name, e.g. "GPKG", "ESRI Shapefile"
    bool fast_spatial_filter = false;  // the layer has a spatial index (OLCFastSpatialFilter)
    std::int64_t features = -1;        // GDAL's feature count (-1: unknown)
    Box extent;                        // GDAL's extent of the layer (empty when unknown)
};
LayerScan scan_layer(const LayerRef& ref);

// The bounding box of the features meeting rectangles, on one dataset opened once for many
// rectangles (a chunked read asks one per chunk, ops/tabulate/). A GeoPackage with an R-tree
// answers from the R-tree's boxes (single precision, rounded outwards), without reading
// geometries: a box holding every feature whose box meets the rectangle, hence every feature a
// filtered read returns for it (LayerReadOptions::spatial_filter), possibly a little larger.
// Other layers answer from the geometries GDAL's spatial filter returns (read, not converted).
// Thread-safety: not thread-safe (it holds a GDAL dataset); one instance per thread.
class FilteredExtents {
  public:
    // Opens the layer, failing as reading it would (no file, not a vector dataset, no such layer).
    explicit FilteredExtents(const LayerRef& ref);
    ~FilteredExtents();
    FilteredExtents(const FilteredExtents&) = delete;
    FilteredExtents& operator=(const FilteredExtents&) = delete;

    // The box for `filter` (layer coordinates, see above); empty when no feature meets it (or
    // only null and empty geometries).
    Box of(const Box& filter);

  private:
    struct Dataset;
    std::unique_ptr<Dataset> m_ds;
};

}  // namespace redline

namespace redline {

// The attributes of any OGR layer as text (a point layer, a table without geometry, a CSV file:
// the CSV driver reads every column as text), for tables of records such as a labelled sample.
// `fields` must exist (InvalidInput naming the missing one and listing the fields);
// `optional_fields` are read when present. Features keep file order. A NULL or unset value is
// nullopt; text values are as stored (UTF-8), untrimmed.
struct AttributeTable {
    std::string label;                // the layer as addressed
    std::string path;                 // its dataset
    std::vector<std::string> fields;  // present fields read, `fields` then the optional ones
    std::vector<std::int64_t> fids;   // feature ids (CSV: 1-based line numbers of the data rows)
    std::vector<std::vector<std::optional<std::string>>> rows;  // per feature, `fields` order
    // Index of a field in `fields`, or -1.
    int index_of(const std::string& field) const;
};

AttributeTable read_attribute_table(const LayerRef& ref, const std::vector<std::string>& fields,
                                    const std::vector<std::string>& optional_fields = {});

}  // namespace redline
