#pragma once
// JSON text of the engine's outputs (report.json, manifest.json, the meta and summaries of JSON
// tables and GeoPackage metadata): exactly nlohmann::json's dump(indent), except that
// floating-point numbers are written by format_double (core/number_text.hpp), as the table cells
// beside them are, instead of nlohmann's Grisu2 text (round-trip too, but not always the shortest
// and switching to exponent notation from 1e15). NaN and infinities are null, as in dump().
// Thread-safety: pure function.
#include <nlohmann/json.hpp>
#include <string>

namespace redline {

// indent < 0: compact ("{"a":1,"b":[2,3]}"); indent >= 0: one member per line, indented by
// `indent` spaces per level, as dump(indent). Throws nlohmann's type_error for strings that are
// not valid UTF-8, as dump() does.
std::string json_text(const nlohmann::json& j, int indent = -1);

}  // namespace redline
