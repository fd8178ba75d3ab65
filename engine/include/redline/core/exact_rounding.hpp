#pragma once
// Inline equivalents of std::llround and std::floor for the per-edge hot paths of the
// rasterizer. Without SSE4.1 in the baseline ISA both are library calls (llround also because
// it rounds halves away from zero, which no single x86-64 instruction does); these are exact,
// i.e. return the same value bit for bit, for every finite x with |x| < 2^62.
//   round_half_away(x) == std::llround(x)
//   floor_to_int(x)    == static_cast<std::int64_t>(std::floor(x))
// Why they are exact: t = trunc(x) is converted exactly (|x| < 2^63), and x - t is exact by
// Sterbenz's lemma (t and x have the same sign and |t| >= |x| / 2 when |x| >= 1; t = 0 when
// |x| < 1), so the comparisons with 0.5 and 0 see the true fractional part.
// Only for finite |x| < 2^62: NaN or larger values are undefined behaviour here (the
// conversion to int64), where std::llround would return an unspecified value.
// Thread-safety: pure functions.
#include <cstdint>

namespace redline {

inline std::int64_t round_half_away(double x) {
    const auto t = static_cast<std::int64_t>(x);  // toward zero
    const double f = x - static_cast<double>(t);
    return t + (f >= 0.5 ? 1 : 0) - (f <= -0.5 ? 1 : 0);
}

inline std::int64_t floor_to_int(double x) {
    const auto t = static_cast<std::int64_t>(x);  // toward zero
    return static_cast<double>(t) > x ? t - 1 : t;
}

}  // namespace redline
