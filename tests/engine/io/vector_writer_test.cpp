// VectorWriter: layers read back with OGR (names, geometry types, CRS, fields, values, NULLs),
// the fixed GeoPackage timestamp read from gpkg_contents, byte-identical files for the same
// features, and nothing left behind without commit().
#include "redline/io/vector_writer.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace redline {
namespace {

using test::error_message;
using test::has;

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void write_two_layers(const std::string& path) {
    VectorWriter w(path);
    w.begin_layer(
        "zones", GeometryKind::Polygon, "EPSG:4490",
        {{"name", ColumnType::Text}, {"n", ColumnType::Integer}, {"x", ColumnType::Real}});
    w.write({std::string("a"), std::int64_t{3}, 0.5}, test::box(110, 30, 111, 31));
    w.write({std::monostate{}, std::int64_t{-1}, std::numeric_limits<double>::quiet_NaN()},
            test::box(112, 30, 113, 31));
    w.begin_layer("coast", GeometryKind::Line, "EPSG:4547", {{"kind", ColumnType::Text}});
    w.write({std::string("natural")}, MultiLineString{{LineString{{500000, 3e6}, {500100, 3e6}}}});
    w.commit();
}

class VectorWriterTest : public ::testing::Test {
  protected:
    std::string m_dir =
        test::temp_dir(std::string("vector_writer_") +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::string path(const std::string& name) const { return m_dir + "/" + name; }
};

TEST_F(VectorWriterTest, LayersFieldsAndGeometriesReadBack) {
    const std::string p = path("v.gpkg");
    write_two_layers(p);
    GDALAllRegister();
    GDALDataset* ds = GDALDataset::Open(p.c_str(), GDAL_OF_VECTOR);
    ASSERT_NE(ds, nullptr);
    ASSERT_EQ(ds->GetLayerCount(), 2);
    OGRLayer* zones = ds->GetLayerByName("zones");
    OGRLayer* coast = ds->GetLayerByName("coast");
    ASSERT_TRUE(zones && coast);
    EXPECT_EQ(wkbFlatten(zones->GetGeomType()), wkbMultiPolygon);
    EXPECT_EQ(wkbFlatten(coast->GetGeomType()), wkbLineString);
    OGRSpatialReference e4490, e4547;
    e4490.importFromEPSG(4490);
    e4547.importFromEPSG(4547);
    const char* const same_axes[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", nullptr};
    EXPECT_TRUE(zones->GetSpatialRef()->IsSame(&e4490, same_axes));
    EXPECT_TRUE(coast->GetSpatialRef()->IsSame(&e4547, same_axes));
    OGRFeatureDefn* d = zones->GetLayerDefn();
    ASSERT_EQ(d->GetFieldCount(), 3);
    EXPECT_EQ(d->GetFieldDefn(1)->GetType(), OFTInteger64);
    EXPECT_EQ(d->GetFieldDefn(2)->GetType(), OFTReal);
    std::unique_ptr<OGRFeature> f(zones->GetNextFeature());
    EXPECT_STREQ(f->GetFieldAsString(0), "a");
    EXPECT_EQ(f->GetFieldAsInteger64(1), 3);
    EXPECT_EQ(f->GetFieldAsDouble(2), 0.5);
    EXPECT_DOUBLE_EQ(f->GetGeometryRef()->toMultiPolygon()->get_Area(), 1.0);
    f.reset(zones->GetNextFeature());
    EXPECT_TRUE(f->IsFieldNull(0));
    EXPECT_EQ(f->GetFieldAsInteger64(1), -1);
    EXPECT_TRUE(f->IsFieldNull(2));  // NaN
    EXPECT_EQ(zones->GetNextFeature(), nullptr);
    f.reset(coast->GetNextFeature());
    EXPECT_STREQ(f->GetFieldAsString(0), "natural");
    EXPECT_DOUBLE_EQ(f->GetGeometryRef()->toLineString()->get_Length(), 100.0);
    // The fixed timestamp of every table, as stored (text).
    OGRLayer* sql =
        ds->ExecuteSQL("SELECT DISTINCT last_change || '' FROM gpkg_contents", nullptr, nullptr);
    ASSERT_NE(sql, nullptr);
    std::vector<std::string> stamps;
    for (auto& row : *sql) stamps.push_back(row->GetFieldAsString(0));
    ds->ReleaseResultSet(sql);
    EXPECT_EQ(stamps, (std::vector<std::string>{"2000-01-01T00:00:00.000Z"}));
    GDALClose(GDALDataset::ToHandle(ds));
}

TEST_F(VectorWriterTest, SameFeaturesGiveTheSameBytes) {
    write_two_layers(path("a.gpkg"));
    write_two_layers(path("b.gpkg"));
    const std::string a = read_bytes(path("a.gpkg"));
    EXPECT_GT(a.size(), 0u);
    EXPECT_EQ(a, read_bytes(path("b.gpkg")));
}

TEST_F(VectorWriterTest, WithoutCommitNothingIsLeft) {
    {
        VectorWriter w(path("x.gpkg"));
        w.begin_layer("zones", GeometryKind::Polygon, "EPSG:4490", {});
        w.write({}, test::box(0, 0, 1, 1));
    }
    EXPECT_TRUE(fs::is_empty(m_dir));
    {
        VectorWriter w(path("y.gpkg"));
        EXPECT_TRUE(
            has(error_message(
                    ErrorKind::InvalidInput,
                    [&] { w.begin_layer("zones", GeometryKind::Polygon, "EPSG:nonsense", {}); }),
                "layer 'zones': the CRS 'EPSG:nonsense' is not understood"));
    }
    EXPECT_TRUE(fs::is_empty(m_dir));
    EXPECT_TRUE(has(error_message(ErrorKind::Io, [&] { VectorWriter w(path("no/z.gpkg")); }),
                    "directory '" + path("no") + "' does not exist"));
}

}  // namespace
}  // namespace redline
