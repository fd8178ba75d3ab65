// Preparing lon/lat layers for planar work: rings across the antimeridian unwrapped, rings around
// a pole closed along it (or refused before a reprojection), holes moved next to their exterior,
// and the messages that name the layer, the feature and the fix.
#include "redline/layers/lonlat_rings.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "redline/core/error.hpp"
#include "redline/geodesy/ellipsoid.hpp"
#include "redline/geom/validity.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

Ring closed(Ring r) {
    r.push_back(r.front());
    return r;
}

// Along parallel `lat` every 10 degrees, longitudes reduced into [-180, 180).
Ring around(double lat) {
    Ring r;
    for (double x = -170; x < 180; x += 10) r.push_back(Point{x, lat});
    return closed(r);
}

LonLatRingOptions options() {
    LonLatRingOptions o;
    o.layer_text = "layer 'land' in 'world.gpkg'";
    return o;
}

std::string error_of(std::vector<MultiPolygon> g, const LonLatRingOptions& o) {
    LonLatRingReport rep;
    try {
        prepare_lonlat_rings(g, {"antarctica"}, o, rep);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        return e.what();
    }
    return "";
}

TEST(LonLatRingsTest, PlainLayersAreLeftAlone) {
    std::vector<MultiPolygon> g{test::box(105, 30, 106, 31), test::box(178, -17, 181, -16)};
    const auto before = g;
    LonLatRingReport rep;
    prepare_lonlat_rings(g, {"a", "b"}, options(), rep);
    EXPECT_EQ(g[0].polygons[0].rings, before[0].polygons[0].rings);
    EXPECT_EQ(g[1].polygons[0].rings, before[1].polygons[0].rings);
    EXPECT_TRUE(rep.warnings.empty());
    // Only the polygon beyond 180 is split.
    split_lonlat_layer(g, options(), rep);
    EXPECT_EQ(rep.split, 1u);
    EXPECT_EQ(g[0].polygons[0].rings, before[0].polygons[0].rings);
    EXPECT_EQ(g[1].polygons.size(), 2u);
}

TEST(LonLatRingsTest, PoleRingIsClosedAlongItsPoleAndHolesFollow) {
    MultiPolygon mp;
    // A hole stored in another window than the unwrapped exterior: 15..20E as 375..380.
    mp.polygons.push_back(Polygon{{around(-70), test::box_ring(375, -80, 380, -75)}});
    std::vector<MultiPolygon> g{mp};
    LonLatRingReport rep;
    prepare_lonlat_rings(g, {"antarctica"}, options(), rep);
    EXPECT_EQ(rep.pole_closed, 1u);
    ASSERT_EQ(rep.warnings.size(), 1u);
    EXPECT_NE(rep.warnings[0].find("'antarctica' (south pole)"), std::string::npos)
        << rep.warnings[0];
    const Ring& ext = g[0].polygons[0].rings[0];
    EXPECT_EQ(ext[ext.size() - 2].y, -90.0);
    Box eb, hb;
    for (const auto& p : ext) eb.expand(p);
    for (const auto& p : g[0].polygons[0].rings[1]) hb.expand(p);
    EXPECT_EQ(eb.xmax - eb.xmin, 360.0);
    EXPECT_GE(hb.xmin, eb.xmin);
    EXPECT_LE(hb.xmax, eb.xmax);
    // Cut into the window, its area is the cap beyond 70S minus the hole.
    split_lonlat_layer(g, options(), rep);
    const Box b = g[0].bounds();
    EXPECT_EQ(b.xmin, -180.0);
    EXPECT_EQ(b.xmax, 180.0);
    const Ellipsoid& e = Ellipsoid::cgcs2000();
    const double d = M_PI / 180;
    const double cap = 0.5 * e.a() * e.a() * 2 * M_PI * (e.q(-70 * d) - e.q(-90 * d));
    const double expected = cap - e.quad_area(-80 * d, -75 * d, 5 * d);
    EXPECT_LT(std::fabs(e.area_lonlat(g[0]) / expected - 1), 1e-9);
}

TEST(LonLatRingsTest, PoleRingClosedFromItsSouthernmostVertexStaysValid) {
    // The ring starts at (-170, -60), first runs west and south of its start, then east along
    // 66S: a seam from the first vertex down to the pole would cross the coast at (-170, -66).
    Ring r{{-170, -60}, {-172, -62}, {-171, -66}};
    for (double x = -160; x < 180; x += 10) r.push_back(Point{x, -66});
    for (double x = -180; x <= -175; x += 5) r.push_back(Point{x, -66});
    r.push_back(Point{-174, -61});  // 186E, back up north-west of the start
    r = closed(r);
    std::vector<MultiPolygon> g{MultiPolygon{{Polygon{{r}}}}};
    LonLatRingReport rep;
    prepare_lonlat_rings(g, {"wiggle"}, options(), rep);
    EXPECT_EQ(rep.pole_closed, 1u);
    EXPECT_TRUE(check_validity(g, 1).empty());
    split_lonlat_layer(g, options(), rep);
    const auto issues = check_validity(g, 1);
    EXPECT_TRUE(issues.empty()) << describe_issues(issues, {"wiggle"});
    // The seam between the two pieces is inside the polygon: they are merged back along it.
    EXPECT_EQ(g[0].polygons.size(), 1u);
}

TEST(LonLatRingsTest, PoleRingBeforeAReprojectionIsRefused) {
    LonLatRingOptions o = options();
    o.pole_rings = PoleRings::Refuse;
    o.refuse_reason = "such a region cannot be transformed into EPSG:3857 edge by edge";
    const std::string msg = error_of({MultiPolygon{{Polygon{{around(-70)}}}}}, o);
    for (const char* part :
         {"feature 'antarctica' of layer 'land' in 'world.gpkg'", "the exterior ring",
          "winds once around the polar axis", "containing the south pole",
          "cannot be transformed into EPSG:3857", "Fix:"})
        EXPECT_NE(msg.find(part), std::string::npos) << part << "\n" << msg;
}

TEST(LonLatRingsTest, AmbiguousRingsAndPoleHolesAreRefusedWithTheFix) {
    std::string msg = error_of({test::box(-180, -10, 180, 10)}, options());
    for (const char* part :
         {"feature 'antarctica' of layer 'land' in 'world.gpkg': the exterior ring of its "
          "polygon 1 has no single meaning on the globe",
          "spans exactly 360 degrees", "Fix: split the ring at the antimeridian",
          "docs/geodesy-rings.md"})
        EXPECT_NE(msg.find(part), std::string::npos) << part << "\n" << msg;
    msg = error_of({MultiPolygon{{Polygon{{around(-60), around(-70)}}}}}, options());
    EXPECT_NE(msg.find("hole 1 of its polygon 1 winds once around the polar axis"),
              std::string::npos)
        << msg;
}

}  // namespace
}  // namespace redline
