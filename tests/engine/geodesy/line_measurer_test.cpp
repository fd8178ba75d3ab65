// Lengths of lines in lon/lat, Albers and Gauss-Kruger: reference geodesics, and the same line in
// two CRSs gives the same length to 1e-7; local metrics and positions along a measured line.
#include "redline/geodesy/line_measurer.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "redline/core/error.hpp"
#include "redline/geodesy/transformer.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

LineString to_crs(const LineString& lonlat, const std::string& crs) {
    Transformer t(test::wkt_of("EPSG:4326"), test::wkt_of(crs));
    LineString out = lonlat;
    t.transform(out);
    return out;
}

TEST(LineMeasurerTest, MeridianArcInLonLatAlbersAndGaussKruger) {
    const LineString ll{{105, 30}, {105, 31}};
    LineMeasurer geo(test::wkt_of("EPSG:4490"));
    EXPECT_NEAR(geo.length_m(ll), 110860.926, 0.0005);
    // 105E is the central meridian of both projections: the arc is a straight line there.
    LineMeasurer albers(test::wkt_of(test::kAlbers));
    EXPECT_NEAR(albers.length_m(to_crs(ll, test::kAlbers)), 110860.926, 0.0005);
    LineMeasurer gk(test::wkt_of("EPSG:4523"));
    EXPECT_NEAR(gk.length_m(to_crs(ll, "EPSG:4523")), 110860.926, 0.0005);
}

TEST(LineMeasurerTest, ParallelGeodesicOneDegree) {
    LineMeasurer geo(test::wkt_of("EPSG:4326"));
    const MeasuredLine ml = geo.measure(LineString{{105, 30}, {106, 30}});
    EXPECT_NEAR(ml.length_m(), 96485.974, 0.0005);
    // Split along the geodesic into arcs of at most 100 m; only the ends are input vertices.
    EXPECT_EQ(ml.xy.size(), 966u);
    EXPECT_EQ(ml.original.front(), 1);
    EXPECT_EQ(ml.original[1], 0);
    EXPECT_EQ(ml.original.back(), 1);
}

TEST(LineMeasurerTest, SameLineInLonLatAndAlbersAgreesToOneInTenMillion) {
    // A wiggly coast-like line with vertices 50-400 m apart, 30 km long.
    LineString ll;
    for (int i = 0; i <= 300; ++i) {
        const double t = i / 300.0;
        ll.push_back(Point{121.5 + 0.3 * t + 0.002 * std::sin(i * 0.7),
                           29.9 + 0.1 * t + 0.0015 * std::cos(i * 1.3)});
    }
    LineMeasurer geo(test::wkt_of("EPSG:4326"));
    LineMeasurer albers(test::wkt_of(test::kAlbers));
    const double a = geo.length_m(ll);
    const double b = albers.length_m(to_crs(ll, test::kAlbers));
    EXPECT_GT(a, 30000);
    EXPECT_NEAR(b / a, 1.0, 1e-7);
    // The planar Albers length is measurably different (scale factor away from 25N/47N).
    const LineString pl = to_crs(ll, test::kAlbers);
    double planar = 0;
    for (std::size_t i = 1; i < pl.size(); ++i)
        planar += std::hypot(pl[i].x - pl[i - 1].x, pl[i].y - pl[i - 1].y);
    EXPECT_GT(std::fabs(planar / a - 1.0), 1e-4);
}

TEST(LineMeasurerTest, DensifyOptionBoundsEdgesInThePlane) {
    LineMeasurer albers(test::wkt_of(test::kAlbers), 250.0);
    const MeasuredLine ml = albers.measure(LineString{{0, 3000000}, {1000, 3000000}});
    EXPECT_EQ(ml.xy.size(), 5u);  // 4 edges of 250 m
    EXPECT_DOUBLE_EQ(ml.xy[1].x, 250.0);
}

TEST(LineMeasurerTest, LocalMetricOfLonLatIsTheRadiiOfCurvature) {
    LineMeasurer geo(test::wkt_of("EPSG:4326"));
    const LocalMetric m = geo.metric_at(Point{105, 30});
    // One degree of longitude at 30N along the parallel: N cos(phi) pi / 180.
    EXPECT_NEAR(m.j[0], 96486.2803, 0.001);
    EXPECT_NEAR(m.j[3], 110852.4425, 0.001);
    EXPECT_NEAR(m.metres(1, 0) * 1.0, m.j[0], 1e-9);
    const Point back = m.to_crs(m.to_local(Point{105.001, 30.002}));
    EXPECT_NEAR(back.x, 105.001, 1e-12);
    EXPECT_NEAR(back.y, 30.002, 1e-12);
}

TEST(LineMeasurerTest, LocalMetricOfAlbersOnAStandardParallelIsIsotropicUnity) {
    LineMeasurer albers(test::wkt_of(test::kAlbers));
    Transformer t(test::wkt_of("EPSG:4326"), test::wkt_of(test::kAlbers));
    const LocalMetric m = albers.metric_at(t.transform(Point{105, 25}));
    EXPECT_NEAR(m.min_scale(), 1.0, 1e-6);
    EXPECT_NEAR(m.max_scale(), 1.0, 1e-6);
    // Away from the standard parallels the scale differs from 1 (not conformal).
    const LocalMetric m2 = albers.metric_at(t.transform(Point{110, 18}));
    EXPECT_GT(m2.max_scale() - m2.min_scale(), 1e-3);
}

TEST(LineMeasurerTest, PositionsAndSlicesAlongAMeasuredLine) {
    // Gauss-Kruger zone 35 next to its central meridian: conformal with scale ~1, so 300 m north
    // then 300 m east has its geodesic midpoint at the corner.
    LineMeasurer gk(test::wkt_of("EPSG:4523"));
    const double x0 = 35500000, y0 = 3300000;
    const MeasuredLine ml = gk.measure(LineString{{x0, y0}, {x0, y0 + 300}, {x0 + 300, y0 + 300}});
    const double len = ml.length_m();
    EXPECT_NEAR(len, 600.0, 0.01);
    const Point mid = ml.point_at(len / 2);
    EXPECT_NEAR(mid.x, x0, 0.01);
    EXPECT_NEAR(mid.y, y0 + 300, 0.01);
    const LineString s = ml.slice(len / 4, 3 * len / 4);
    ASSERT_EQ(s.size(), 3u);  // start, the corner (an input vertex), end; not the densified points
    EXPECT_EQ(s[1], (Point{x0, y0 + 300}));
    // With the densified vertices (every 100 m): 150, 200, 300 (corner), 400, 450.
    EXPECT_EQ(ml.slice(len / 4, 3 * len / 4, true).size(), 5u);
    EXPECT_EQ(ml.xy.size(), 7u);
}

TEST(LineMeasurerTest, PointOutsideTheProjectionIsAnError) {
    LineMeasurer geo(test::wkt_of("EPSG:4326"));
    EXPECT_THROW(geo.measure(LineString{{105, 30}, {105, 95}}), Error);
}

}  // namespace
}  // namespace redline
