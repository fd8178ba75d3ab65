#include "redline/ops/accuracy/normal_quantile.hpp"

#include <cmath>
#include <numbers>
#include <sstream>

#include "redline/core/error.hpp"

namespace redline::accuracy {
namespace {

// P. J. Acklam, "An algorithm for computing the inverse normal cumulative distribution
// function" (2003): rational approximations in a central region and in the tails.
constexpr double kA[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                         1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
constexpr double kB[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                         6.680131188771972e+01, -1.328068155288572e+01};
constexpr double kC[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                         -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
constexpr double kD[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                         3.754408661907416e+00};
constexpr double kLowTail = 0.02425;

// Acklam's approximation for 0 < p <= 1/2.
double acklam_lower(double p) {
    if (p < kLowTail) {
        const double q = std::sqrt(-2.0 * std::log(p));
        return (((((kC[0] * q + kC[1]) * q + kC[2]) * q + kC[3]) * q + kC[4]) * q + kC[5]) /
               ((((kD[0] * q + kD[1]) * q + kD[2]) * q + kD[3]) * q + 1.0);
    }
    const double q = p - 0.5;
    const double r = q * q;
    return (((((kA[0] * r + kA[1]) * r + kA[2]) * r + kA[3]) * r + kA[4]) * r + kA[5]) * q /
           (((((kB[0] * r + kB[1]) * r + kB[2]) * r + kB[3]) * r + kB[4]) * r + 1.0);
}

// One Halley step on f(x) = Phi(x) - p (f' = phi, f'' = -x phi), for x <= 0 where Phi(x) has
// full relative precision.
double refine_lower(double x, double p) {
    const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
    const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(x * x / 2.0);
    return x - u / (1.0 + x * u / 2.0);
}

double quantile_lower(double p) {  // 0 < p <= 1/2
    if (p == 0.5) return 0.0;
    return refine_lower(acklam_lower(p), p);
}

}  // namespace

double normal_quantile(double p) {
    if (!(p > 0.0 && p < 1.0)) {
        std::ostringstream msg;
        msg << "normal quantile: p = " << p << " is outside (0, 1); a probability strictly "
            << "between 0 and 1 is expected";
        fail(ErrorKind::InvalidInput, msg.str());
    }
    if (p <= 0.5) return quantile_lower(p);
    return -quantile_lower(1.0 - p);  // 1 - p is exact for p in [1/2, 1)
}

double z_for_confidence(double confidence) {
    if (!(confidence > 0.0 && confidence < 1.0)) {
        std::ostringstream msg;
        msg << "confidence = " << confidence << " is outside (0, 1); give a level such as 0.95 "
            << "for 95 % confidence intervals";
        fail(ErrorKind::InvalidInput, msg.str());
    }
    return -quantile_lower((1.0 - confidence) / 2.0);
}

}  // namespace redline::accuracy
