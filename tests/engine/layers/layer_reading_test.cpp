// load_polygon_layer: a layer from a file with its Crs (checked against OGR's own reading), and
// a layer without a CRS: the policy's assumed CRS with its warning, or none (refused later by
// conform, not while reading).
#include "redline/layers/layer_reading.hpp"

#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <filesystem>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/layers/conform.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

TEST(LayerReadingTest, DemoLayerWithItsCrs) {
    const std::string path = std::string(REDLINE_SOURCE_DIR) + "/testdata/demo/plan.gpkg";
    LayerFields fields;
    fields.id = "code";
    const PolygonLayer l =
        load_polygon_layer(path + ":redline", fields, LayerPolicy::overlay(), nullptr);
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(ds);
    OGRLayer* ogr = ds->GetLayerByName("redline");
    ASSERT_TRUE(ogr);
    EXPECT_EQ(l.label, "redline");
    EXPECT_EQ(l.path, path);
    EXPECT_EQ(l.features, static_cast<std::size_t>(ogr->GetFeatureCount()));
    EXPECT_EQ(l.size(), l.features);
    EXPECT_EQ(l.ids.size(), l.features);
    EXPECT_EQ(l.groups.size(), l.features);  // "" each: no group field
    // The layer's CRS: CGCS2000 Albers without an EPSG code.
    EXPECT_EQ(l.crs.kind, CrsKind::Projected);
    EXPECT_TRUE(l.crs.equal_area_method);
    EXPECT_EQ(l.crs.label, l.source_crs_label);
    OGRSpatialReference mine;
    ASSERT_EQ(mine.importFromWkt(l.crs.wkt.c_str()), OGRERR_NONE);
    EXPECT_TRUE(mine.IsSame(ogr->GetSpatialRef()));
    EXPECT_FALSE(l.reprojected);
    EXPECT_EQ(l.repaired, 0u);
}

class NoPrjShapefile : public ::testing::Test {
  protected:
    void SetUp() override {
        dir = test::temp_dir("layer-reading");
        path = dir + "/zones.shp";
        GDALAllRegister();
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
        GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        OGRLayer* lyr = ds->CreateLayer("zones", nullptr, wkbPolygon, nullptr);
        OGRFeature f(lyr->GetLayerDefn());
        OGRGeometry* g = nullptr;
        OGRGeometryFactory::createFromWkt("POLYGON ((105 30,105.1 30,105.1 30.1,105 30.1,105 30))",
                                          nullptr, &g);
        f.SetGeometryDirectly(g);
        ASSERT_EQ(lyr->CreateFeature(&f), OGRERR_NONE);
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    std::string dir, path;
};

TEST_F(NoPrjShapefile, AssumedCrsIsUsedAndReported) {
    LayerPolicy p = LayerPolicy::zones();
    p.assumed_crs = "EPSG:4490";
    const PolygonLayer l = load_polygon_layer(path, LayerFields{}, p);
    EXPECT_EQ(l.crs.label, "EPSG:4490");
    EXPECT_EQ(l.crs.kind, CrsKind::Geographic);
    ASSERT_EQ(l.warnings.size(), 1u);
    EXPECT_EQ(render_for_cli(l.warnings[0]),
              "layer 'zones' declares no CRS; using EPSG:4490 as given by --zones-crs");
}

TEST_F(NoPrjShapefile, WithoutOneReadingSucceedsAndConformRefuses) {
    PolygonLayer l = load_polygon_layer(path, LayerFields{}, LayerPolicy::overlay());
    EXPECT_TRUE(l.crs.empty());
    EXPECT_EQ(l.crs.label, "no CRS");
    EXPECT_TRUE(l.warnings.empty());
    try {
        conform(l, test::crs_of("EPSG:4490"), "layer 'r'", LayerPolicy::overlay());
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        EXPECT_EQ(render_for_cli(e.what()),
                  "layer 'zones' in '" + path +
                      "' has no CRS, so its areas are unknown; declare it with --layer-crs (e.g. "
                      "--layer-crs EPSG:4490 for CGCS2000 lon/lat)");
    }
}

}  // namespace
}  // namespace redline
