#pragma once
// Streaming table output in the formats other tools open: CSV, JSON and GeoPackage.
//
// - CSV: a header line, then one line per row; reals in fixed notation with the column's
//   decimals; "" for missing values. Without a path, CSV goes to stdout.
// - JSON: {"meta": {...}, "columns": [...], "rows": [{col: value, ...}, ...], <extras>}; reals
//   are written with the same fixed decimals as CSV, missing values as null.
// - GeoPackage: one table (with a geometry column when the spec asks for one), metadata item
//   REDLINE_META on the layer holding the JSON meta.
// Files are written to a temporary beside the target and renamed by commit(); a writer
// destroyed without commit() leaves nothing behind.
// Thread-safety: one writer per thread.
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "redline/core/geometry.hpp"

namespace redline {

enum class ColumnType { Text, Integer, Real };

struct Column {
    std::string name;
    ColumnType type = ColumnType::Text;
    int decimals = 6;  // Real only
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

// Formats a real as the writers do ("{:.Nf}", "" for NaN).
std::string format_real(double v, int decimals);

}  // namespace redline
