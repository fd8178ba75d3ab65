// PolygonLayer: the metadata each command family prints, and the binary form jobs travel in
// (every field back, every coordinate bit for bit; corrupt bytes refused).
#include "redline/layers/polygon_layer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "redline/core/error.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

PolygonLayer sample() {
    PolygonLayer l;
    l.label = "redline";
    l.path = "plan.gpkg";
    l.crs = test::crs_of(test::kAlbers);
    l.source_crs_label = "EPSG:4490";
    l.ids = {"a", "b", ""};
    l.groups = {"g1", "g2", "g1"};
    l.geoms = {
        test::box(0.1, 0.2, 1.0 / 3.0, 2.0 / 7.0),
        test::polygon({{{0, 0}, {10, 0}, {10, 10}, {0, 10}}, {{2, 2}, {2, 3}, {3, 3}, {3, 2}}}),
        MultiPolygon{}};
    // Coordinates that a text form would not keep exactly.
    l.geoms[0].polygons[0].rings[0][1].x = std::nextafter(1.0, 2.0);
    l.geoms[0].polygons[0].rings[0][2].y = -0.0;
    l.features = 5;
    l.repaired = 2;
    l.reprojected = true;
    l.warnings = {"first", "second, with ünïcode"};
    return l;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(PolygonLayerTest, SerializeRoundTripKeepsEveryField) {
    const PolygonLayer a = sample();
    const PolygonLayer b = PolygonLayer::deserialize(a.serialize());
    EXPECT_EQ(b.label, a.label);
    EXPECT_EQ(b.path, a.path);
    EXPECT_EQ(b.crs.wkt, a.crs.wkt);
    EXPECT_EQ(b.crs.label, a.crs.label);
    EXPECT_EQ(b.crs.kind, CrsKind::Projected);
    EXPECT_TRUE(b.crs.equal_area_method);
    EXPECT_EQ(b.crs.method, a.crs.method);
    EXPECT_EQ(b.source_crs_label, a.source_crs_label);
    EXPECT_EQ(b.ids, a.ids);
    EXPECT_EQ(b.groups, a.groups);
    EXPECT_EQ(b.features, 5u);
    EXPECT_EQ(b.repaired, 2u);
    EXPECT_TRUE(b.reprojected);
    EXPECT_EQ(b.warnings, a.warnings);
    ASSERT_EQ(b.geoms.size(), a.geoms.size());
    for (std::size_t g = 0; g < a.geoms.size(); ++g) {
        ASSERT_EQ(b.geoms[g].polygons.size(), a.geoms[g].polygons.size());
        for (std::size_t p = 0; p < a.geoms[g].polygons.size(); ++p) {
            const auto& ra = a.geoms[g].polygons[p].rings;
            const auto& rb = b.geoms[g].polygons[p].rings;
            ASSERT_EQ(rb.size(), ra.size());
            for (std::size_t r = 0; r < ra.size(); ++r) {
                ASSERT_EQ(rb[r].size(), ra[r].size());
                for (std::size_t v = 0; v < ra[r].size(); ++v) {
                    EXPECT_TRUE(same_bits(rb[r][v].x, ra[r][v].x));
                    EXPECT_TRUE(same_bits(rb[r][v].y, ra[r][v].y));
                }
            }
        }
    }
    // The form is canonical: the copy serializes to the same bytes.
    EXPECT_EQ(b.serialize(), a.serialize());
}

TEST(PolygonLayerTest, CorruptBytesAreRefused) {
    const std::string bytes = sample().serialize();
    for (std::size_t cut : {std::size_t{0}, std::size_t{10}, bytes.size() / 2, bytes.size() - 1})
        EXPECT_THROW(PolygonLayer::deserialize(bytes.substr(0, cut)), Error) << cut;
    EXPECT_THROW(PolygonLayer::deserialize(bytes + "x"), Error);
    std::string other = bytes;
    other[10] = 'X';  // inside the magic
    try {
        PolygonLayer::deserialize(other);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    }
}

TEST(PolygonLayerTest, DescribeInEachRole) {
    PolygonLayer l = sample();
    const nlohmann::json z = l.describe(LayerRole::Zones);
    EXPECT_EQ(z.size(), 7u);
    EXPECT_EQ(z["layer"], "redline");
    EXPECT_EQ(z["path"], "plan.gpkg");
    EXPECT_EQ(z["crs"], l.crs.label);  // the CRS the zones are in
    EXPECT_EQ(z["features"], 5);
    EXPECT_EQ(z["zones"], 3);
    EXPECT_EQ(z["repaired"], 2);
    EXPECT_EQ(z["reprojected"], true);

    const nlohmann::json o = l.describe(LayerRole::Overlay);
    EXPECT_EQ(o.size(), 7u);
    EXPECT_EQ(o["crs"], "EPSG:4490");  // the layer's own
    EXPECT_EQ(o["reprojected_to"], l.crs.label);
    EXPECT_EQ(o["features"], 5);
    EXPECT_FALSE(o.contains("zones"));
    l.reprojected = false;
    EXPECT_FALSE(l.describe(LayerRole::Overlay).contains("reprojected_to"));
}

TEST(PolygonLayerTest, ExtentCoversEveryGeometry) {
    const PolygonLayer l = sample();
    const Box b = l.extent();
    EXPECT_EQ(b.xmin, 0.0);
    EXPECT_EQ(b.ymin, 0.0);
    EXPECT_EQ(b.xmax, 10.0);
    EXPECT_EQ(b.ymax, 10.0);
    EXPECT_TRUE(PolygonLayer{}.extent().empty());
}

}  // namespace
}  // namespace redline
