#pragma once
// The standard normal quantile (inverse CDF) and the two-sided z of a confidence level, for the
// confidence intervals of the accuracy estimators (docs/accuracy.md#confidence-intervals).
//
// Method: Acklam's rational approximation (relative error < 1.15e-9) refined by one Halley step
// on Phi(x) - p, with Phi(x) = erfc(-x / sqrt 2) / 2 from the C library. The refinement brings
// the error to a few ulp over (0, 1). The computation runs in the lower tail (p <= 1/2) and uses
// the symmetry q(p) = -q(1 - p) above, where 1 - p is exact in binary floating point, so upper
// quantiles keep their precision.
// Thread-safety: pure functions.

namespace redline::accuracy {

// Phi^-1(p) for 0 < p < 1; throws InvalidInput naming `p` otherwise (NaN included).
double normal_quantile(double p);

// The two-sided z for a confidence level c in (0, 1): Phi^-1((1 + c) / 2), computed as
// -Phi^-1((1 - c) / 2). z(0.95) = 1.959963984540054. Throws InvalidInput naming `confidence`
// for c outside (0, 1).
double z_for_confidence(double confidence);

}  // namespace redline::accuracy
