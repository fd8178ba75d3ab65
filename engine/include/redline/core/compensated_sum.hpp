#pragma once
// A running sum of doubles with Neumaier's compensation (the Kahan-Babuska-Neumaier sum):
// A. Neumaier, "Rundungsfehleranalyse einiger Verfahren zur Summation endlicher Summen",
// ZAMM 54:39-51 (1974); N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.
// (SIAM 2002), section 4.3.
//
// Each add() computes the rounding error of `s + v` exactly (Fast2Sum with the larger magnitude
// first) and keeps it in a second double `c`; value() returns s + c. Guarantee (Higham 4.3):
// |value() - S| <= 2u|S| + O(n u^2) sum |x_i|, with S the exact sum of the n terms x_i and
// u = 2^-53, so the result is within about one rounding of S unless the terms cancel to below
// n u of their magnitudes; a naive running sum can lose every digit ([1e100, 1, -1e100] gives 0
// where this gives 1; Kahan's original variant also gives 0). Terms far below the running total
// (1 followed by 2^20 terms of 2^-60) are kept as well.
//
// It is not order-free: adding the same terms in another order may change the last bit. Where
// two totals must agree exactly whatever the order, use ExactAreaSum (core/exact_area_sum.hpp).
// An infinite or NaN term makes value() NaN. The arithmetic is the one the engine's lengths and
// planar areas have always used (no output changed when it was gathered here); it needs strict
// IEEE double arithmetic (the build sets -ffp-contract=off and never -ffast-math).
// Thread-safety: a value; one owner.
#include <cmath>

namespace redline {

class CompensatedSum {
  public:
    void add(double v) {
        const double t = m_sum + v;
        m_comp += std::fabs(m_sum) >= std::fabs(v) ? (m_sum - t) + v : (v - t) + m_sum;
        m_sum = t;
    }
    // The compensated total (0 when nothing was added).
    double value() const { return m_sum + m_comp; }

  private:
    double m_sum = 0;   // the naive running sum
    double m_comp = 0;  // the accumulated rounding errors of m_sum
};

}  // namespace redline
