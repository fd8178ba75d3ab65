#pragma once
// An order-free sum of areas: every addend is rounded once to a multiple of 2^-40 m2 (about
// 1e-12 m2) and added exactly in a 128-bit integer, so the total is the same bits whatever the
// order or grouping of the additions (threads, components, features). Used where two totals over
// the same pieces must agree exactly, e.g. the union of disjoint parts and the sum of the parts
// (overlap = sum - union is then exactly 0).
// Range: |total| < 2^86 m2 (the whole ellipsoid is 5.1e14 m2 < 2^49). Thread-safety: a value.
#include <cmath>

#include "redline/core/fixed_area.hpp"

namespace redline {

class ExactAreaSum {
  public:
    static constexpr int kFractionBits = 40;

    void add(double area_m2) {
        if (!std::isfinite(area_m2)) {
            m_finite = false;
            return;
        }
        m_units += static_cast<Int128>(std::nearbyint(std::ldexp(area_m2, kFractionBits)));
    }
    void add(const ExactAreaSum& other) {
        m_units += other.m_units;
        m_finite = m_finite && other.m_finite;
    }
    // The total, rounded once to the nearest double (NaN when a non-finite area was added).
    double value() const {
        return m_finite ? std::ldexp(static_cast<double>(m_units), -kFractionBits) : std::nan("");
    }
    bool operator==(const ExactAreaSum&) const = default;

  private:
    Int128 m_units = 0;
    bool m_finite = true;
};

}  // namespace redline
