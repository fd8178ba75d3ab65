// The Crs value as the engine builds it where a dataset is read (make_crs with io's label):
// kind, axis unit, ellipsoid and label checked against the EPSG registry's definitions (EPSG
// dataset: ellipsoid parameters, unit conversion factors, projection methods), and its binary
// form round-tripped.
#include "redline/geodesy/crs_description.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "redline/core/error.hpp"
#include "redline/io/crs.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

constexpr double kPi = std::numbers::pi;

TEST(CrsTest, GeographicCgcs2000) {
    const Crs c = test::crs_of("EPSG:4490");
    EXPECT_EQ(c.kind, CrsKind::Geographic);
    EXPECT_TRUE(c.geographic());
    EXPECT_STREQ(c.kind_name(), "geographic");
    EXPECT_EQ(c.label, "EPSG:4490");
    EXPECT_EQ(c.name, "China Geodetic Coordinate System 2000");
    EXPECT_EQ(c.ellipsoid_name, "CGCS2000");
    EXPECT_EQ(c.semi_major_m, 6378137.0);  // EPSG ellipsoid 1024
    EXPECT_NEAR(c.inverse_flattening, 298.257222101, 1e-9);
    EXPECT_TRUE(c.on_grs80_or_wgs84());
    EXPECT_NEAR(c.unit_to_radian, kPi / 180.0, 1e-15);  // degree
    EXPECT_EQ(c.lonlat_period(), 360.0);
    EXPECT_FALSE(c.empty());
    EXPECT_NE(c.wkt.find("GEOGCRS"), std::string::npos);
}

TEST(CrsTest, GeographicInGradsOnClarke) {
    // NTF (Paris): Clarke 1880 (IGN) a = 6378249.2 m, b = 6356515 m; axes in grads.
    const Crs c = test::crs_of("EPSG:4807");
    EXPECT_EQ(c.kind, CrsKind::Geographic);
    EXPECT_EQ(c.ellipsoid_name, "Clarke 1880 (IGN)");
    EXPECT_EQ(c.semi_major_m, 6378249.2);
    EXPECT_NEAR(c.inverse_flattening, 6378249.2 / (6378249.2 - 6356515.0), 1e-9);
    EXPECT_FALSE(c.on_grs80_or_wgs84());
    EXPECT_NEAR(c.unit_to_radian, kPi / 200.0, 1e-15);  // grad
    EXPECT_NEAR(c.lonlat_period(), 400.0, 1e-9);        // one turn in grads
}

TEST(CrsTest, ProjectedTransverseMercator) {
    const Crs c = test::crs_of("EPSG:4523");
    EXPECT_EQ(c.kind, CrsKind::Projected);
    EXPECT_STREQ(c.kind_name(), "projected");
    EXPECT_EQ(c.label, "EPSG:4523");
    EXPECT_EQ(c.name, "CGCS2000 / 3-degree Gauss-Kruger zone 35");
    EXPECT_EQ(c.method, "Transverse Mercator");
    EXPECT_FALSE(c.equal_area_method);
    EXPECT_EQ(c.unit_to_metre, 1.0);
    EXPECT_EQ(c.lonlat_period(), 0.0);
}

TEST(CrsTest, ProjectedEqualAreaFromProjString) {
    const Crs c = test::crs_of(test::kAlbers);
    EXPECT_EQ(c.kind, CrsKind::Projected);
    EXPECT_TRUE(c.equal_area_method);
    EXPECT_STREQ(c.kind_name(), "projected equal-area");
    EXPECT_EQ(c.method, "Albers Equal Area");
    EXPECT_EQ(c.ellipsoid_name, "GRS 1980");
    EXPECT_TRUE(c.on_grs80_or_wgs84());
    // No authority code and no name: the label is the PROJ string, quoted.
    EXPECT_EQ(c.label.front(), '\'');
    EXPECT_EQ(c.label.back(), '\'');
    EXPECT_NE(c.label.find("+proj=aea"), std::string::npos);
    EXPECT_NE(c.label.find("+lat_1=25 +lat_2=47"), std::string::npos);
    // Cylindrical equal-area (EASE-Grid 2.0) is one of the equal-area methods too.
    EXPECT_TRUE(test::crs_of("EPSG:6933").equal_area_method);
}

TEST(CrsTest, ProjectedInUsSurveyFeet) {
    const Crs c = test::crs_of("EPSG:2249");  // NAD83 / Massachusetts Mainland (ftUS)
    EXPECT_EQ(c.kind, CrsKind::Projected);
    EXPECT_EQ(c.method, "Lambert Conic Conformal (2SP)");
    EXPECT_NEAR(c.unit_to_metre, 1200.0 / 3937.0, 1e-15);  // US survey foot
}

TEST(CrsTest, OtherEllipsoidIsNamed) {
    const Crs c = test::crs_of("EPSG:4214");  // Beijing 1954
    EXPECT_EQ(c.ellipsoid_name, "Krassowsky 1940");
    EXPECT_EQ(c.semi_major_m, 6378245.0);
    EXPECT_NEAR(c.inverse_flattening, 298.3, 1e-12);
    EXPECT_FALSE(c.on_grs80_or_wgs84());
}

TEST(CrsTest, GeocentricIsOther) {
    const Crs c = test::crs_of("EPSG:4978");
    EXPECT_EQ(c.kind, CrsKind::Other);
    EXPECT_STREQ(c.kind_name(), "other");
    EXPECT_EQ(c.lonlat_period(), 0.0);
}

TEST(CrsTest, NoCrs) {
    const Crs c = make_crs("", crs_label_of(""));
    EXPECT_TRUE(c.empty());
    EXPECT_EQ(c.kind, CrsKind::None);
    EXPECT_STREQ(c.kind_name(), "none");
    EXPECT_EQ(c.label, "no CRS");
    EXPECT_EQ(c.lonlat_period(), 0.0);
    const Crs d;  // the default is the same value
    EXPECT_EQ(d.label, c.label);
    EXPECT_EQ(d.kind, c.kind);
}

TEST(CrsTest, LabelIsTheNameWithoutAnAuthority) {
    // EPSG:4523 without its identifier: the label is its name, quoted.
    std::string wkt = test::wkt_of("EPSG:4523");
    const std::string id = ",ID[\"EPSG\",4523]]";
    const auto at = wkt.rfind(id);
    ASSERT_NE(at, std::string::npos);
    wkt.replace(at, id.size(), "]");
    const Crs c = make_crs(wkt, crs_label_of(wkt));
    EXPECT_EQ(c.label, "'CGCS2000 / 3-degree Gauss-Kruger zone 35'");
    EXPECT_EQ(c.kind, CrsKind::Projected);
}

TEST(CrsTest, UnreadableWktIsInvalidInput) {
    try {
        make_crs("GEOGCRS[nonsense", "x");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        EXPECT_NE(std::string(e.what()).find("PROJ cannot read the CRS definition"),
                  std::string::npos);
    }
}

TEST(CrsTest, BinaryRoundTrip) {
    for (const char* user : {"EPSG:4490", "EPSG:2249", "EPSG:4807", "EPSG:4978"}) {
        const Crs c = test::crs_of(user);
        BinaryWriter w;
        c.write(w);
        const std::string bytes = w.take();
        BinaryReader r(bytes);
        const Crs d = Crs::read(r);
        EXPECT_TRUE(r.done());
        EXPECT_EQ(d.wkt, c.wkt);
        EXPECT_EQ(d.label, c.label);
        EXPECT_EQ(d.kind, c.kind);
        EXPECT_EQ(d.name, c.name);
        EXPECT_EQ(d.ellipsoid_name, c.ellipsoid_name);
        EXPECT_EQ(d.semi_major_m, c.semi_major_m);
        EXPECT_EQ(d.inverse_flattening, c.inverse_flattening);
        EXPECT_EQ(d.method, c.method);
        EXPECT_EQ(d.equal_area_method, c.equal_area_method);
        EXPECT_EQ(d.unit_to_metre, c.unit_to_metre);
        EXPECT_EQ(d.unit_to_radian, c.unit_to_radian);
    }
    // A kind out of range is corrupt data, not a value.
    BinaryWriter w;
    w.str("");
    w.str("no CRS");
    w.u64(17);
    const std::string bytes = w.take();
    BinaryReader r(bytes);
    EXPECT_THROW(Crs::read(r), Error);
}

}  // namespace
}  // namespace redline
