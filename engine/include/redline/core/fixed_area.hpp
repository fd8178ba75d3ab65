#pragma once
// Exact, order-free area arithmetic.
//
// Determinism across threads, tile sizes and machines (README.md) is obtained by making every
// sum exact: a cell's coverage is a fixed-point fraction (units of 2^-40 of a cell, see
// coverage/), a cell's area is a fixed-point number of m2 (units of 2^-exponent m2, chosen once
// per grid from its largest cell), and their products are summed in 128-bit integers. Integer
// sums do not depend on the order of addition, so any partition of the raster into tiles or
// tasks gives the same bits. Conversion to double happens once, on output.
//
// Range: a cell area is quantised to at most 2^45 units (relative precision 3e-14), a coverage
// to 2^40 units, so one cell contributes < 2^85 and 2^40 cells (1e12, fifty times China at
// 10 m) stay below 2^125 < 2^127.
#include <cmath>
#include <cstdint>

namespace redline {

__extension__ typedef __int128 Int128;

inline constexpr int kCoverageBits = 40;
inline constexpr std::int64_t kFullCoverage = std::int64_t{1} << kCoverageBits;
inline constexpr int kAreaMantissaBits = 45;

// A fixed-point scale for cell areas: value_m2 = units * 2^-exponent.
struct AreaScale {
    int exponent = 0;

    // The scale that quantises areas up to `max_cell_area_m2` to at most 2^45 units.
    static AreaScale for_max_cell_area(double max_cell_area_m2);
    std::int64_t quantize(double area_m2) const {
        return static_cast<std::int64_t>(std::llround(std::ldexp(area_m2, exponent)));
    }
    // m2 of a sum of (coverage units x area units).
    double to_m2(Int128 coverage_area_units) const {
        return std::ldexp(static_cast<double>(coverage_area_units), -(exponent + kCoverageBits));
    }
};

// Cells (as a coverage-weighted count) of a sum of coverage units.
inline double coverage_to_cells(Int128 coverage_units) {
    return std::ldexp(static_cast<double>(coverage_units), -kCoverageBits);
}

}  // namespace redline
