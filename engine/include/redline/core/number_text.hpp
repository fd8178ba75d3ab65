#pragma once
// The text of floating-point numbers in machine-readable outputs (CSV cells, JSON numbers).
//
// A finite double is written as the shortest decimal that parses back to exactly the same double
// (among equally short decimals, the one nearest to it): fixed notation when 1e-4 <= |v| < 1e16,
// exponent notation otherwise ("1e-05", "1.5e+16"), and ".0" appended when the fixed form has no
// fraction ("100.0"), so that readers type the column as real. This is fmt's default ("{}", with
// the ".0") and the text of Python's repr(float); negative zero is "-0.0". Human-facing text
// (messages, report tables, --help) keeps its rounded display and does not use this.
// Thread-safety: pure function.
#include <string>

namespace redline {

// The round-trip text of `v`; "" for NaN and infinities (writers put an empty cell or null).
std::string format_double(double v);

}  // namespace redline
