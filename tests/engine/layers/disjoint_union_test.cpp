// DisjointUnion: overlap areas of unions as sums over polygon pairs, against hand-computed
// rectangle areas, against a GEOS overlay of the whole (polygon_union.hpp's intersection), on
// the large-polygon containment path, in a non-equal-area CRS, and for any thread count.
#include "redline/layers/disjoint_union.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "redline/geodesy/polygon_area.hpp"
#include "redline/geom/polygon_union.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

using test::box;

MultiPolygon concat(std::initializer_list<MultiPolygon> parts) {
    MultiPolygon out;
    for (const auto& p : parts)
        out.polygons.insert(out.polygons.end(), p.polygons.begin(), p.polygons.end());
    return out;
}

// A regular n-gon of radius r about (cx, cy), counter-clockwise, closed.
MultiPolygon ngon(double cx, double cy, double r, int n) {
    Ring ring;
    for (int i = 0; i < n; ++i) {
        const double t = 2 * M_PI * i / n;
        ring.push_back(Point{cx + r * std::cos(t), cy + r * std::sin(t)});
    }
    ring.push_back(ring.front());
    return MultiPolygon{{Polygon{{ring}}}};
}

class DisjointUnionTest : public ::testing::Test {
  protected:
    // Albers on GRS80 in metres: equal-area, one plane m2 is one ellipsoidal m2 (fast path).
    ConcurrentAreaCalculator albers{test::crs_of(test::kAlbers)};
};

TEST_F(DisjointUnionTest, RectanglesByHand) {
    // A: two 10 x 10 squares 10 m apart; B: a 20 x 10 band over both: 5 x 5 of each square.
    const DisjointUnion a(concat({box(0, 0, 10, 10), box(20, 0, 30, 10)}), albers, 1);
    const DisjointUnion b(box(5, 5, 25, 15), albers, 1);
    EXPECT_EQ(a.size(), 2u);
    EXPECT_NEAR(a.area_m2(), 200.0, 1e-9);
    EXPECT_NEAR(a.overlap_area_m2(b, albers, 1), 50.0, 1e-9);
    EXPECT_NEAR(b.overlap_area_m2(a, albers, 1), 50.0, 1e-9);
    // Disjoint and touching-only unions: zero.
    EXPECT_EQ(a.overlap_area_m2(DisjointUnion(box(100, 100, 110, 110), albers), albers, 1), 0.0);
    EXPECT_EQ(a.overlap_area_m2(DisjointUnion(box(10, 0, 20, 10), albers), albers, 1), 0.0);
    // Empty unions.
    EXPECT_EQ(a.overlap_area_m2(DisjointUnion(), albers, 1), 0.0);
    EXPECT_EQ(DisjointUnion().overlap_area_m2(a, albers, 1), 0.0);
}

TEST_F(DisjointUnionTest, OverlappingGroupsEachGetTheirShare) {
    // Regions may overlap one another: each gets its own overlap, from one pass.
    const DisjointUnion a(concat({box(0, 0, 10, 10), box(20, 0, 30, 10)}), albers, 1);
    const DisjointUnion west(box(-5, -5, 8, 20), albers, 1);  // 8 x 10 of the first square
    const DisjointUnion all(box(-5, -5, 40, 20), albers, 1);  // everything: 200
    const DisjointUnion east(box(22, 2, 24, 4), albers, 1);   // 2 x 2 inside the second
    const auto areas = a.overlap_areas_m2({&west, &all, &east}, albers, 1);
    ASSERT_EQ(areas.size(), 3u);
    EXPECT_NEAR(areas[0], 80.0, 1e-9);
    EXPECT_NEAR(areas[1], 200.0, 1e-9);
    EXPECT_NEAR(areas[2], 4.0, 1e-9);
}

TEST_F(DisjointUnionTest, SmallPolygonsAgainstALargeOneMatchAGeosOverlay) {
    // A 4000-gon (radius 1000 m) against small squares: inside (containment path), across the
    // boundary (sweep) and outside but within its box. The whole is checked against the area of
    // GEOS's intersection of the two unions.
    const MultiPolygon disc = ngon(0, 0, 1000, 4000);
    const MultiPolygon squares = concat({box(-10, -10, 10, 10), box(990, -5, 1010, 5),
                                         box(900, 900, 950, 950), box(-400, 300, -380, 330)});
    const DisjointUnion big(disc, albers, 1);
    const DisjointUnion small(squares, albers, 1);
    const double expected = albers.area_m2(intersection(squares, disc));
    EXPECT_NEAR(small.overlap_area_m2(big, albers, 1), expected, 1e-9 * expected);
    // The contained squares count whole: 400 + 600, and the cut one about half of 200.
    EXPECT_GT(expected, 1000.0 + 90.0);
    EXPECT_LT(expected, 1000.0 + 110.0);
    // The other way round (large first) takes the sweep for every pair: same area.
    EXPECT_NEAR(big.overlap_area_m2(small, albers, 1), expected, 1e-9 * expected);
}

TEST_F(DisjointUnionTest, IntersectionPiecesAddUpToTheOverlapArea) {
    const DisjointUnion protected_areas(
        concat({box(0, 0, 10, 10), box(20, 0, 30, 10), box(50, 50, 60, 60)}), albers, 1);
    const DisjointUnion land(concat({box(5, -5, 25, 5), box(40, 40, 55, 70)}), albers, 1);
    const DisjointUnion on_land = protected_areas.intersection(land, albers, 1);
    EXPECT_EQ(on_land.size(), 3u);
    EXPECT_NEAR(on_land.area_m2(), 25.0 + 25.0 + 50.0, 1e-9);
    EXPECT_NEAR(on_land.area_m2(), protected_areas.overlap_area_m2(land, albers, 1), 1e-9);
    // Pieces can be intersected again (a region of the protected land).
    const DisjointUnion region(box(0, -10, 22, 100), albers, 1);
    EXPECT_NEAR(on_land.overlap_area_m2(region, albers, 1), 25.0 + 2.0 * 5.0, 1e-9);
}

TEST_F(DisjointUnionTest, GeographicCrsUsesTheEllipsoidalAreaOfEachPiece) {
    // EPSG:4490 (CGCS2000 lon/lat) is not equal-area: each pair goes through GEOS and the
    // ellipsoidal area; the total equals the ellipsoidal area of GEOS's overlay of the whole.
    const ConcurrentAreaCalculator geo(test::crs_of("EPSG:4490"));
    const MultiPolygon a_mp = concat({box(100, 30, 101, 31), box(102, 30, 103, 31)});
    const MultiPolygon b_mp = box(100.5, 30.5, 102.5, 32);
    const DisjointUnion a(a_mp, geo, 1), b(b_mp, geo, 1);
    const double expected = geo.area_m2(intersection(a_mp, b_mp));
    EXPECT_GT(expected, 4.0e9);  // two 0.5 x 0.5 degree cells near 30.5 N: ~2.6e9 m2 each
    EXPECT_NEAR(a.overlap_area_m2(b, geo, 1), expected, 1e-9 * expected);
}

TEST_F(DisjointUnionTest, SameBitsForAnyThreadCount) {
    // Two lattices of disjoint rectangles: 1600 squares of 100 m and 1600 bars of 110 x 50 m.
    MultiPolygon lattice_a, lattice_b;
    for (int i = 0; i < 40; ++i)
        for (int j = 0; j < 40; ++j) {
            lattice_a.polygons.push_back(
                box(i * 125.0, j * 125.0, i * 125.0 + 100, j * 125.0 + 100).polygons[0]);
            lattice_b.polygons.push_back(
                box(i * 125.0 + 60, j * 125.0 + 30, i * 125.0 + 170, j * 125.0 + 80).polygons[0]);
        }
    const DisjointUnion a(lattice_a, albers, 1), b(lattice_b, albers, 1);
    const double one = a.overlap_area_m2(b, albers, 1);
    const double four = a.overlap_area_m2(b, albers, 4);
    EXPECT_EQ(one, four);
    // Square (i, j) spans x 125i..125i+100; bar (i, j) spans x 125i+60..125i+170, y inside the
    // square's row. Each square meets its own bar (40 x 50) and, for i >= 1, its left
    // neighbour's bar (125i-65..125i+45: 45 x 50).
    EXPECT_NEAR(one, 1600 * 40.0 * 50.0 + 1560 * 45.0 * 50.0, 1e-6);
}

}  // namespace
}  // namespace redline
