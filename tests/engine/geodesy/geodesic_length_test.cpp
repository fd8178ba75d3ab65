// Geodesic distances and line lengths on CGCS2000 against the reference values of docs/geodesy.md
// (checked with PROJ's `geod +ellps=GRS80 -I`), plus the geodesic splitting used for positions.
#include "redline/geodesy/geodesic_length.hpp"

#include <gtest/gtest.h>

namespace redline {
namespace {

TEST(GeodesicLengthTest, MeridianArcThirtyToThirtyOneNorth) {
    const GeodesicLength g;
    EXPECT_NEAR(g.distance_m(Point{105, 30}, Point{105, 31}), 110860.926, 0.0005);
}

TEST(GeodesicLengthTest, GeodesicAlongThirtyNorthOneDegree) {
    const GeodesicLength g;
    EXPECT_NEAR(g.distance_m(Point{105, 30}, Point{106, 30}), 96485.974, 0.0005);
}

TEST(GeodesicLengthTest, WgsAndCgcsDifferInTheEighthDigitOnly) {
    const GeodesicLength cgcs, wgs(Ellipsoid::wgs84());
    const double a = cgcs.distance_m(Point{105, 30}, Point{105, 31});
    const double b = wgs.distance_m(Point{105, 30}, Point{105, 31});
    EXPECT_NE(a, b);
    EXPECT_NEAR(a / b, 1.0, 1e-8);
}

TEST(GeodesicLengthTest, LineLengthIsTheSumOfItsEdges) {
    const GeodesicLength g;
    const LineString line{{105, 30}, {105, 31}, {106, 31}, {106, 31}};
    EXPECT_DOUBLE_EQ(g.length_m(line),
                     g.distance_m(line[0], line[1]) + g.distance_m(line[1], line[2]));
    EXPECT_EQ(g.length_m(LineString{{105, 30}}), 0.0);
}

TEST(GeodesicLengthTest, SplitGeodesicCutsIntoEqualArcsOnTheGeodesic) {
    const GeodesicLength g;
    const Point a{105, 30}, b{106, 30};
    LineString out;
    const std::size_t n = g.split_geodesic(a, b, 1000.0, out);
    EXPECT_EQ(n, 97u);  // ceil(96485.974 / 1000)
    ASSERT_EQ(out.size(), n);
    EXPECT_EQ(out.back(), b);
    double sum = g.distance_m(a, out[0]);
    for (std::size_t i = 1; i < out.size(); ++i) {
        const double d = g.distance_m(out[i - 1], out[i]);
        EXPECT_NEAR(d, 96485.974 / 97, 1e-3);
        sum += d;
    }
    EXPECT_NEAR(sum, g.distance_m(a, b), 1e-6);
    // The geodesic bulges poleward of the parallel: its midpoint is north of 30N.
    EXPECT_GT(out[n / 2].y, 30.0);
}

}  // namespace
}  // namespace redline
