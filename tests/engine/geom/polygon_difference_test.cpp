// GEOS difference of polygonal geometries (geom/polygon_union.hpp): hand-computed areas.
#include <gtest/gtest.h>

#include "redline/geom/polygon_union.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

using test::box;

TEST(PolygonDifferenceTest, HandComputedAreas) {
    EXPECT_DOUBLE_EQ(planar_area(difference(box(0, 0, 10, 10), box(5, 0, 20, 10))), 50.0);
    // A hole punched in the middle.
    const MultiPolygon holed = difference(box(0, 0, 10, 10), box(4, 4, 6, 6));
    EXPECT_DOUBLE_EQ(planar_area(holed), 96.0);
    ASSERT_EQ(holed.polygons.size(), 1u);
    EXPECT_EQ(holed.polygons[0].rings.size(), 2u);
    // Nothing left, disjoint, empty operands.
    EXPECT_TRUE(difference(box(1, 1, 2, 2), box(0, 0, 10, 10)).empty());
    EXPECT_DOUBLE_EQ(planar_area(difference(box(0, 0, 1, 1), box(5, 5, 6, 6))), 1.0);
    EXPECT_DOUBLE_EQ(planar_area(difference(box(0, 0, 1, 1), MultiPolygon{})), 1.0);
    EXPECT_TRUE(difference(MultiPolygon{}, box(0, 0, 1, 1)).empty());
}

}  // namespace
}  // namespace redline
