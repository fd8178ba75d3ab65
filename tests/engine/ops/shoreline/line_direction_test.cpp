// Directions along a measured line (line_direction.hpp): unit tangents in local metres, skipping
// zero-length edges, and the left normal.
#include "redline/ops/shoreline/line_direction.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace redline {
namespace {

MeasuredLine line_of(LineString xy, std::vector<double> s) {
    MeasuredLine ml;
    ml.original.assign(xy.size(), 1);
    ml.xy = std::move(xy);
    ml.s_m = std::move(s);
    return ml;
}

TEST(LineDirectionTest, TangentOfTheEdgeHoldingThePosition) {
    const LocalMetric identity;
    const MeasuredLine ml = line_of({{0, 0}, {3, 4}, {3, 10}}, {0, 5, 11});
    Point t = unit_tangent_at(ml, 2, identity);
    EXPECT_DOUBLE_EQ(t.x, 0.6);
    EXPECT_DOUBLE_EQ(t.y, 0.8);
    t = unit_tangent_at(ml, 8, identity);
    EXPECT_DOUBLE_EQ(t.x, 0.0);
    EXPECT_DOUBLE_EQ(t.y, 1.0);
    const Point n = left_normal(Point{0.6, 0.8});
    EXPECT_DOUBLE_EQ(n.x, -0.8);
    EXPECT_DOUBLE_EQ(n.y, 0.6);
}

TEST(LineDirectionTest, TangentIsInLocalMetres) {
    // A CRS unit is 2 m east and 1 m north: the CRS diagonal (1, 1) is (2, 1) m, over sqrt(5).
    LocalMetric m;
    m.j[0] = 2;
    const MeasuredLine ml = line_of({{0, 0}, {1, 1}}, {0, std::sqrt(5.0)});
    const Point t = unit_tangent_at(ml, 1, m);
    EXPECT_NEAR(t.x, 2 / std::sqrt(5.0), 1e-15);
    EXPECT_NEAR(t.y, 1 / std::sqrt(5.0), 1e-15);
}

TEST(LineDirectionTest, ZeroLengthEdgesAreSkipped) {
    const LocalMetric identity;
    // Forwards from a repeated first vertex.
    Point t = unit_tangent_at(line_of({{0, 0}, {0, 0}, {3, 4}}, {0, 0, 5}), 0, identity);
    EXPECT_DOUBLE_EQ(t.x, 0.6);
    EXPECT_DOUBLE_EQ(t.y, 0.8);
    // Backwards from a repeated last vertex.
    t = unit_tangent_at(line_of({{0, 0}, {3, 4}, {3, 4}}, {0, 5, 5}), 5, identity);
    EXPECT_DOUBLE_EQ(t.x, 0.6);
    EXPECT_DOUBLE_EQ(t.y, 0.8);
    // No edge of positive length, or a single point: east by convention.
    t = unit_tangent_at(line_of({{1, 1}, {1, 1}}, {0, 0}), 0, identity);
    EXPECT_EQ(t.x, 1.0);
    EXPECT_EQ(t.y, 0.0);
    t = unit_tangent_at(line_of({{1, 1}}, {0}), 0, identity);
    EXPECT_EQ(t.x, 1.0);
}

}  // namespace
}  // namespace redline
