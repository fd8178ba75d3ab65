// dissolve_layer: groups in order of first appearance, each the exact union of its features
// (areas by hand), and the same geometry for any thread count.
#include "redline/layers/layer_dissolve.hpp"

#include <gtest/gtest.h>

#include "redline/core/error.hpp"
#include "redline/geom/validity.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

// A (0,0)-(2,2) and B (1,1)-(3,3) overlap in a unit square; C (5,5)-(6,6) is apart;
// D (2,0)-(3,1) touches A along an edge.
PolygonLayer sample() {
    PolygonLayer l;
    l.label = "z";
    l.path = "z.gpkg";
    l.crs = test::crs_of("EPSG:4523");
    l.ids = {"A", "B", "C", "D"};
    l.groups = {"south", "north", "north", "south"};
    l.geoms = {test::box(0, 0, 2, 2), test::box(1, 1, 3, 3), test::box(5, 5, 6, 6),
               test::box(2, 0, 3, 1)};
    l.features = 4;
    l.warnings = {"read"};
    return l;
}

TEST(LayerDissolveTest, AllIntoOne) {
    PolygonLayer l = sample();
    DissolveBy by;
    by.all = true;
    dissolve_layer(l, by, 2);
    ASSERT_EQ(l.ids, std::vector<std::string>{"all"});
    ASSERT_EQ(l.size(), 1u);
    EXPECT_TRUE(l.groups.empty());
    // 4 + 4 - 1 (the overlap once) + 1 + 1.
    EXPECT_NEAR(planar_area(l.geoms[0]), 9.0, 1e-12);
    EXPECT_TRUE(check_validity(l.geoms).empty());
    EXPECT_EQ(l.features, 4u);
    EXPECT_EQ(l.warnings, std::vector<std::string>{"read"});
    EXPECT_EQ(l.crs.label, "EPSG:4523");
}

TEST(LayerDissolveTest, ByGroupInOrderOfFirstAppearance) {
    PolygonLayer l = sample();
    DissolveBy by;
    by.field = "side";
    dissolve_layer(l, by, 1);
    ASSERT_EQ(l.ids, (std::vector<std::string>{"south", "north"}));
    EXPECT_NEAR(planar_area(l.geoms[0]), 5.0, 1e-12);  // A + D, touching
    EXPECT_NEAR(planar_area(l.geoms[1]), 5.0, 1e-12);  // B + C, apart
    EXPECT_EQ(l.geoms[1].polygons.size(), 2u);
}

TEST(LayerDissolveTest, SameGeometryForAnyThreadCount) {
    PolygonLayer a = sample(), b = sample();
    DissolveBy by;
    by.all = true;
    dissolve_layer(a, by, 1);
    dissolve_layer(b, by, 4);
    ASSERT_EQ(a.geoms[0].polygons.size(), b.geoms[0].polygons.size());
    for (std::size_t p = 0; p < a.geoms[0].polygons.size(); ++p)
        EXPECT_EQ(a.geoms[0].polygons[p].rings, b.geoms[0].polygons[p].rings);
}

TEST(LayerDissolveTest, NothingToDo) {
    PolygonLayer l = sample();
    dissolve_layer(l, DissolveBy{}, 2);
    EXPECT_EQ(l.ids, (std::vector<std::string>{"A", "B", "C", "D"}));
    EXPECT_EQ(l.size(), 4u);
    EXPECT_EQ(l.groups.size(), 4u);
}

TEST(LayerDissolveTest, GroupsThatWereNotReadAreAnInternalError) {
    PolygonLayer l = sample();
    l.groups.clear();
    DissolveBy by;
    by.field = "side";
    try {
        dissolve_layer(l, by);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Internal);
    }
}

}  // namespace
}  // namespace redline
