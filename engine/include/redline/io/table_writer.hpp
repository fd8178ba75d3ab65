#pragma once
// Streaming table output in the formats other tools open: CSV, JSON and GeoPackage.
//
// - CSV: a header line, then one line per row; reals as the shortest text that parses back to
//   the same double (format_double, core/number_text.hpp: "0.1", "100.0", "2.5e-07"); "" for
//   missing values and NaN. Without a path, CSV goes to stdout.
// - JSON: {"meta": {...}, "columns": [...], "rows": [{col: value, ...}, ...], <extras>}; reals
//   as in CSV (byte for byte the same text), missing values and NaN as null; the meta and extras
//   are written by json_text (core/json_text.hpp), so their reals have that form too.
// - GeoPackage: one table (with a geometry column when the spec asks for one; reals as doubles),
//   metadata item REDLINE_META on the layer holding the JSON meta (json_text).
// Files are written to a temporary beside the target and renamed by commit(); a writer
// destroyed without commit() leaves nothing behind.
// Thread-safety: one writer per thread.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "redline/core/geometry.hpp"

namespace redline {

enum class ColumnType { Text, Integer, Real };

struct Column {
    std::string name;
    ColumnType type = ColumnType::Text;
};

using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

enum class TableFormat { Csv, Json, Gpkg };
enum class GeometryKind { None, Polygon, Point, Line };

using GeometryValue = std::variant<std::monostate, MultiPolygon, Point, MultiLineString>;

struct TableSpec {
    std::vector<Column> columns;
    std::string layer_name = "result";  // GeoPackage table name
    GeometryKind geometry = GeometryKind::None;
    std::string crs_wkt;  // of the geometry column
};

// The format of an output path by its extension; throws InvalidInput naming `option` and the
// allowed extensions otherwise. "" and "-" mean CSV on stdout.
TableFormat table_format_of(const std::string& path, const std::vector<TableFormat>& allowed,
                            const std::string& option);
const char* table_format_name(TableFormat f);

class TableWriter {
  public:
    virtual ~TableWriter() = default;
    // Opens the output (path "" or "-" = stdout CSV). Throws Error(Io) / Error(InvalidInput).
    static std::unique_ptr<TableWriter> open(const std::string& path, const TableSpec& spec,
                                             TableFormat format, const nlohmann::json& meta);
    virtual void write(const std::vector<Value>& row, const GeometryValue& geometry = {}) = 0;
    // Adds a top-level key to JSON output (summaries); ignored by CSV, metadata in GeoPackage.
    virtual void add_extra(const std::string& key, const nlohmann::json& value) = 0;
    // Finishes and renames into place.
    virtual void commit() = 0;
};

// A real rounded for messages ("{:.Nf}", "" for NaN, no "-0.00"). Tables do not use it: their
// reals round-trip (format_double).
std::string format_real(double v, int decimals);

}  // namespace redline
