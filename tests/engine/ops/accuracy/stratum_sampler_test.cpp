// Bottom-k stratified sampling: equals the brute-force "sort all keys, take the smallest",
// partial samplers merge to the one-pass result in any order, and the inclusion frequencies of
// single cells and of pairs of cells over many seeds are those of simple random sampling without
// replacement (a systematic or biased sampler fails the pair test).
#include "redline/ops/accuracy/stratum_sampler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <unordered_set>
#include <utility>
#include <vector>

#include "redline/core/error.hpp"

namespace redline::accuracy {
namespace {

// A population of cells 0..size-1; the stratum of a cell is a fixed pseudo-random function.
std::int64_t stratum_of(std::uint64_t cell) { return static_cast<std::int64_t>((cell * 7919) % 5); }

const std::map<std::int64_t, std::uint64_t> kQuota = {{0, 17}, {1, 3}, {2, 0}, {3, 50}, {4, 1}};

StratumSampler one_pass(std::uint64_t seed, std::uint64_t size) {
    StratumSampler s(seed, kQuota);
    for (std::uint64_t c = 0; c < size; ++c) s.offer(stratum_of(c), c);
    return s;
}

bool same(const std::vector<SampledCell>& a, const std::vector<SampledCell>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].stratum != b[i].stratum || a[i].cell_index != b[i].cell_index ||
            a[i].key != b[i].key) {
            return false;
        }
    }
    return true;
}

TEST(StratumSamplerTest, KeysAreDistinctAndDependOnSeedAndCell) {
    std::unordered_set<std::uint64_t> keys;
    for (std::uint64_t c = 0; c < 200000; ++c) keys.insert(sample_key(7, c));
    EXPECT_EQ(keys.size(), 200000u);
    EXPECT_EQ(sample_key(7, 12345), sample_key(7, 12345));
    EXPECT_NE(sample_key(7, 12345), sample_key(8, 12345));
    // Roughly uniform: the mean of key / 2^64 over many cells is 1/2 (sd 0.0013 here).
    double mean = 0;
    for (std::uint64_t c = 0; c < 50000; ++c) mean += std::ldexp(double(sample_key(3, c)), -64);
    EXPECT_NEAR(mean / 50000, 0.5, 0.006);
}

TEST(StratumSamplerTest, SelectionIsTheSmallestKeysOfEachStratum) {
    const std::uint64_t size = 5000;
    const auto got = one_pass(42, size).selection();
    std::vector<SampledCell> expected;
    for (const auto& [id, n] : kQuota) {
        std::vector<std::pair<std::uint64_t, std::uint64_t>> all;
        for (std::uint64_t c = 0; c < size; ++c) {
            if (stratum_of(c) == id) all.emplace_back(sample_key(42, c), c);
        }
        std::sort(all.begin(), all.end());
        for (std::uint64_t i = 0; i < n && i < all.size(); ++i) {
            expected.push_back(SampledCell{id, all[i].second, all[i].first});
        }
    }
    EXPECT_TRUE(same(got, expected));
    EXPECT_EQ(one_pass(42, size).offered(3), 1000u);
}

TEST(StratumSamplerTest, PartialSamplersMergeToTheOnePassResultInAnyOrder) {
    const std::uint64_t size = 20000;
    const auto expected = one_pass(99, size).selection();
    std::mt19937_64 rng(5);
    for (int trial = 0; trial < 20; ++trial) {
        // Random cut points (tiles), cells inside a tile offered in a random order, partial
        // samplers merged in a random order (as threads finishing in any order would).
        std::set<std::uint64_t> cuts = {0, size};
        const int tiles = 1 + trial * 3;
        while (static_cast<int>(cuts.size()) < tiles + 1) cuts.insert(rng() % size);
        std::vector<StratumSampler> parts;
        for (auto it = cuts.begin(); std::next(it) != cuts.end(); ++it) {
            std::vector<std::uint64_t> cells(*std::next(it) - *it);
            std::iota(cells.begin(), cells.end(), *it);
            std::shuffle(cells.begin(), cells.end(), rng);
            StratumSampler part(99, kQuota);
            for (std::uint64_t c : cells) part.offer(stratum_of(c), c);
            parts.push_back(std::move(part));
        }
        std::shuffle(parts.begin(), parts.end(), rng);
        StratumSampler all(99, kQuota);
        for (const auto& p : parts) all.merge(p);
        EXPECT_TRUE(same(all.selection(), expected)) << trial;
        EXPECT_EQ(all.offered(0), one_pass(99, size).offered(0));
    }
}

TEST(StratumSamplerTest, AKeyOrderPrefixIsTheSampleOfTheSmallerQuota) {
    StratumSampler big(11, {{1, 40}}), small(11, {{1, 15}});
    for (std::uint64_t c = 0; c < 3000; ++c) {
        big.offer(1, c);
        small.offer(1, c);
    }
    const auto b = big.selection(), s = small.selection();
    ASSERT_EQ(s.size(), 15u);
    for (std::size_t i = 0; i < s.size(); ++i) EXPECT_EQ(s[i].cell_index, b[i].cell_index);
}

TEST(StratumSamplerTest, InclusionFrequenciesAreThoseOfSimpleRandomSampling) {
    // Stratum of N = 20 cells, n = 5, over S seeds: each cell is drawn with probability
    // n / N = 1/4, each pair with n (n - 1) / (N (N - 1)) = 1/19. Counts are binomial; every
    // one must lie within 5 standard deviations, and the chi-square sums near their expectation.
    const int N = 20, n = 5, S = 4000;
    std::vector<double> single(N, 0);
    std::vector<std::vector<double>> pair(N, std::vector<double>(N, 0));
    for (int seed = 0; seed < S; ++seed) {
        StratumSampler s(static_cast<std::uint64_t>(seed) * 1000003u, {{1, n}});
        // Cells of the stratum scattered in a larger raster: indices 7 * i + 3.
        for (int i = 0; i < N; ++i) s.offer(1, 7 * i + 3);
        std::vector<int> drawn;
        for (const auto& c : s.selection())
            drawn.push_back(static_cast<int>((c.cell_index - 3) / 7));
        ASSERT_EQ(drawn.size(), static_cast<std::size_t>(n));
        for (int a : drawn) {
            single[a] += 1;
            for (int b : drawn) {
                if (a < b) pair[a][b] += 1;
            }
        }
    }
    const double p1 = double(n) / N, e1 = S * p1, sd1 = std::sqrt(S * p1 * (1 - p1));
    double chi1 = 0;
    for (int a = 0; a < N; ++a) {
        EXPECT_LT(std::fabs(single[a] - e1), 5 * sd1) << a;
        chi1 += (single[a] - e1) * (single[a] - e1) / e1;
    }
    // E[chi1] = N (1 - p1) = 15 under simple random sampling.
    EXPECT_LT(chi1, 45.0);
    const double p2 = double(n) * (n - 1) / (double(N) * (N - 1)), e2 = S * p2;
    const double sd2 = std::sqrt(S * p2 * (1 - p2));
    double chi2 = 0;
    int pairs = 0;
    for (int a = 0; a < N; ++a) {
        for (int b = a + 1; b < N; ++b) {
            EXPECT_LT(std::fabs(pair[a][b] - e2), 5 * sd2) << a << "," << b;
            chi2 += (pair[a][b] - e2) * (pair[a][b] - e2) / e2;
            ++pairs;
        }
    }
    // E[chi2] is about pairs (1 - p2) = 180; a sampler that never draws some pairs (systematic
    // sampling) gives thousands.
    EXPECT_LT(chi2, 1.5 * pairs);
}

TEST(StratumSamplerTest, SmallStrataAndBadUse) {
    StratumSampler s(1, {{1, 5}, {2, 2}});
    for (std::uint64_t c = 0; c < 3; ++c) s.offer(1, c);
    for (std::uint64_t c = 3; c < 10; ++c) s.offer(2, c);
    EXPECT_EQ(s.selection().size(), 5u);  // the 3 cells of stratum 1, 2 of stratum 2
    EXPECT_EQ(s.shortfall(), (std::map<std::int64_t, std::uint64_t>{{1, 2}}));
    EXPECT_EQ(s.offered(2), 7u);
    try {
        s.offer(3, 11);
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Internal);
    }
    StratumSampler other_seed(2, {{1, 5}, {2, 2}}), other_quota(1, {{1, 5}, {2, 3}});
    EXPECT_THROW(s.merge(other_seed), Error);
    EXPECT_THROW(s.merge(other_quota), Error);
}

}  // namespace
}  // namespace redline::accuracy
