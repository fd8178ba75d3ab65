// Cutting lon/lat polygons at the antimeridian: pieces inside [-180, 180], their ellipsoidal
// areas adding up to the whole (the closed-form quadrangle), polygons inside left untouched.
#include "redline/geom/antimeridian_split.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <utility>

#include "redline/geodesy/ellipsoid.hpp"
#include "redline/geodesy/lonlat_ring.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

double area_of(const MultiPolygon& mp) { return Ellipsoid::cgcs2000().area_lonlat(mp); }

TEST(AntimeridianSplitTest, PolygonInsideTheWindowIsUntouched) {
    MultiPolygon mp = test::box(170, -20, 180, -10);
    mp.polygons.push_back(test::box(-180, -20, -170, -10).polygons[0]);
    const MultiPolygon before = mp;
    EXPECT_EQ(split_at_antimeridian(mp), 0u);
    ASSERT_EQ(mp.polygons.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) EXPECT_EQ(mp.polygons[i].rings, before.polygons[i].rings);
}

TEST(AntimeridianSplitTest, PolygonBeyond180IsCutAndShifted) {
    // 175E..175W stored as 175..185 (GSHHG), with a hole across 180.
    MultiPolygon mp = test::box(175, -20, 185, -10);
    mp.polygons[0].rings.push_back(test::box_ring(178, -16, 182, -14));
    const double whole = area_of(mp);
    const double d = M_PI / 180;
    const Ellipsoid& e = Ellipsoid::cgcs2000();
    EXPECT_LT(std::fabs(whole / (e.quad_area(-20 * d, -10 * d, 10 * d) -
                                 e.quad_area(-16 * d, -14 * d, 4 * d)) -
                        1),
              1e-12);
    EXPECT_EQ(split_at_antimeridian(mp), 1u);
    ASSERT_EQ(mp.polygons.size(), 2u);
    const Box b = mp.bounds();
    EXPECT_GE(b.xmin, -180.0);
    EXPECT_LE(b.xmax, 180.0);
    Box west, east;  // in either order
    for (const auto& p : mp.polygons[0].rings[0]) west.expand(p);
    for (const auto& p : mp.polygons[1].rings[0]) east.expand(p);
    if (west.xmin < 0) std::swap(west, east);
    EXPECT_EQ(west.xmin, 175.0);
    EXPECT_EQ(west.xmax, 180.0);
    EXPECT_EQ(east.xmin, -180.0);
    EXPECT_EQ(east.xmax, -175.0);
    EXPECT_LT(std::fabs(area_of(mp) / whole - 1), 1e-12);
}

TEST(AntimeridianSplitTest, RingClosedAroundThePoleIsCutIntoTheWindow) {
    Ring r;
    for (double x = -168.9; x <= -168.9 + 360 + 1e-9; x += 5) r.push_back(Point{x, -70});
    r.back().x = -168.9 + 360;
    r.push_back(r.front());
    const Ring c = close_around_pole(unwrap_lonlat_ring(r), -90);
    MultiPolygon mp;
    mp.polygons.push_back(Polygon{{c}});
    const double whole = area_of(mp);
    EXPECT_EQ(split_at_antimeridian(mp), 1u);
    // The two pieces meet along the seam meridian (-168.9) inside the cap: merged into one.
    EXPECT_EQ(mp.polygons.size(), 1u);
    const Box b = mp.bounds();
    EXPECT_EQ(b.xmin, -180.0);
    EXPECT_EQ(b.xmax, 180.0);
    EXPECT_EQ(b.ymin, -90.0);
    EXPECT_LT(std::fabs(area_of(mp) / whole - 1), 1e-12);
}

}  // namespace
}  // namespace redline
