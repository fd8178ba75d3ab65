#pragma once
// The exact tally of one class in one zone: the sum of cell weights (coverage units x area units,
// coverage/cell_weight.hpp; AreaScale::to_m2 turns it into m2) and of coverage (2^-40 cell).
// Integer sums, so the order of additions (threads, tiles, tasks) never changes a result.
// Thread-safety: a value.
#include "redline/core/fixed_area.hpp"

namespace redline {

struct ClassTally {
    Int128 area = 0;      // sum of coverage units x area units (see AreaScale::to_m2)
    Int128 coverage = 0;  // sum of coverage units (2^-40 cell)
    void add(const ClassTally& o) {
        area += o.area;
        coverage += o.coverage;
    }
    bool zero() const { return area == 0 && coverage == 0; }
};

}  // namespace redline
