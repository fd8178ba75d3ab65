// Mainland or island and the landward side from the mainland polygon (mainland_locator.hpp): the
// snap distance in geodesic metres, the side inside the polygon, the doubling probes, and the
// undecided case left to the caller's convention.
#include "redline/ops/shoreline/mainland_locator.hpp"

#include <geodesic.h>
#include <gtest/gtest.h>

#include "ops/shoreline/shoreline_fixtures.hpp"

namespace redline {
namespace {

using test::kY0;

MainlandPlace place_of(const LineString& line, const MultiPolygon& mainland, double snap_m,
                       const std::string& crs = test::kTm) {
    const LineMeasurer meas(test::wkt_of(crs), 100);
    const MeasuredLine ml = meas.measure(line);
    const double s = ml.length_m() / 2;
    const Point mid = ml.point_at(s);
    return MainlandLocator(mainland, snap_m).locate(ml, s, mid, meas.metric_at(mid));
}

// 90 m eastward at height y (metres from kY0), centred on x = x_mid.
LineString eastward(double y, double x_mid = 500000) {
    return {{x_mid - 45, kY0 + y}, {x_mid + 45, kY0 + y}};
}

const MultiPolygon kLand = test::box(499000, kY0, 501000, kY0 + 1000);  // south edge y = kY0

TEST(MainlandLocatorTest, LandwardSideIsTheSideInsideThePolygon) {
    // On the south edge: the land is north, left of an eastward line, right of a westward one.
    MainlandPlace p = place_of(eastward(0), kLand, 50);
    EXPECT_TRUE(p.mainland);
    EXPECT_EQ(p.land_side, Side::Left);
    LineString west = eastward(0);
    std::swap(west[0], west[1]);
    p = place_of(west, kLand, 50);
    EXPECT_TRUE(p.mainland);
    EXPECT_EQ(p.land_side, Side::Right);
    // 40 m inside, and 40 m outside: the probes start beyond the boundary distance.
    EXPECT_EQ(place_of(eastward(40), kLand, 50).land_side, Side::Left);
    EXPECT_EQ(place_of(eastward(-40), kLand, 50).land_side, Side::Left);
}

TEST(MainlandLocatorTest, PiecesBeyondTheSnapDistanceAreIslands) {
    EXPECT_TRUE(place_of(eastward(-40), kLand, 50).mainland);
    const MainlandPlace far = place_of(eastward(-60), kLand, 50);
    EXPECT_FALSE(far.mainland);
    EXPECT_FALSE(far.land_side.has_value());
    EXPECT_FALSE(place_of(eastward(-5000), kLand, 50).mainland);
    // snap 0: only a midpoint on the boundary.
    EXPECT_TRUE(place_of(eastward(0), kLand, 0).mainland);
    EXPECT_FALSE(place_of(eastward(-1), kLand, 0).mainland);
}

TEST(MainlandLocatorTest, SnapDistanceIsGeodesicInLonLat) {
    // A 10 km line north along 105E from 30N; the mainland's west edge 49.9 m (then 50.1 m) east
    // of the line's midpoint, along the geodesic due east.
    geod_geodesic g;
    geod_init(&g, 6378137.0, 1.0 / 298.257222101);
    double lat_end = 0, lon_end = 0, lat_mid = 0, lon_mid = 0;
    geod_direct(&g, 30.0, 105.0, 0.0, 10000.0, &lat_end, &lon_end, nullptr);
    geod_direct(&g, 30.0, 105.0, 0.0, 5000.0, &lat_mid, &lon_mid, nullptr);
    const LineString line{{105.0, 30.0}, {lon_end, lat_end}};
    for (const double d : {49.9, 50.1}) {
        double lat_e = 0, lon_e = 0;
        geod_direct(&g, lat_mid, lon_mid, 90.0, d, &lat_e, &lon_e, nullptr);
        const MainlandPlace p =
            place_of(line, test::box(lon_e, 29.9, 105.5, 30.5), 50, "EPSG:4490");
        EXPECT_EQ(p.mainland, d < 50) << d;
        if (p.mainland) {
            EXPECT_EQ(p.land_side, Side::Right);  // the land is east of a line running north
        }
    }
}

TEST(MainlandLocatorTest, ProbesDoubleUntilExactlyOneIsInside) {
    // Midpoint 5 m west of the east edge (x = 501000), 20 m north of the south edge: the probes
    // at 5 + 1, 2, 4, 8 m are inside on both sides; at 5 + 16 = 21 m the south one is outside.
    EXPECT_EQ(place_of(eastward(20, 500995), kLand, 50).land_side, Side::Left);
    // 300 m north of the south edge: every probe (up to 5 + 64 m) is inside on both sides.
    const MainlandPlace deep = place_of(eastward(300, 500995), kLand, 50);
    EXPECT_TRUE(deep.mainland);
    EXPECT_FALSE(deep.land_side.has_value());
}

TEST(MainlandLocatorTest, PolygonThinnerThanTheProbesLeavesTheSideUndecided) {
    // A 4 m wide mainland sliver around the line: every probe (2 + 1 m and beyond) is outside.
    const MainlandPlace p = place_of(eastward(0), test::box(499900, kY0 - 2, 500100, kY0 + 2), 50);
    EXPECT_TRUE(p.mainland);
    EXPECT_FALSE(p.land_side.has_value());
}

}  // namespace
}  // namespace redline
