// Lon/lat rings that cross the antimeridian or wind around a pole (docs/geodesy-rings.md):
// polar caps against the authalic closed form (computed here from the textbook formula, not the
// engine's), the split-ring property, GeographicLib (PROJ geodesic.h) on PROJ's own Antarctica
// example, and the rings that have no single meaning.
#include "redline/geodesy/lonlat_ring.hpp"

#include <geodesic.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "redline/core/error.hpp"
#include "redline/geodesy/ellipsoid.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/geodesy/transformer.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

constexpr double kA = 6378137.0;
constexpr double kInvF = 298.257222101;

// Snyder (1987) eq. 3-12, in long double: q(phi) = (1 - e2) [sin/(1 - e2 sin^2) - 1/(2e) ln((1 -
// e sin)/(1 + e sin))].
long double authalic_q(long double phi_deg) {
    const long double f = 1.0L / kInvF, e2 = f * (2.0L - f), e = std::sqrt(e2);
    const long double s = std::sin(phi_deg * 3.14159265358979323846264338327950288L / 180.0L);
    return (1.0L - e2) * (s / (1.0L - e2 * s * s) -
                          (1.0L / (2.0L * e)) * std::log((1.0L - e * s) / (1.0L + e * s)));
}

// The zone between two parallels over all longitudes: 1/2 a^2 (2 pi) |q(phi2) - q(phi1)|; the
// polar cap beyond phi0 is the zone between phi0 and the pole.
double cap_area(double phi0_deg, bool north) {
    const long double q0 = authalic_q(phi0_deg), qp = authalic_q(north ? 90.0L : -90.0L);
    return static_cast<double>(0.5L * kA * kA * 2.0L * 3.14159265358979323846264338327950288L *
                               std::fabs(qp - q0));
}

double rel(double a, double b) { return std::fabs(a / b - 1.0); }

Ring closed(Ring r) {
    r.push_back(r.front());
    return r;
}

// A ring along the parallel `lat`, vertices every `step` degrees from `lon0` eastward, stored with
// longitudes reduced into [-180, 180) (so one edge jumps back by 360 - step).
Ring parallel_ring(double lat, double lon0, double step) {
    Ring r;
    for (double d = 0; d < 360.0 - 1e-9; d += step) {
        double x = lon0 + d;
        if (x >= 180.0) x -= 360.0;
        r.push_back(Point{x, lat});
    }
    return closed(r);
}

const Ellipsoid& ell() { return Ellipsoid::cgcs2000(); }

TEST(LonLatRingTest, PlainRingsAreUnchangedAndMeasuredAsBefore) {
    const Ring r = test::box_ring(105, 30, 106, 31);
    const LonLatRingShape s = lonlat_ring_shape(r);
    EXPECT_TRUE(s.plain());
    EXPECT_EQ(s.turns, 0);
    EXPECT_EQ(unwrap_lonlat_ring(r), r);
    // Byte for byte the same number as the per-edge sum.
    EXPECT_EQ(lonlat_ring_area(r, ell(), true), std::fabs(ell().ring_area_lonlat(r)));
    // A ring stored beyond 180 (GSHHG) is plain; shifting it by a turn keeps its area.
    const Ring beyond = test::box_ring(178, -17, 181, -16);
    const Ring shifted = test::box_ring(-182, -17, -179, -16);
    EXPECT_TRUE(lonlat_ring_shape(beyond).plain());
    EXPECT_LT(rel(lonlat_ring_area(beyond, ell(), true), lonlat_ring_area(shifted, ell(), true)),
              1e-12);
}

TEST(LonLatRingTest, RingAroundTheNorthPoleIsTheCapBeyondItsParallel) {
    for (double lat : {60.0, 10.0, 89.0}) {
        const Ring r = parallel_ring(lat, -180.0, 10.0);
        const LonLatRingShape s = lonlat_ring_shape(r);
        EXPECT_EQ(s.turns, 1);
        EXPECT_EQ(s.wrap_edges, 1u);
        EXPECT_TRUE(s.encloses_pole());
        EXPECT_EQ(enclosed_pole(unwrap_lonlat_ring(r), ell()), 90.0);
        EXPECT_LT(rel(lonlat_ring_area(r, ell(), true), cap_area(lat, true)), 1e-9) << lat;
        // Either orientation.
        Ring rev(r.rbegin(), r.rend());
        EXPECT_EQ(lonlat_ring_shape(rev).turns, -1);
        EXPECT_LT(rel(lonlat_ring_area(rev, ell(), true), cap_area(lat, true)), 1e-9) << lat;
    }
}

TEST(LonLatRingTest, RingAroundTheSouthPoleIsTheCapBeyondItsParallel) {
    // GSHHG's Antarctica starts at -168.9 and runs to 190.6: the same ring stored with the jump
    // at its end (longitudes continuous up to the last vertex) or reduced into [-180, 180).
    for (double lat : {-60.0, -78.5, -5.0}) {
        Ring gshhg;
        for (double d = 0; d < 360.0 - 1e-9; d += 7.5) gshhg.push_back(Point{-168.9 + d, lat});
        gshhg = closed(gshhg);
        const Ring reduced = parallel_ring(lat, -168.9, 7.5);
        for (const Ring* r : std::initializer_list<const Ring*>{&gshhg, &reduced}) {
            EXPECT_EQ(enclosed_pole(unwrap_lonlat_ring(*r), ell()), -90.0);
            EXPECT_LT(rel(lonlat_ring_area(*r, ell(), true), cap_area(lat, false)), 1e-9) << lat;
        }
    }
    // Natural Earth closes the same ring along the pole: a plain ring with the same area.
    Ring ne;
    for (double x = -180; x <= 180; x += 10) ne.push_back(Point{x, -60});
    ne.push_back(Point{180, -90});
    ne.push_back(Point{-180, -90});
    ne = closed(ne);
    EXPECT_TRUE(lonlat_ring_shape(ne).plain());
    EXPECT_LT(rel(lonlat_ring_area(ne, ell(), true), cap_area(-60, false)), 1e-9);
}

TEST(LonLatRingTest, PolygonAroundThePoleMinusItsHoleThroughTheCalculator) {
    const PolygonAreaCalculator calc(test::crs_of("EPSG:4326"));
    MultiPolygon mp;
    mp.polygons.push_back(Polygon{{parallel_ring(-70, -170, 5), test::box_ring(10, -80, 20, -75)}});
    const double d = M_PI / 180;
    const double hole = ell().quad_area(-80 * d, -75 * d, 10 * d);
    EXPECT_LT(rel(calc.area_m2(mp), cap_area(-70, false) - hole), 1e-9);
    // A hole that winds around a pole is refused, naming the hole.
    MultiPolygon bad;
    bad.polygons.push_back(Polygon{{parallel_ring(-60, -170, 5), parallel_ring(-70, -170, 5)}});
    try {
        calc.area_m2(bad);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        EXPECT_NE(std::string(e.what()).find("hole 1"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("south pole, which a hole cannot"), std::string::npos)
            << e.what();
    }
}

// PROJ's geodesic.h documents geod_polygonarea with a ring around Antarctica (17 vertices, the
// edge -163 -> 163 crossing the antimeridian). Densified along straight lon/lat edges, the
// geodesic polygon converges to the engine's ring.
TEST(LonLatRingTest, AntarcticaOfProjDocsMatchesGeographicLib) {
    const double lats[] = {-72.9, -71.9, -74.9, -74.3, -77.5, -77.4, -71.7, -65.9, -65.7,
                           -66.6, -66.9, -69.8, -70.0, -71.0, -77.3, -77.9, -74.7};
    const double lons[] = {-74, -102, -102, -131, -163, 163, 172, 140, 113,
                           88,  59,   25,   -4,   -14,  -33, -46, -61};
    const int n = 17;
    Ring r;
    for (int i = 0; i < n; ++i) r.push_back(Point{lons[i], lats[i]});
    r = closed(r);
    const LonLatRingShape s = lonlat_ring_shape(r);
    EXPECT_EQ(std::abs(s.turns), 1);
    EXPECT_EQ(enclosed_pole(unwrap_lonlat_ring(r), ell()), -90.0);

    const Ring u = unwrap_lonlat_ring(r);
    std::vector<double> dlat, dlon;
    const int per_edge = 4000;
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < per_edge; ++k) {
            const double t = static_cast<double>(k) / per_edge;
            dlon.push_back(u[i].x + t * (u[i + 1].x - u[i].x));
            dlat.push_back(u[i].y + t * (u[i + 1].y - u[i].y));
        }
    geod_geodesic g;
    geod_init(&g, kA, 1.0 / kInvF);
    double area = 0, perimeter = 0;
    geod_polygonarea(&g, dlat.data(), dlon.data(), static_cast<int>(dlat.size()), &area,
                     &perimeter);
    EXPECT_GT(std::fabs(area), 1.2e13);  // ~13 M km2, not the rest of the earth
    EXPECT_LT(rel(lonlat_ring_area(r, ell(), true), std::fabs(area)), 1e-7);
}

TEST(LonLatRingTest, RingAcrossTheAntimeridianEqualsItsSplitParts) {
    // The same quadrangle 175E..175W x 20S..10S, stored four ways.
    const Ring continuous = test::box_ring(175, -20, 185, -10);
    const Ring jumping = closed({{175, -20}, {-175, -20}, {-175, -10}, {175, -10}});
    const Ring west_start = closed({{-175, -20}, {-175, -10}, {175, -10}, {175, -20}});
    const LonLatRingShape s = lonlat_ring_shape(jumping);
    EXPECT_EQ(s.turns, 0);
    EXPECT_EQ(s.wrap_edges, 2u);
    const double whole = lonlat_ring_area(continuous, ell(), true);
    const double d = M_PI / 180;
    EXPECT_LT(rel(whole, ell().quad_area(-20 * d, -10 * d, 10 * d)), 1e-12);
    EXPECT_LT(rel(lonlat_ring_area(jumping, ell(), true), whole), 1e-12);
    EXPECT_LT(rel(lonlat_ring_area(west_start, ell(), true), whole), 1e-12);
    const double parts = lonlat_ring_area(test::box_ring(175, -20, 180, -10), ell(), true) +
                         lonlat_ring_area(test::box_ring(-180, -20, -175, -10), ell(), true);
    EXPECT_LT(rel(parts, whole), 1e-12);
    // A slanted ring: its parts split exactly at 180 (the cut points interpolated along the
    // straight lon/lat edges) add up to the whole.
    const Ring slanted = closed({{176, -21}, {-177, -18}, {-176, -9}, {178, -12}});
    auto at180 = [](Point a, Point b) {  // a.x < 180 < b.x (continuous longitudes)
        const double t = (180.0 - a.x) / (b.x - a.x);
        return a.y + t * (b.y - a.y);
    };
    const double y1 = at180({176, -21}, {183, -18}), y2 = at180({178, -12}, {184, -9});
    const Ring west = closed({{176, -21}, {180, y1}, {180, y2}, {178, -12}});
    const Ring east = closed({{-180, y1}, {-177, -18}, {-176, -9}, {-180, y2}});
    EXPECT_LT(rel(lonlat_ring_area(west, ell(), true) + lonlat_ring_area(east, ell(), true),
                  lonlat_ring_area(slanted, ell(), true)),
              1e-12);
}

TEST(LonLatRingTest, TopoJsonZeroLengthStepAcrossTheAntimeridian) {
    // world-atlas stores Fiji's Vanua Levu with a vertex at 180 followed by the same point at
    // -180: an edge of exactly 360 degrees that is a zero-length step.
    const Ring d3 = closed({{-180, -16.07},
                            {-179.8, -16.02},
                            {-179.9, -16.5},
                            {-180, -16.56},
                            {179.4, -16.8},
                            {178.7, -17.0},
                            {178.6, -16.6},
                            {180, -16.07}});
    const Ring cont = closed({{180, -16.07},
                              {180.2, -16.02},
                              {180.1, -16.5},
                              {180, -16.56},
                              {179.4, -16.8},
                              {178.7, -17.0},
                              {178.6, -16.6},
                              {180, -16.07}});
    const LonLatRingShape s = lonlat_ring_shape(d3);
    EXPECT_TRUE(s.problem.empty()) << s.problem;
    EXPECT_EQ(s.turns, 0);
    EXPECT_EQ(s.full_turn_edges, 1u);
    EXPECT_LT(rel(lonlat_ring_area(d3, ell(), true), lonlat_ring_area(cont, ell(), true)), 1e-12);
    EXPECT_LT(lonlat_ring_area(d3, ell(), true), 1.5e10);  // an island, not a band of the globe
}

TEST(LonLatRingTest, WholeWorldBoxIsTheWholeEllipsoid) {
    // Its polar edges span 360 degrees but have no length: taken literally.
    const Ring world = test::box_ring(-180, -90, 180, 90);
    EXPECT_TRUE(lonlat_ring_shape(world).plain());
    const double whole = 2.0 * cap_area(0.0, true);
    EXPECT_LT(rel(lonlat_ring_area(world, ell(), true), whole), 1e-12);
}

void expect_problem(const Ring& r, const std::string& text) {
    const LonLatRingShape s = lonlat_ring_shape(r);
    EXPECT_NE(s.problem.find(text), std::string::npos) << s.problem;
    try {
        lonlat_ring_area(r, ell(), true);
        ADD_FAILURE() << "no error for: " << text;
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
}

TEST(LonLatRingTest, RingsWithoutOneMeaningAreRefused) {
    // A band written with 360-degree edges: whole parallels, or steps that collapse it.
    expect_problem(test::box_ring(-180, -10, 180, 10), "collapses onto one meridian");
    // TopoJSON's Antarctica: a ring around the pole closed by an edge of exactly 360 degrees.
    Ring d3;
    for (double x = -180; x <= 180; x += 20) d3.push_back(Point{x, -70 + 5 * std::sin(x)});
    d3.back().y = d3.front().y;
    d3 = closed(d3);
    expect_problem(d3, "the two readings disagree");
    // An edge of 540 degrees is half a turn either way.
    expect_problem(closed({{-180, 0}, {360, 0}, {360, 10}, {-180, 10}}), "half a turn");
    // A ring that goes twice around the pole.
    Ring twice;
    for (int k = 0; k < 2; ++k)
        for (double x = -180; x < 180; x += 30) twice.push_back(Point{x, -60.0 - k});
    expect_problem(closed(twice), "wind 2 times");
}

TEST(LonLatRingTest, EquatorRingIsAmbiguous) {
    const Ring r = parallel_ring(0.0, -180.0, 10.0);
    try {
        lonlat_ring_area(r, ell(), true);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("same area"), std::string::npos) << e.what();
    }
}

TEST(LonLatRingTest, ClosingAroundThePoleGivesAPlainRing) {
    const Ring u = unwrap_lonlat_ring(parallel_ring(-65, -170, 10));
    const Ring c = close_around_pole(u, -90.0);
    EXPECT_TRUE(lonlat_ring_shape(c).plain());
    EXPECT_EQ(c.size(), u.size() + 3);  // its last vertex, two at the pole, the first again
    EXPECT_EQ(c[c.size() - 3], (Point{u.back().x, -90}));
    EXPECT_EQ(c[c.size() - 2], (Point{u.front().x, -90}));
    EXPECT_LT(rel(std::fabs(ell().ring_area_lonlat(c)), cap_area(-65, false)), 1e-9);
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

// A polygon around the south pole in the Antarctic polar stereographic plane (EPSG:3031): after
// inverse projection its ring sweeps 360 degrees of longitude; it measures the polar cap.
TEST(LonLatRingTest, PolarStereographicRingAroundThePoleIsTheCap) {
    Ring ll;
    for (int k = 0; k < 36000; ++k) ll.push_back(Point{-180.0 + 0.01 * k, -70.0});
    ll = closed(ll);
    Ring ring(ll);
    Transformer(test::wkt_of("EPSG:4326"), test::wkt_of("EPSG:3031")).transform(ring);
    MultiPolygon mp;
    mp.polygons.push_back(Polygon{{ring}});
    const PolygonAreaCalculator calc(test::crs_of("EPSG:3031"));
    EXPECT_EQ(calc.method(), "densified");
    EXPECT_LT(rel(calc.area_m2(mp), cap_area(-70, false)), 1e-7);
    // An annulus 60S..70S: both rings go round the pole in the plane.
    Ring outer;
    for (int k = 0; k < 36000; ++k) outer.push_back(Point{-180.0 + 0.01 * k, -60.0});
    outer = closed(outer);
    Transformer(test::wkt_of("EPSG:4326"), test::wkt_of("EPSG:3031")).transform(outer);
    MultiPolygon annulus;
    annulus.polygons.push_back(Polygon{{outer, ring}});
    EXPECT_LT(rel(calc.area_m2(annulus), cap_area(-60, false) - cap_area(-70, false)), 1e-7);
}

}  // namespace
}  // namespace redline
