// Single-sided strips: which side, exact area of a straight strip, flat ends that tile.
#include "redline/geom/side_buffer.hpp"

#include <gtest/gtest.h>

namespace redline {
namespace {

TEST(SideBufferTest, LeftOfAnEastwardLineIsNorth) {
    SideBuffer b;
    const MultiPolygon left = b.strip(LineString{{0, 0}, {100, 0}}, 20, Side::Left);
    const MultiPolygon right = b.strip(LineString{{0, 0}, {100, 0}}, 20, Side::Right);
    EXPECT_NEAR(planar_area(left), 2000.0, 1e-6);
    EXPECT_NEAR(planar_area(right), 2000.0, 1e-6);
    const Box bl = left.bounds(), br = right.bounds();
    EXPECT_NEAR(bl.ymin, 0.0, 1e-9);
    EXPECT_NEAR(bl.ymax, 20.0, 1e-9);
    EXPECT_NEAR(br.ymin, -20.0, 1e-9);
    EXPECT_NEAR(br.ymax, 0.0, 1e-9);
    // Flat ends: nothing beyond the ends of the line.
    EXPECT_NEAR(bl.xmin, 0.0, 1e-9);
    EXPECT_NEAR(bl.xmax, 100.0, 1e-9);
}

TEST(SideBufferTest, BentLineGivesAValidStripInsideTheBend) {
    SideBuffer b;
    // North then east: the right side is the inside of the bend.
    const MultiPolygon s = b.strip(LineString{{0, 0}, {0, 100}, {100, 100}}, 10, Side::Right);
    // Two 100 x 10 rectangles overlapping in a 10 x 10 square at the corner.
    EXPECT_NEAR(planar_area(s), 1900.0, 1e-6);
}

TEST(SideBufferTest, ZeroLengthLineHasNoStrip) {
    SideBuffer b;
    EXPECT_TRUE(b.strip(LineString{{5, 5}, {5, 5}}, 10, Side::Left).empty());
}

}  // namespace
}  // namespace redline
