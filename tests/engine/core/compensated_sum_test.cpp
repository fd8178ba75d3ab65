// CompensatedSum on sums where a naive running sum fails. Expected values are exact sums known in
// closed form (powers of two) or computed exactly in 128-bit integers from terms that are
// integer multiples of 2^-40; the naive sum is computed alongside to show each case bites.
#include "redline/core/compensated_sum.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "redline/core/fixed_area.hpp"

namespace redline {
namespace {

double naive(const std::vector<double>& xs) {
    double s = 0;
    for (double x : xs) s += x;
    return s;
}

double compensated(const std::vector<double>& xs) {
    CompensatedSum s;
    for (double x : xs) s.add(x);
    return s.value();
}

TEST(CompensatedSum, EmptyIsZero) { EXPECT_EQ(CompensatedSum().value(), 0.0); }

TEST(CompensatedSum, CancellationOfHugeTermsKeepsTheSmallOne) {
    // Exact sum 1; the naive sum (and Kahan's original variant) give 0.
    const std::vector<double> xs = {1e100, 1.0, -1e100};
    EXPECT_EQ(naive(xs), 0.0);
    EXPECT_EQ(compensated(xs), 1.0);
    EXPECT_EQ(compensated({1.0, 1e100, 1.0, -1e100}), 2.0);
    EXPECT_EQ(compensated({1e100, -1e100, 3.0}), 3.0);
}

TEST(CompensatedSum, ManyTermsBelowHalfAnUlpOfTheTotal) {
    // 1 + 2^20 * 2^-60 = 1 + 2^-40 exactly (a double); each 2^-60 is below half an ulp of 1
    // (2^-53), so the naive sum never moves from 1.
    std::vector<double> xs = {1.0};
    xs.insert(xs.end(), std::size_t{1} << 20, std::ldexp(1.0, -60));
    EXPECT_EQ(naive(xs), 1.0);
    EXPECT_EQ(compensated(xs), 1.0 + std::ldexp(1.0, -40));
}

TEST(CompensatedSum, TenMillionTenthsRoundToTheNearestDouble) {
    // The double nearest 0.1 is 0.1 + 5.55e-18, so ten million of them sum exactly to
    // 1e6 + 5.55e-11, whose nearest double is 1e6 (an ulp there is 1.16e-10). The naive sum
    // drifts by about 1.6e-4.
    double plain = 0;
    CompensatedSum sum;
    for (int i = 0; i < 10'000'000; ++i) {
        plain += 0.1;
        sum.add(0.1);
    }
    EXPECT_GT(std::fabs(plain - 1e6), 1e-5);
    EXPECT_EQ(sum.value(), 1e6);
}

TEST(CompensatedSum, NonFiniteTermsGiveNaN) {
    CompensatedSum s;
    s.add(1.0);
    s.add(std::numeric_limits<double>::infinity());
    EXPECT_TRUE(std::isnan(s.value()));
    CompensatedSum n;
    n.add(std::nan(""));
    EXPECT_TRUE(std::isnan(n.value()));
}

// Random terms of mixed magnitudes and signs, each an integer multiple of 2^-40 below 2^40 in
// magnitude, so the exact sum fits a 128-bit integer: large terms, their negations in another
// order, and small terms between them, so that the total is small beside the terms. The
// compensated sum meets Higham's bound 2u|S| + n u^2 sum|x| (with a generous constant on the
// second term) on every trial, where the naive sum's error is many ulps of S.
TEST(CompensatedSum, MeetsItsErrorBoundAgainstAnExactIntegerSum) {
    std::mt19937_64 rng(20240516);
    std::uniform_int_distribution<int> big_exp(0, 39), small_exp(-30, -1);
    std::uniform_real_distribution<double> mantissa(-2.0, 2.0);
    const double u = std::ldexp(1.0, -53);
    auto on_grid = [](double x) { return std::ldexp(std::nearbyint(std::ldexp(x, 40)), -40); };
    double worst_naive_ulps = 0;
    for (int trial = 0; trial < 50; ++trial) {
        std::vector<double> big, xs;
        for (int i = 0; i < 600; ++i)
            big.push_back(on_grid(std::ldexp(mantissa(rng), big_exp(rng))));
        std::vector<double> neg;
        for (double b : big) neg.push_back(-b);
        std::shuffle(neg.begin(), neg.end(), rng);
        for (std::size_t i = 0; i < big.size(); ++i) {
            xs.push_back(big[i]);
            xs.push_back(on_grid(std::ldexp(mantissa(rng), small_exp(rng))));
            xs.push_back(neg[i]);
        }
        std::shuffle(xs.begin(), xs.end(), rng);
        Int128 exact = 0;
        double abs_sum = 0;
        for (double x : xs) {
            exact += static_cast<Int128>(std::ldexp(x, 40));
            abs_sum += std::fabs(x);
        }
        const double s = std::ldexp(static_cast<double>(exact), -40);  // S rounded once
        const double n = static_cast<double>(xs.size());
        const double bound = 2 * u * std::fabs(s) + 4.0 * n * u * u * abs_sum;
        EXPECT_LE(std::fabs(compensated(xs) - s), bound) << "trial " << trial;
        const double ulp = std::fabs(std::nextafter(s, 2 * s + 1) - s);
        worst_naive_ulps = std::max(worst_naive_ulps, std::fabs(naive(xs) - s) / ulp);
    }
    EXPECT_GT(worst_naive_ulps, 1e6);  // the case is hard for the naive sum
}

}  // namespace
}  // namespace redline
