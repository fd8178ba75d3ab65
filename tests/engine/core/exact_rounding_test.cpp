// round_half_away and floor_to_int against std::llround and std::floor: halves and their
// neighbours, integers around 2^52 and 2^53, and random values of every magnitude below 2^62.
#include "redline/core/exact_rounding.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace redline {
namespace {

void expect_same(double x) {
    ASSERT_EQ(round_half_away(x), std::llround(x)) << std::hexfloat << x;
    ASSERT_EQ(floor_to_int(x), static_cast<std::int64_t>(std::floor(x))) << std::hexfloat << x;
}

TEST(ExactRoundingTest, HalvesRoundAwayFromZeroAndFloorsGoDown) {
    EXPECT_EQ(round_half_away(0.5), 1);
    EXPECT_EQ(round_half_away(-0.5), -1);
    EXPECT_EQ(round_half_away(2.5), 3);
    EXPECT_EQ(round_half_away(-2.5), -3);
    EXPECT_EQ(round_half_away(0.49999999999999994), 0);  // the floor(x + 0.5) trap
    EXPECT_EQ(round_half_away(-0.0), 0);
    EXPECT_EQ(floor_to_int(-0.5), -1);
    EXPECT_EQ(floor_to_int(-1.0), -1);
    EXPECT_EQ(floor_to_int(1.9999999999999998), 1);
    EXPECT_EQ(floor_to_int(-1e-300), -1);
}

TEST(ExactRoundingTest, EqualsTheLibraryOnHalvesIntegersAndNeighbours) {
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> base = {0.0,
                                0.5,
                                1.0,
                                1.5,
                                2.5,
                                1e6 + 0.5,
                                4503599627370495.5,
                                4503599627370496.0,
                                9007199254740991.0,
                                9007199254740992.0,
                                1099511627776.5,
                                0x1p61};
    for (double b : base)
        for (double s : {1.0, -1.0}) {
            double x = s * b;
            for (int k = 0; k < 4; ++k) {
                expect_same(x);
                expect_same(std::nextafter(x, inf));
                expect_same(std::nextafter(x, -inf));
                x = std::nextafter(x, s * inf);
            }
        }
}

TEST(ExactRoundingTest, EqualsTheLibraryOnRandomValuesOfEveryMagnitude) {
    std::mt19937_64 rng(17);
    std::uniform_real_distribution<double> mant(0.5, 1.0);
    std::uniform_int_distribution<int> expo(-60, 62);
    for (int i = 0; i < 1'000'000; ++i) {
        const double x = std::ldexp(mant(rng), expo(rng)) * (i % 2 ? -1.0 : 1.0);
        expect_same(x);
        expect_same(std::round(x * 2) / 2);  // a half or an integer near x
    }
}

}  // namespace
}  // namespace redline
