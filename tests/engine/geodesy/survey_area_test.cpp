// The land survey's area convention (docs/survey-area.md): the trapezoid sum against the closed
// form of a geodetic quadrangle, through a Gauss-Krüger projection, and against the geodesic
// convention within the bound of the edge-shape difference.
#include "redline/geodesy/survey_area.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/geodesy/ellipsoid.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/geodesy/transformer.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

// Closed form of the zone area between two parallels per radian of longitude times dlambda on
// GRS80 (long double): A = b^2 dlambda / 2 [F(phi2) - F(phi1)],
// F(phi) = sin phi / (1 - e2 sin^2 phi) + 1/(2e) ln((1 + e sin phi) / (1 - e sin phi)).
long double quadrangle_closed_form(long double lat1, long double lat2, long double dlon) {
    const long double a = 6378137.0L, f = 1.0L / 298.257222101L;
    const long double b = a * (1 - f), e2 = f * (2 - f), e = std::sqrt(e2);
    const long double rad = std::numbers::pi_v<long double> / 180;
    auto F = [&](long double phi) {
        const long double s = std::sin(phi * rad);
        return s / (1 - e2 * s * s) + std::log((1 + e * s) / (1 - e * s)) / (2 * e);
    };
    return b * b * dlon * rad / 2 * (F(lat2) - F(lat1));
}

Ring lonlat_box(double lon0, double lat0, double lon1, double lat1) {
    return Ring{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}};
}

TEST(SurveyAreaTest, OneDegreeQuadrangleEqualsClosedForm) {
    const Ellipsoid& e = Ellipsoid::cgcs2000();
    const double want = static_cast<double>(quadrangle_closed_form(30, 31, 1));
    // Hand value: 10,642,393,438.71 m2 (docs/geodesy.md's 1-degree cell at 30N).
    EXPECT_NEAR(want, 10642393438.71, 0.01);
    EXPECT_NEAR(survey_ring_area(lonlat_box(117, 30, 118, 31), e), want, want * 1e-13);
    // Clockwise: negative; far from Greenwich and the equator: same precision.
    Ring cw = lonlat_box(117, 30, 118, 31);
    std::reverse(cw.begin(), cw.end());
    EXPECT_NEAR(survey_ring_area(cw, e), -want, want * 1e-13);
    const double south = static_cast<double>(quadrangle_closed_form(-45, -44, 1));
    EXPECT_NEAR(survey_ring_area(lonlat_box(-70, -45, -69, -44), e), south, south * 1e-13);
}

TEST(SurveyAreaTest, SmallQuadrangleKeepsFullPrecision) {
    // 1" x 1" (about 31 m x 27 m) at 40N, 116E.
    const double d = 1.0 / 3600;
    const long double want = quadrangle_closed_form(40, 40 + d, d);
    const double got =
        survey_ring_area(lonlat_box(116, 40, 116 + d, 40 + d), Ellipsoid::cgcs2000());
    EXPECT_NEAR(got, static_cast<double>(want), static_cast<double>(want) * 1e-10);
}

TEST(SurveyAreaTest, GaussKrugerQuadrangleThroughInverseProjection) {
    // The quadrangle 117-118E, 30-31N projected into CGCS2000 3-degree GK zone 39 (with the
    // zone prefix): its four plane vertices, inverse-projected, are the corners again, so the
    // survey area is the closed form (inverse projection good to ~1e-10 degree).
    const Crs gk = test::crs_of("EPSG:4527");
    ASSERT_TRUE(is_gauss_kruger(gk));
    EXPECT_EQ(default_area_convention(gk), AreaConvention::Survey);
    EXPECT_EQ(default_area_convention(test::crs_of("EPSG:4490")), AreaConvention::Geodesic);
    EXPECT_EQ(default_area_convention(test::crs_of("EPSG:32650")), AreaConvention::Geodesic);
    Ring r = lonlat_box(117, 30, 118, 31);
    Transformer(test::wkt_of("EPSG:4490"), gk.wkt).transform(r);
    MultiPolygon mp;
    mp.polygons.push_back(Polygon{{r}});
    const PolygonAreaCalculator survey(gk, 100.0, AreaConvention::Survey);
    EXPECT_EQ(survey.method(), "survey");
    EXPECT_EQ(survey.convention(), AreaConvention::Survey);
    const double want = static_cast<double>(quadrangle_closed_form(30, 31, 1));
    EXPECT_NEAR(survey.area_m2(mp), want, want * 1e-9);
    // The geodesic convention measures the plane-straight edges instead: a 111 km edge bows
    // away from the meridian/parallel, a visible difference (here ~1e-4 relative).
    const PolygonAreaCalculator geodesic(gk, 100.0);
    EXPECT_GT(std::fabs(geodesic.area_m2(mp) - want), want * 1e-6);
}

TEST(SurveyAreaTest, AgreesWithGeodesicWithinEdgeShapeBound) {
    // docs/survey-area.md#survey-and-geodesic: the two conventions differ only by the area
    // between each edge's two readings: straight in the GK plane, and straight in the
    // cylindrical equal-area map (lambda, q) of the trapezoid formula. In the GK plane the
    // second bends with curvature at most kappa = (2 |tan phi| + |x| / R) / R, so the lens of an
    // edge of length L has area at most kappa L^3 / 12.
    const Crs gk = test::crs_of("EPSG:4527");
    const PolygonAreaCalculator survey(gk, 100.0, AreaConvention::Survey);
    const PolygonAreaCalculator geodesic(gk, 1.0);  // densified to 1 m: the plane edges
    const double R = 6371000.0;
    Transformer to_gk(test::wkt_of("EPSG:4490"), gk.wkt);
    for (double lat : {20.0, 35.0, 50.0}) {
        for (double dlon : {0.0, 1.4}) {  // on the central meridian, and near the zone edge
            double previous = 0;
            for (double side : {30.0, 300.0, 3000.0}) {
                Ring c{{117 + dlon, lat}};
                to_gk.transform(c);
                const double x0 = c[0].x, y0 = c[0].y;
                // A tilted quadrilateral (no edge along a grid line).
                Ring r{{x0, y0},
                       {x0 + side, y0 + 0.2 * side},
                       {x0 + 0.9 * side, y0 + 1.1 * side},
                       {x0 - 0.1 * side, y0 + 0.8 * side},
                       {x0, y0}};
                MultiPolygon mp;
                mp.polygons.push_back(Polygon{{r}});
                const double s = survey.area_m2(mp), g = geodesic.area_m2(mp);
                const double xoff = std::fabs(x0 - 39500000.0);
                const double kappa =
                    (2 * std::fabs(std::tan(lat * std::numbers::pi / 180)) + xoff / R) / R;
                double bound = 0;
                for (std::size_t i = 0; i + 1 < r.size(); ++i) {
                    const double L = std::hypot(r[i + 1].x - r[i].x, r[i + 1].y - r[i].y);
                    bound += kappa * L * L * L / 12;
                }
                // An edge-shape difference grows as L^3: ten times the side, a thousand times.
                if (side > 30.0) {
                    EXPECT_NEAR(std::fabs(s - g) / previous, 1000.0, 10.0);
                }
                previous = std::fabs(s - g);
                EXPECT_LE(std::fabs(s - g), bound) << "lat " << lat << " dlon " << dlon << " side "
                                                   << side << ": survey " << s << " geodesic " << g;
                // Sanity: both are the plane area to the GK scale (< 1e-3 here).
                EXPECT_NEAR(s / g, 1.0, 1e-6 + bound / g);
            }
        }
    }
}

TEST(SurveyAreaTest, RecognisesEsriGaussKrugerNames) {
    // The .prj ArcGIS writes for the survey's layers (zone 39 with prefix, and a CM variant).
    const std::string esri =
        "PROJCS[\"CGCS2000_3_Degree_GK_Zone_39\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_"
        "2000\",DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],"
        "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Gauss_"
        "Kruger\"],PARAMETER[\"False_Easting\",39500000.0],PARAMETER[\"False_Northing\",0.0],"
        "PARAMETER[\"Central_Meridian\",117.0],PARAMETER[\"Scale_Factor\",1.0],PARAMETER["
        "\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";
    const Crs gk = test::crs_of(esri);
    EXPECT_TRUE(is_gauss_kruger(gk)) << gk.name << " / " << gk.method;
    std::string cm = esri;
    cm.replace(cm.find("GK_Zone_39"), 10, "GK_CM_117E");
    EXPECT_TRUE(is_gauss_kruger(test::crs_of(cm)));
    EXPECT_TRUE(is_gauss_kruger(test::crs_of("EPSG:4548")));    // CM 117E, no prefix
    EXPECT_TRUE(is_gauss_kruger(test::crs_of("EPSG:4491")));    // 6-degree zone 13
    EXPECT_FALSE(is_gauss_kruger(test::crs_of("EPSG:32650")));  // UTM
    EXPECT_FALSE(is_gauss_kruger(test::crs_of("EPSG:4490")));
    EXPECT_FALSE(is_gauss_kruger(test::crs_of("EPSG:3857")));
}

TEST(SurveyAreaTest, ParsesConventionNames) {
    EXPECT_EQ(parse_area_convention("survey"), AreaConvention::Survey);
    EXPECT_EQ(parse_area_convention("geodesic"), AreaConvention::Geodesic);
    EXPECT_STREQ(area_convention_name(AreaConvention::Survey), "survey");
    try {
        parse_area_convention("plane");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(render_for_cli(e.what()),
                  "--area-convention must be 'geodesic' or 'survey', got 'plane'");
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    }
}

}  // namespace
}  // namespace redline
