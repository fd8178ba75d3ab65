// Point queries against a polygon with a hole: inside, boundary distance, nearest point.
#include "redline/geom/polygon_locator.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace redline {
namespace {

TEST(PolygonLocatorTest, CoversBoundaryDistanceAndNearestPoint) {
    const MultiPolygon mp =
        test::polygon({test::box_ring(0, 0, 100, 100), test::box_ring(40, 40, 60, 60)});
    PolygonLocator loc(mp);
    EXPECT_TRUE(loc.covers(Point{10, 10}));
    EXPECT_TRUE(loc.covers(Point{0, 50}));    // on the boundary
    EXPECT_FALSE(loc.covers(Point{50, 50}));  // in the hole
    EXPECT_FALSE(loc.covers(Point{150, 50}));
    EXPECT_TRUE(loc.boundary_within(Point{50, 35}, 5.0));   // 5 from the hole's edge
    EXPECT_FALSE(loc.boundary_within(Point{50, 34}, 5.0));  // 6 from it
    EXPECT_TRUE(loc.boundary_within(Point{103, 50}, 3.0));
    const Point q = loc.nearest_boundary_point(Point{103, 20});
    EXPECT_DOUBLE_EQ(q.x, 100.0);
    EXPECT_DOUBLE_EQ(q.y, 20.0);
    EXPECT_DOUBLE_EQ(loc.distance(Point{103, 20}), 3.0);
    EXPECT_DOUBLE_EQ(loc.distance(Point{20, 20}), 0.0);
}

TEST(PolygonLocatorTest, EmptyPolygonCoversNothing) {
    PolygonLocator loc{MultiPolygon{}};
    EXPECT_TRUE(loc.empty());
    EXPECT_FALSE(loc.covers(Point{0, 0}));
    EXPECT_FALSE(loc.boundary_within(Point{0, 0}, 1e9));
}

}  // namespace
}  // namespace redline
