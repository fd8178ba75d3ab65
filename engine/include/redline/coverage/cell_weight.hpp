#pragma once
// The area (fixed-point units: coverage units x area units) that one cell contributes to a zone,
// shared by every raster operation so their numbers agree exactly (zonal, change, ...).
//   full cell                 : 2^40 * A
//   partial cell, coverage c  : c * A, or on a geographic raster (c + g (M - c/2)) * A, where M is
//                               the cell's first moment and g the row's density gradient
//                               (CellAreaModel::row_gradient).
#include <cmath>
#include <cstdint>

#include "redline/core/exact_rounding.hpp"
#include "redline/core/fixed_area.hpp"

namespace redline {

inline Int128 cell_weight(std::int64_t coverage, std::int64_t area_units,
                          const std::int64_t* moment, double gradient) {
    if (coverage == kFullCoverage) return static_cast<Int128>(area_units) << kCoverageBits;
    const std::int64_t c =
        moment ? coverage + round_half_away(gradient * static_cast<double>(*moment - coverage / 2))
               : coverage;
    return static_cast<Int128>(c) * area_units;
}

}  // namespace redline
