#pragma once
// Engine messages name a parameter, not a command-line flag. The engine writes option("densify")
// into an error or warning text; each front end renders the marker once, where it shows the
// text: the CLI as `--densify` (cli/main.cpp, cli_support's warn/info/verbose), Python as
// `densify=` (bindings/module.cpp's exception translator, the warnings the bindings return).
// Text written into output files (metadata "warnings", report.json) is rendered for the CLI, so
// the files are the same bytes from both front ends.
//
// Names are the Python parameter names (snake_case): the CLI flag is "--" + the name with '_'
// turned into '-', except for the few listed in render_for_cli (matrix_output is --matrix).
//
// Marker: \x1e NAME [\x1d VALUE] \x1f. The record-separator bytes never occur in the engine's
// messages otherwise (they are control characters, not UTF-8 text).
// Thread-safety: pure functions.
#include <string>
#include <string_view>
#include <vector>

namespace redline {

// "--name" in the CLI, "name=" in Python.
std::string option(std::string_view name);
// "--name VALUE" in the CLI, "name=VALUE" in Python.
std::string option(std::string_view name, std::string_view value);
// An on/off option: "--name" in the CLI, "name=True" in Python.
std::string flag(std::string_view name);
// An option text with a value: a marker from option(name) becomes option(name, value); any other
// text (a report config's key, "options.encoding") becomes "TEXT: VALUE".
std::string with_value(std::string_view option_text, std::string_view value);

// `text` with every marker rendered as the CLI's flag (and value).
std::string render_for_cli(std::string_view text);
// `text` with every marker rendered as a Python keyword argument.
std::string render_for_python(std::string_view text);
// Every text of `texts` rendered for the CLI: the warnings written into output files
// (metadata "warnings", report.json), which are the same bytes from both front ends.
std::vector<std::string> render_for_cli(const std::vector<std::string>& texts);

}  // namespace redline

// The same markers as string literals, for format strings and `const char*` parameters:
//   fmt::format(REDLINE_OPTION_VALUE("tile_size", "{}") " is not a positive number", n)
// reads "--tile-size 0 is not ..." in the CLI and "tile_size=0 is not ..." in Python.
#define REDLINE_OPTION(name) "\x1e" name "\x1f"
#define REDLINE_FLAG(name) "\x1e" name "\x1c\x1f"
#define REDLINE_OPTION_VALUE(name, value) "\x1e" name "\x1d" value "\x1f"
