// The normal quantile against Wichura's AS241 (Python's statistics.NormalDist.inv_cdf, an
// independent algorithm) and against the C library's erfc (round trip).
#include "redline/ops/accuracy/normal_quantile.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "redline/core/error.hpp"

namespace redline::accuracy {
namespace {

TEST(NormalQuantileTest, TwoSidedZOf95PercentIsTheTextbookValue) {
    EXPECT_NEAR(z_for_confidence(0.95), 1.959963984540054, 1e-12);
    EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-12);
}

TEST(NormalQuantileTest, MatchesAs241AcrossTheRange) {
    // p, Phi^-1(p) from AS241 (statistics.NormalDist().inv_cdf, Python 3.11).
    const struct {
        double p, x;
    } cases[] = {
        {0.975, 1.9599639845400536},   {0.995, 2.5758293035489},
        {0.95, 1.6448536269514715},    {0.9, 1.2815515655446008},
        {0.999, 3.090232306167813},    {1e-10, -6.361340902404056},
        {1e-300, -37.0470962993612},   {0.02425, -1.9729610513118845},
        {0.3, -0.5244005127080407},    {0.7, 0.5244005127080407},
        {2.5e-05, -4.055626981122401}, {0.999999999999, 7.0344869100478356},
    };
    for (const auto& c : cases) {
        EXPECT_NEAR(normal_quantile(c.p), c.x, 1e-13 * std::max(1.0, std::fabs(c.x))) << c.p;
    }
    EXPECT_EQ(normal_quantile(0.5), 0.0);
    EXPECT_NEAR(z_for_confidence(0.99), 2.5758293035489, 1e-13);
    EXPECT_NEAR(z_for_confidence(0.9), 1.6448536269514715, 1e-13);
}

TEST(NormalQuantileTest, RoundTripThroughErfcIsExactToAFewUlp) {
    // Phi(q(p)) = p in the lower tail, where Phi = erfc(-x / sqrt 2) / 2 keeps full precision.
    // Rounding x to double moves Phi(x) by a relative x^2 * 2^-53 (the condition number of Phi
    // at x is about x^2 in the tail), hence the tolerance.
    for (double p = 1e-300; p < 0.5; p *= 1.7) {
        const double x = normal_quantile(p);
        const double back = 0.5 * std::erfc(-x / std::sqrt(2.0));
        EXPECT_NEAR(back, p, 2e-15 * (1 + x * x) * p) << p;
    }
    for (int k = 1; k < 1000; ++k) {
        const double p = k / 2000.0;
        const double back = 0.5 * std::erfc(-normal_quantile(p) / std::sqrt(2.0));
        EXPECT_NEAR(back, p, 1e-14) << p;
    }
}

TEST(NormalQuantileTest, IsAntisymmetricAndIncreasing) {
    double previous = -std::numeric_limits<double>::infinity();
    for (int k = 1; k < 1024; ++k) {
        const double p = k / 1024.0;  // 1 - p is exact
        EXPECT_EQ(normal_quantile(1.0 - p), -normal_quantile(p));
        const double x = normal_quantile(p);
        EXPECT_GT(x, previous);
        previous = x;
    }
}

std::string message_of(double (*f)(double), double v) {
    try {
        f(v);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        return e.what();
    }
    return "no error";
}

TEST(NormalQuantileTest, RejectsProbabilitiesAndConfidencesOutsideTheOpenInterval) {
    for (double v : {0.0, 1.0, -0.1, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
        EXPECT_NE(message_of(normal_quantile, v).find("outside (0, 1)"), std::string::npos) << v;
        EXPECT_NE(message_of(z_for_confidence, v).find("confidence"), std::string::npos) << v;
    }
}

}  // namespace
}  // namespace redline::accuracy
