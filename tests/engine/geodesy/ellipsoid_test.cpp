// Reference values of docs/geodesy.md#reference-values (CGCS2000/GRS80) and the 32号 sum.
#include "redline/geodesy/ellipsoid.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "redline/geodesy/transformer.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

TEST(EllipsoidTest, Cgcs2000Constants) {
    const auto& e = Ellipsoid::cgcs2000();
    EXPECT_EQ(e.a(), 6378137.0);
    EXPECT_NEAR(e.b(), 6356752.314140, 1e-6);
    EXPECT_NEAR(e.e2(), 0.006694380022901, 1e-15);
}

TEST(EllipsoidTest, OneDegreeCellAt30N) {
    const auto& e = Ellipsoid::cgcs2000();
    EXPECT_NEAR(e.quad_area(30 * kDeg, 31 * kDeg, 1 * kDeg), 10'642'393'438.71, 0.01);
    EXPECT_NEAR(e.area_lonlat(test::box(105, 30, 106, 31)), 10'642'393'438.71, 0.01);
}

TEST(EllipsoidTest, HundredthDegreeCellAt30N) {
    const auto& e = Ellipsoid::cgcs2000();
    EXPECT_NEAR(e.quad_area(30 * kDeg, 30.01 * kDeg, 0.01 * kDeg), 1'069'521.173, 0.001);
    EXPECT_NEAR(e.area_lonlat(test::box(105, 30, 105.01, 30.01)), 1'069'521.173, 0.001);
}

TEST(EllipsoidTest, MapSheets) {
    const auto& e = Ellipsoid::cgcs2000();
    // 1:10 000 sheet: 3'45" x 2'30" with its south edge at 30N; 1:50 000: 15' x 10'.
    EXPECT_NEAR(e.quad_area(30 * kDeg, (30 + 2.5 / 60) * kDeg, (3.75 / 60) * kDeg), 27'847'757.03,
                0.01);
    EXPECT_NEAR(e.quad_area(30 * kDeg, (30 + 10.0 / 60) * kDeg, (15.0 / 60) * kDeg), 445'288'499.51,
                0.01);
}

TEST(EllipsoidTest, WholeSurface) {
    EXPECT_NEAR(Ellipsoid::cgcs2000().surface_area() / 1e6, 510'065'621.718, 0.001);
}

TEST(EllipsoidTest, ShortIntervalQuadratureAgreesWithClosedForm) {
    const auto& e = Ellipsoid::cgcs2000();
    for (double lat : {-60.0, -10.0, 0.0, 23.5, 45.0, 80.0}) {
        const double p1 = lat * kDeg, p2 = (lat + 0.015) * kDeg;
        const double closed = e.q(p2) - e.q(p1);
        EXPECT_NEAR(e.dq(p1, p2) / closed, 1.0, 1e-9) << lat;
    }
}

TEST(EllipsoidTest, RingAreaIsIndependentOfLongitudeAndOrientation) {
    const auto& e = Ellipsoid::cgcs2000();
    // Widths of 1/128 degree are exact in binary, so both boxes are the same shape.
    const double a = e.area_lonlat(test::box(105, 30, 105.0078125, 30.0078125));
    const double b = e.area_lonlat(test::box(-170.5078125, 30, -170.5, 30.0078125));
    EXPECT_NEAR(a / b, 1.0, 1e-12);
    Ring cw = test::box_ring(105, 30, 106, 31);
    std::reverse(cw.begin(), cw.end());
    EXPECT_NEAR(e.ring_area_lonlat(cw), -e.ring_area_lonlat(test::box_ring(105, 30, 106, 31)),
                1e-3);
}

TEST(EllipsoidTest, StraightLonLatEdgesVersusThe32TrapezoidSum) {
    const auto& e = Ellipsoid::cgcs2000();
    // A 0.1 degree right triangle whose long edge is diagonal: the south-west half of the box is
    // larger than the north-east half: their centroids are dphi / 3 apart and the density falls by
    // ~tan(phi) per radian, so (a - b) / (a + b) ~ tan(phi) dphi / 6 (less the ellipsoid's 2 %).
    Ring sw{{105.1, 30.8}, {105.2, 30.8}, {105.1, 30.9}, {105.1, 30.8}};
    Ring ne{{105.2, 30.8}, {105.2, 30.9}, {105.1, 30.9}, {105.2, 30.8}};
    const double box = e.area_lonlat(test::box(105.1, 30.8, 105.2, 30.9));
    const double a = std::fabs(e.ring_area_lonlat(sw)), b = std::fabs(e.ring_area_lonlat(ne));
    EXPECT_NEAR((a + b) / box, 1.0, 1e-13);
    EXPECT_NEAR((a - b) / box, std::tan(30.85 * kDeg) * (0.1 * kDeg) / 6.0, 5e-6);
    // The 32号 sum splits the box evenly (lambda linear in q) ...
    EXPECT_NEAR(std::fabs(e.ring_area_trapezoid(sw)) / (box / 2), 1.0, 1e-12);
    // ... and both agree once edges are short (densified to ~100 m): far below 1e-6
    // (docs/geodesy.md#edge-semantics).
    MultiPolygon dense;
    dense.polygons.push_back(Polygon{{sw}});
    densify(dense, 0.001);
    EXPECT_NEAR(std::fabs(e.ring_area_trapezoid(dense.polygons[0].rings[0])) / a, 1.0, 2e-8);
}

TEST(EllipsoidTest, HolesSubtract) {
    const auto& e = Ellipsoid::cgcs2000();
    auto mp = test::polygon({{{105, 30}, {106, 30}, {106, 31}, {105, 31}},
                             {{105.4, 30.4}, {105.41, 30.4}, {105.41, 30.41}, {105.4, 30.41}}});
    const double hole = e.area_lonlat(test::box(105.4, 30.4, 105.41, 30.41));
    EXPECT_NEAR(e.area_lonlat(mp), 10'642'393'438.71 - hole, 0.02);
}

}  // namespace
}  // namespace redline
