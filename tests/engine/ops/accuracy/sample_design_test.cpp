// Sample size and allocation: hand-computed cases, the water-filling characterisation checked
// against an independent "raise, reallocate, repeat" procedure, and the errors.
#include "redline/ops/accuracy/sample_design.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "redline/core/error.hpp"

namespace redline::accuracy {
namespace {

std::vector<DesignStratum> strata_of(const std::vector<double>& areas,
                                     std::uint64_t units = 1000000) {
    std::vector<DesignStratum> s;
    for (std::size_t h = 0; h < areas.size(); ++h) {
        s.push_back(DesignStratum{static_cast<std::int64_t>(h + 1), areas[h], units});
    }
    return s;
}

std::vector<std::uint64_t> ns(const SampleDesign& d) {
    std::vector<std::uint64_t> out;
    for (const auto& s : d.strata) out.push_back(s.n);
    return out;
}

using V = std::vector<std::uint64_t>;

TEST(SampleDesignTest, SizeFromTargetStandardError) {
    // W = (1/4, 3/4), U = 0.8 for both: S_h = 0.4, sum W S = 0.4, n = (0.4 / 0.02)^2 = 400.
    SampleDesignOptions o;
    o.target_se = 0.02;
    const SampleDesign d = design_sample(strata_of({1e6, 3e6}), o);
    EXPECT_NEAR(d.n_unrounded, 400.0, 1e-9);
    EXPECT_EQ(d.n, 400u);  // not 401: within 1e-9 of an integer
    EXPECT_EQ(ns(d), (V{100, 300}));
    EXPECT_DOUBLE_EQ(d.strata[0].weight, 0.25);
    EXPECT_DOUBLE_EQ(d.strata[1].sd, 0.4);
    // Anticipated SE: sqrt(1/16 * 0.16 / 100 + 9/16 * 0.16 / 300) = 0.02 (proportional).
    EXPECT_NEAR(d.anticipated_overall_se, 0.02, 1e-15);
}

TEST(SampleDesignTest, SizeRoundsUpAndUsesEachStratumsUsersAccuracy) {
    // W = (0.02, 0.015, 0.32, 0.645); U = (0.7, 0.7, 0.9, 0.95); S = 0.01.
    auto s = strata_of({0.02, 0.015, 0.32, 0.645});
    s[0].expected_users_accuracy = 0.7;
    s[1].expected_users_accuracy = 0.7;
    s[2].expected_users_accuracy = 0.9;
    s[3].expected_users_accuracy = 0.95;
    const double sum = 0.035 * std::sqrt(0.21) + 0.32 * 0.3 + 0.645 * std::sqrt(0.0475);
    const double expected = (sum / 0.01) * (sum / 0.01);  // 638.13...
    EXPECT_NEAR(sample_size_unrounded(s, 0.01), expected, 1e-9);
    SampleDesignOptions o;
    o.target_se = 0.01;
    EXPECT_EQ(design_sample(s, o).n, static_cast<std::uint64_t>(std::ceil(expected)));
    EXPECT_EQ(design_sample(s, o).n, 639u);
}

TEST(SampleDesignTest, DefaultUsersAccuracyAppliesToUnlistedStrata) {
    auto s = strata_of({1, 1});
    s[0].expected_users_accuracy = 0.5;  // S = 0.5; the other uses 0.8 (S = 0.4)
    EXPECT_NEAR(sample_size_unrounded(s, 0.05), std::pow((0.25 + 0.2) / 0.05, 2), 1e-9);
    EXPECT_NEAR(sample_size_unrounded(s, 0.05, 0.9), std::pow((0.25 + 0.15) / 0.05, 2), 1e-9);
}

TEST(SampleDesignTest, ProportionalAllocationByLargestRemainder) {
    SampleDesignOptions o;
    o.size = 100;
    EXPECT_EQ(ns(design_sample(strata_of({5, 3, 2}), o)), (V{50, 30, 20}));
    // 7 x (0.6, 0.25, 0.15) = 4.2, 1.75, 1.05: floors 4, 1, 1; the unit left goes to 1.75.
    o.size = 7;
    EXPECT_EQ(ns(design_sample(strata_of({0.6, 0.25, 0.15}), o)), (V{4, 2, 1}));
    // Ties (3.33 each) go to the stratum listed first.
    o.size = 10;
    EXPECT_EQ(ns(design_sample(strata_of({1, 1, 1}), o)), (V{4, 3, 3}));
}

TEST(SampleDesignTest, EqualAndNeymanAllocation) {
    SampleDesignOptions o;
    o.size = 10;
    o.allocation = Allocation::Equal;
    EXPECT_EQ(ns(design_sample(strata_of({7, 1, 1, 1}), o)), (V{3, 3, 2, 2}));
    // Neyman: a_h = W_h S_h = 0.5 * 0.5, 0.5 * 0.3 -> 80 x (5/8, 3/8).
    auto s = strata_of({1, 1});
    s[0].expected_users_accuracy = 0.5;
    s[1].expected_users_accuracy = 0.9;
    o.size = 80;
    o.allocation = Allocation::Neyman;
    EXPECT_EQ(ns(design_sample(s, o)), (V{50, 30}));
}

TEST(SampleDesignTest, MinimumPerStratumMovesUnitsToRareStrata) {
    SampleDesignOptions o;
    o.size = 640;
    o.min_per_stratum = 75;
    // 640 x W = 12.8, 9.6, 204.8, 412.8: the two rare strata are raised to 75 and the other 490
    // go 0.32 : 0.645 -> 162.49, 327.51 -> 162, 328.
    const SampleDesign d = design_sample(strata_of({0.02, 0.015, 0.32, 0.645}), o);
    EXPECT_EQ(ns(d), (V{75, 75, 162, 328}));
    EXPECT_TRUE(d.strata[0].at_minimum);
    EXPECT_FALSE(d.strata[2].at_minimum);
    // Iteration: W = (0.05, 0.2, 0.75), n = 100, min 20. Raising the first stratum leaves 80
    // for the others (16.8, 63.2), which pushes the second below 20 in turn: 20, 20, 60.
    o.size = 100;
    o.min_per_stratum = 20;
    EXPECT_EQ(ns(design_sample(strata_of({0.05, 0.2, 0.75}), o)), (V{20, 20, 60}));
}

TEST(SampleDesignTest, AvailableUnitsCapStrataAndLowerTheirMinimum) {
    SampleDesignOptions o;
    o.size = 100;
    auto s = strata_of({1, 1});
    s[0].units = 10;  // 50 wanted, 10 available: the other 40 go to the second stratum
    const SampleDesign d = design_sample(s, o);
    EXPECT_EQ(ns(d), (V{10, 90}));
    EXPECT_TRUE(d.strata[0].at_cap);
    s[0].units = 5;
    o.min_per_stratum = 20;  // the floor of a 5-cell stratum is 5
    EXPECT_EQ(ns(design_sample(s, o)), (V{5, 95}));
    o.size = 1005;  // the whole population of the first stratum is taken
    s[1].units = 1000;
    EXPECT_EQ(ns(design_sample(s, o)), (V{5, 1000}));
}

// Two independent solutions of the allocation, for comparison with the engine's water filling.
//
// (1) The paper's procedure: allocate the units still free by weight among the strata not yet
// fixed; strata pushed below their floor (or above their cap) are fixed there; repeat until
// none is. When both kinds of violation occur in one round, only the larger side is fixed
// (total shortfall below floors vs total excess above caps), which keeps every fixing final.
std::vector<double> iterate_shares(std::uint64_t n, const std::vector<double>& w,
                                   const std::vector<std::uint64_t>& lo,
                                   const std::vector<std::uint64_t>& hi) {
    const std::size_t k = w.size();
    std::vector<int> state(k, 0);  // 0 free, -1 at floor, +1 at cap
    std::vector<double> share(k);
    while (true) {
        double fixed = 0, free_w = 0;
        for (std::size_t h = 0; h < k; ++h) {
            if (state[h] < 0) fixed += lo[h];
            if (state[h] > 0) fixed += hi[h];
            if (state[h] == 0) free_w += w[h];
        }
        double below = 0, above = 0;
        for (std::size_t h = 0; h < k; ++h) {
            if (state[h] != 0) continue;
            share[h] = (n - fixed) * w[h] / free_w;
            below += std::max(0.0, lo[h] - share[h]);
            above += std::max(0.0, share[h] - hi[h]);
        }
        if (below == 0 && above == 0) break;
        for (std::size_t h = 0; h < k; ++h) {
            if (state[h] != 0) continue;
            if (below >= above && share[h] < lo[h]) state[h] = -1;
            if (above >= below && share[h] > hi[h]) state[h] = +1;
        }
    }
    for (std::size_t h = 0; h < k; ++h) {
        if (state[h] < 0) share[h] = lo[h];
        if (state[h] > 0) share[h] = hi[h];
    }
    return share;
}

// (2) The characterisation itself solved by bisection: the level lambda at which
// sum_h clamp(lambda w_h, lo_h, hi_h) = n.
std::vector<double> bisect_shares(std::uint64_t n, const std::vector<double>& w,
                                  const std::vector<std::uint64_t>& lo,
                                  const std::vector<std::uint64_t>& hi) {
    auto at = [&](double lambda) {
        std::vector<double> s(w.size());
        for (std::size_t h = 0; h < w.size(); ++h) {
            s[h] = std::clamp(lambda * w[h], double(lo[h]), double(hi[h]));
        }
        return s;
    };
    double a = 0, b = 1;
    auto total = [&](double lambda) {
        const auto s = at(lambda);
        return std::accumulate(s.begin(), s.end(), 0.0);
    };
    while (total(b) < n) b *= 2;
    for (int i = 0; i < 200; ++i) {
        const double m = (a + b) / 2;
        (total(m) < n ? a : b) = m;
    }
    return at(b);
}

TEST(SampleDesignTest, AllocationMatchesTheIterativeProcedureAndBisectionOnRandomDesigns) {
    std::mt19937_64 rng(20240518);
    for (int trial = 0; trial < 2000; ++trial) {
        const std::size_t k = 1 + rng() % 8;
        std::vector<double> w(k);
        std::vector<std::uint64_t> lo(k), hi(k);
        const std::uint64_t minimum = rng() % 30;
        std::uint64_t lo_sum = 0, hi_sum = 0;
        for (std::size_t h = 0; h < k; ++h) {
            w[h] = std::exp(std::uniform_real_distribution<double>(-6, 0)(rng));
            hi[h] = 1 + rng() % (trial % 3 == 0 ? 40 : 100000);
            lo[h] = std::min(minimum, hi[h]);
            lo_sum += lo[h];
            hi_sum += hi[h];
        }
        const std::uint64_t n = lo_sum + rng() % (hi_sum - lo_sum + 1);
        std::vector<double> shares;
        const auto got = allocate_units(n, w, lo, hi, &shares);
        const auto iterated = iterate_shares(n, w, lo, hi);
        const auto bisected = bisect_shares(n, w, lo, hi);
        std::uint64_t total = 0;
        for (std::size_t h = 0; h < k; ++h) {
            EXPECT_NEAR(shares[h], iterated[h], 1e-9 * (1 + shares[h])) << trial << " " << h;
            EXPECT_NEAR(shares[h], bisected[h], 1e-9 * (1 + shares[h])) << trial << " " << h;
            EXPECT_GE(got[h], lo[h]);
            EXPECT_LE(got[h], hi[h]);
            EXPECT_LT(std::fabs(static_cast<double>(got[h]) - shares[h]), 1.0);
            total += got[h];
        }
        EXPECT_EQ(total, n) << trial;
    }
}

std::string error_of(const std::vector<DesignStratum>& s, const SampleDesignOptions& o) {
    try {
        design_sample(s, o);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        return e.what();
    }
    return "no error";
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(SampleDesignTest, ImpossibleDesignsAreErrorsNamingTheParameter) {
    SampleDesignOptions o;
    o.size = 100;
    EXPECT_TRUE(has(error_of(strata_of({1, 1}, 40), o), "larger than the population"));
    EXPECT_TRUE(has(error_of(strata_of({1, 1}, 40), o), "80 units"));
    o.min_per_stratum = 60;
    EXPECT_TRUE(has(error_of(strata_of({1, 1}), o), "min_per_stratum"));
    o.min_per_stratum = 50;  // exactly n: allowed
    EXPECT_EQ(ns(design_sample(strata_of({1, 9}), o)), (V{50, 50}));
    o = {};
    o.target_se = 0;
    EXPECT_TRUE(has(error_of(strata_of({1}), o), "target_se"));
    o.target_se = -1;
    EXPECT_TRUE(has(error_of(strata_of({1}), o), "target_se"));
    o.target_se = 0.01;
    auto s = strata_of({1, 2});
    s[1].expected_users_accuracy = 1.0;
    EXPECT_TRUE(has(error_of(s, o), "expected_users_accuracy of stratum 2"));
    s[1].expected_users_accuracy = 0.0;
    EXPECT_TRUE(has(error_of(s, o), "outside (0, 1)"));
    o.default_users_accuracy = 1.2;
    EXPECT_TRUE(has(error_of(strata_of({1}), o), "default_users_accuracy"));
    o.default_users_accuracy = 0.8;
    EXPECT_TRUE(has(error_of({}, o), "no strata"));
    EXPECT_TRUE(has(error_of(strata_of({1, 0}), o), "stratum 2 has mapped area 0"));
    EXPECT_TRUE(has(error_of(strata_of({1, 1}, 0), o), "no sampling units"));
    s = strata_of({1, 1});
    s[1].id = 1;
    EXPECT_TRUE(has(error_of(s, o), "listed twice"));
    EXPECT_THROW(parse_allocation("optimal"), Error);
    EXPECT_EQ(parse_allocation("neyman"), Allocation::Neyman);
    EXPECT_STREQ(allocation_name(Allocation::Equal), "equal");
}

}  // namespace
}  // namespace redline::accuracy
