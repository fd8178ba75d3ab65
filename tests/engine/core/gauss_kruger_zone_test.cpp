// Gauss-Krüger zone-prefix recognition: hand-made extents, and the EPSG codes it names checked
// against the EPSG definitions (GDAL/PROJ's database): false easting n x 1e6 + 500000 and the
// zone's central meridian.
#include "redline/core/gauss_kruger_zone.hpp"

#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include "redline/core/option_name.hpp"

namespace redline {
namespace {

Box box(double x0, double y0, double x1, double y1) {
    Box b;
    b.expand(Point{x0, y0});
    b.expand(Point{x1, y1});
    return b;
}

TEST(GaussKrugerZoneTest, RecognisesThreeDegreeZonePrefix) {
    const auto z = gauss_kruger_zone_of(box(40480000, 3300000, 40520000, 3340000));
    ASSERT_TRUE(z);
    EXPECT_EQ(z->zone, 40);
    EXPECT_EQ(z->width_deg, 3);
    EXPECT_EQ(z->epsg, 4528);
    EXPECT_EQ(gauss_kruger_zone_of(box(25200000, 4000000, 25300000, 4100000))->epsg, 4513);
    EXPECT_EQ(gauss_kruger_zone_of(box(45500000, 5000000, 45600000, 5100000))->epsg, 4533);
}

TEST(GaussKrugerZoneTest, RecognisesSixDegreeZonePrefix) {
    const auto z = gauss_kruger_zone_of(box(20400000, 3000000, 20600000, 3100000));
    ASSERT_TRUE(z);
    EXPECT_EQ(z->zone, 20);
    EXPECT_EQ(z->width_deg, 6);
    EXPECT_EQ(z->epsg, 4498);
}

TEST(GaussKrugerZoneTest, RejectsWhatIsNotAPrefixedEasting) {
    EXPECT_FALSE(gauss_kruger_zone_of(Box{}));                                      // empty
    EXPECT_FALSE(gauss_kruger_zone_of(box(480000, 3300000, 520000, 3340000)));      // no prefix
    EXPECT_FALSE(gauss_kruger_zone_of(box(105, 30, 106, 31)));                      // lon/lat
    EXPECT_FALSE(gauss_kruger_zone_of(box(24500000, 3300000, 24600000, 3400000)));  // zone 24
    EXPECT_FALSE(gauss_kruger_zone_of(box(46500000, 3300000, 46600000, 3400000)));  // zone 46
    EXPECT_FALSE(gauss_kruger_zone_of(box(12500000, 3300000, 12600000, 3400000)));  // zone 12
    // Two prefixes, or eastings too far from the central meridian for a zone.
    EXPECT_FALSE(gauss_kruger_zone_of(box(40900000, 3300000, 41100000, 3340000)));
    EXPECT_FALSE(gauss_kruger_zone_of(box(40100000, 3300000, 40200000, 3340000)));
    EXPECT_FALSE(gauss_kruger_zone_of(box(40800000, 3300000, 40900000, 3340000)));
    // Northings outside China's (south of the equator, beyond 54 degrees N).
    EXPECT_FALSE(gauss_kruger_zone_of(box(40480000, -1000, 40520000, 3340000)));
    EXPECT_FALSE(gauss_kruger_zone_of(box(40480000, 5900000, 40520000, 6100000)));
    // 9 digits.
    EXPECT_FALSE(gauss_kruger_zone_of(box(400480000, 3300000, 400520000, 3340000)));
}

TEST(GaussKrugerZoneTest, NamedCodesAreTheEpsgZoneCrss) {
    for (int n = 25; n <= 45; ++n) {
        const double x = n * 1e6 + 500000;
        const auto z = gauss_kruger_zone_of(box(x - 1000, 3e6, x + 1000, 3.1e6));
        ASSERT_TRUE(z) << n;
        OGRSpatialReference s;
        ASSERT_EQ(s.importFromEPSG(z->epsg), OGRERR_NONE) << z->epsg;
        EXPECT_DOUBLE_EQ(s.GetProjParm(SRS_PP_FALSE_EASTING), x) << z->epsg;
        EXPECT_DOUBLE_EQ(s.GetProjParm(SRS_PP_CENTRAL_MERIDIAN), 3.0 * n) << z->epsg;
        EXPECT_NE(std::string(s.GetName())
                      .find("CGCS2000 / 3-degree Gauss-Kruger zone " + std::to_string(n)),
                  std::string::npos)
            << s.GetName();
    }
    for (int n = 13; n <= 23; ++n) {
        const double x = n * 1e6 + 500000;
        const auto z = gauss_kruger_zone_of(box(x - 1000, 3e6, x + 1000, 3.1e6));
        ASSERT_TRUE(z) << n;
        OGRSpatialReference s;
        ASSERT_EQ(s.importFromEPSG(z->epsg), OGRERR_NONE) << z->epsg;
        EXPECT_DOUBLE_EQ(s.GetProjParm(SRS_PP_FALSE_EASTING), x) << z->epsg;
        EXPECT_DOUBLE_EQ(s.GetProjParm(SRS_PP_CENTRAL_MERIDIAN), 6.0 * n - 3.0) << z->epsg;
        EXPECT_NE(
            std::string(s.GetName()).find("CGCS2000 / Gauss-Kruger zone " + std::to_string(n)),
            std::string::npos)
            << s.GetName();
    }
}

TEST(GaussKrugerZoneTest, HintNamesTheCodeAndTheOption) {
    const Box b = box(40480000, 3300000, 40520000, 3340000);
    EXPECT_EQ(render_for_cli(gauss_kruger_hint(b, "layer_crs")),
              "its coordinates look like CGCS2000 3-degree Gauss-Krüger zone 40, EPSG:4528 (the "
              "eastings start with the zone number); pass --layer-crs EPSG:4528 if so");
    EXPECT_NE(gauss_kruger_hint(b, "").find("declare EPSG:4528 in the file if so"),
              std::string::npos);
    EXPECT_EQ(gauss_kruger_hint(box(105, 30, 106, 31), "layer_crs"), "");
}

}  // namespace
}  // namespace redline
