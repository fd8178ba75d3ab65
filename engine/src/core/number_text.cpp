#include "redline/core/number_text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace redline {

std::string format_double(double v) {
    if (!std::isfinite(v)) return {};
    // fmt 9's default for a double is the shortest round-trip form (Dragonbox), fixed for decimal
    // exponents -4..15 and exponent notation beyond.
    std::string s = fmt::format("{}", v);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

}  // namespace redline
