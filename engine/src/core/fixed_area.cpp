#include "redline/core/fixed_area.hpp"

#include <fmt/format.h>

#include "redline/core/error.hpp"

namespace redline {

AreaScale AreaScale::for_max_cell_area(double max_cell_area_m2) {
    if (!(max_cell_area_m2 > 0) || !std::isfinite(max_cell_area_m2))
        fail(ErrorKind::Internal,
             fmt::format("cell area {} m2 is not a positive finite number", max_cell_area_m2));
    int e = 0;
    std::frexp(max_cell_area_m2, &e);  // max_cell_area < 2^e
    AreaScale s;
    s.exponent = kAreaMantissaBits - e;
    return s;
}

}  // namespace redline
