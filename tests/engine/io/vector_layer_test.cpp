// Reading vector layers (read_polygon_layer, read_line_layer) from files GDAL writes here
// (ogr_fixture.hpp). Expected values are the features as written (WKT, field text) and what
// OGR itself reports about the file (fids, file order); messages are checked for the input they
// name and the fix they suggest. Shapefile encodings: GDAL's writer recodes UTF-8 text into the
// encoding named by its ENCODING creation option and records it in a .cpg file (or, for LDID/n,
// in the language driver byte), so the same text can be read back through every declaration.
#include "redline/io/vector_layer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>

#include "ogr_fixture.hpp"
#include "redline/io/crs.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

using test::error_message;
using test::has;
using test::OgrFeature;
using test::OgrField;
using test::OgrLayerSpec;
using test::write_ogr;

const std::string kShengTai = "\xE7\x94\x9F\xE6\x80\x81\xE7\xBA\xA2\xE7\xBA\xBF";  // 生态红线
const std::string kHuBei = "\xE6\xB9\x96\xE5\x8C\x97";                             // 湖北

std::string square(double x, double y, double s) {
    return "MULTIPOLYGON(((" + std::to_string(x) + " " + std::to_string(y) + "," +
           std::to_string(x + s) + " " + std::to_string(y) + "," + std::to_string(x + s) + " " +
           std::to_string(y + s) + "," + std::to_string(x) + " " + std::to_string(y + s) + "," +
           std::to_string(x) + " " + std::to_string(y) + ")))";
}

LayerRef ref(const std::string& path, const std::string& layer = "") {
    LayerRef r;
    r.path = path;
    r.layer = layer;
    r.text = layer.empty() ? path : path + ":" + layer;
    return r;
}

// Fids in the order OGR iterates the layer (the file order).
std::vector<std::int64_t> ogr_fids(const std::string& path) {
    GDALDataset* ds = GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR);
    std::vector<std::int64_t> out;
    for (auto& f : *ds->GetLayer(0)) out.push_back(f->GetFID());
    GDALClose(GDALDataset::ToHandle(ds));
    return out;
}

class VectorLayerRead : public ::testing::Test {
  protected:
    std::string m_dir =
        test::temp_dir(std::string("vector_layer_") +
                       ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() +
                       "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::string path(const std::string& name) const { return m_dir + "/" + name; }
};

TEST_F(VectorLayerRead, FeaturesInFileOrderWithIdsGroupsAndExtraFields) {
    const std::string p = path("z.gpkg");
    OgrLayerSpec s;
    s.fields = {{"code"}, {"grp"}, {"name"}, {"n", OFTInteger}};
    s.features = {{square(110, 30, 1), {"c", "g1", kShengTai, "7"}},
                  {square(112, 30, 1), {"a", "g2", std::nullopt, "8"}},
                  {square(114, 30, 0.5), {"b", "g1", "x, \"y\"", std::nullopt}}};
    write_ogr(p, "GPKG", {s});
    LayerReadOptions o;
    o.id_field = "code";
    o.group_field = "grp";
    o.extra_fields = {"name", "n"};
    const VectorLayer vl = read_polygon_layer(ref(p), o);
    EXPECT_EQ(vl.label, "z");
    EXPECT_EQ(vl.layer_name, "zones");
    EXPECT_EQ(vl.fids, ogr_fids(p));
    EXPECT_EQ(vl.ids, (std::vector<std::string>{"c", "a", "b"}));  // file order, not sorted
    EXPECT_EQ(vl.groups, (std::vector<std::string>{"g1", "g2", "g1"}));
    ASSERT_EQ(vl.extra.size(), 3u);
    EXPECT_EQ(vl.extra[0], (std::vector<std::string>{kShengTai, "7"}));
    EXPECT_EQ(vl.extra[1], (std::vector<std::string>{"", "8"}));  // NULL extra -> ""
    EXPECT_EQ(vl.extra[2], (std::vector<std::string>{"x, \"y\"", ""}));
    ASSERT_EQ(vl.polygons.size(), 3u);
    const Ring expect = test::box_ring(114, 30, 114.5, 30.5);
    ASSERT_EQ(vl.polygons[2].polygons.size(), 1u);
    EXPECT_EQ(vl.polygons[2].polygons[0].rings[0], expect);
    EXPECT_TRUE(vl.lines.empty());
    EXPECT_TRUE(vl.warnings.empty());
    EXPECT_TRUE(vl.empty_ids.empty());
    const Box b = vl.extent();
    EXPECT_EQ(b.xmin, 110);
    EXPECT_EQ(b.xmax, 114.5);
    EXPECT_EQ(b.ymax, 31);
    OGRSpatialReference expected_crs;
    expected_crs.importFromEPSG(4490);
    OGRSpatialReference got;
    ASSERT_EQ(got.importFromWkt(vl.crs_wkt.c_str()), OGRERR_NONE);
    EXPECT_TRUE(got.IsSame(&expected_crs));
    EXPECT_EQ(vl.crs_label, "EPSG:4490");
    EXPECT_FALSE(vl.crs_assigned);
    EXPECT_TRUE(same_crs(read_layer_crs(ref(p)), vl.crs_wkt));
}

TEST_F(VectorLayerRead, WithoutAnIdFieldFeaturesAreNamedByTheirFids) {
    const std::string p = path("z.gpkg");
    OgrLayerSpec s;
    s.features = {{square(0, 0, 1), {}}, {square(2, 0, 1), {}}};
    write_ogr(p, "GPKG", {s});
    const VectorLayer vl = read_polygon_layer(ref(p), {});
    const auto fids = ogr_fids(p);
    ASSERT_EQ(fids.size(), 2u);
    EXPECT_EQ(vl.ids, (std::vector<std::string>{std::to_string(fids[0]), std::to_string(fids[1])}));
    EXPECT_EQ(vl.groups, (std::vector<std::string>{"", ""}));
}

TEST_F(VectorLayerRead, NullKeysAndDuplicateKeysAreRefused) {
    const std::string p = path("z.gpkg");
    OgrLayerSpec s;
    s.fields = {{"code"}, {"grp"}};
    s.features = {{square(0, 0, 1), {"a", "x"}},
                  {square(2, 0, 1), {std::nullopt, "x"}},
                  {square(4, 0, 1), {"a", std::nullopt}}};
    write_ogr(p, "GPKG", {s});
    const auto fids = ogr_fids(p);
    LayerReadOptions o;
    o.id_field = "code";
    const std::string null_msg =
        error_message(ErrorKind::InvalidInput, [&] { read_polygon_layer(ref(p), o); });
    EXPECT_TRUE(has(null_msg, "layer 'z' in '" + p +
                                  "': 1 feature(s) have no value in --id field "
                                  "'code' (feature ids " +
                                  std::to_string(fids[1]) + ")"));
    EXPECT_TRUE(has(null_msg, "fill the field or pick another key"));

    const std::string p2 = path("d.gpkg");
    s.features[1].values[0] = "b";
    write_ogr(p2, "GPKG", {s});
    const auto fids2 = ogr_fids(p2);
    const std::string dup =
        error_message(ErrorKind::InvalidInput, [&] { read_polygon_layer(ref(p2), o); });
    EXPECT_TRUE(has(dup, "--id field 'code' is not unique: 'a' (features " +
                             std::to_string(fids2[0]) + " and " + std::to_string(fids2[2]) + ")"));
    EXPECT_TRUE(has(dup, "use --dissolve-by code"));
    o.unique_ids = false;  // duplicates allowed: both kept, in order
    EXPECT_EQ(read_polygon_layer(ref(p2), o).ids, (std::vector<std::string>{"a", "b", "a"}));

    // A NULL in the --dissolve-by field names the feature and the field.
    o.group_field = "grp";
    const std::string grp =
        error_message(ErrorKind::InvalidInput, [&] { read_polygon_layer(ref(p2), o); });
    EXPECT_TRUE(has(grp, "feature " + std::to_string(fids2[2]) + " of layer 'd' in '" + p2 +
                             "' has no value in --dissolve-by field 'grp'"));
}

TEST_F(VectorLayerRead, WrongGeometryTypesAreListedOrKeptEmptyForValidate) {
    const std::string p = path("mixed.gpkg");
    OgrLayerSpec s;
    s.type = wkbUnknown;
    s.fields = {{"code"}};
    s.features = {
        {"POLYGON((0 0,1 0,1 1,0 0))", {"tri"}},
        {"LINESTRING(0 0,1 1)", {"line"}},
        {"GEOMETRYCOLLECTION(POLYGON((0 0,1 0,1 1,0 0)),POINT(5 5))", {"gc"}},
        {"GEOMETRYCOLLECTION(POLYGON((2 2,3 2,3 3,2 2)),MULTIPOLYGON(((4 4,5 4,5 5,4 4))))",
         {"gc_ok"}},
    };
    write_ogr(p, "GPKG", {s});
    LayerReadOptions o;
    o.id_field = "code";
    const std::string msg =
        error_message(ErrorKind::InvalidInput, [&] { read_polygon_layer(ref(p), o); });
    // Types are named as GDAL names them.
    const std::string line = std::string("line (") + OGRGeometryTypeToName(wkbLineString) + ")";
    const std::string gc =
        std::string("gc (GeometryCollection containing ") + OGRGeometryTypeToName(wkbPoint) + ")";
    EXPECT_TRUE(has(msg, "layer 'mixed' in '" + p +
                             "' must hold polygons, but 2 feature(s) do not: " + line + ", " + gc));
    o.allow_invalid_types = true;
    const VectorLayer vl = read_polygon_layer(ref(p), o);
    EXPECT_EQ(vl.type_problems, (std::vector<std::string>{line, gc}));
    ASSERT_EQ(vl.polygons.size(), 4u);
    EXPECT_TRUE(vl.polygons[1].empty());
    EXPECT_TRUE(vl.polygons[2].empty());            // not half a collection
    EXPECT_EQ(vl.polygons[3].polygons.size(), 2u);  // a polygonal collection is flattened
    // A line layer refuses polygons the same way.
    const std::string lines =
        error_message(ErrorKind::InvalidInput, [&] { read_line_layer(ref(p), {}); });
    EXPECT_TRUE(has(lines, "must hold lines, but 3 feature(s) do not"));
}

TEST_F(VectorLayerRead, CurvesAreLinearisedAndZIsDropped) {
    const std::string p = path("c.gpkg");
    OgrLayerSpec s;
    s.type = wkbUnknown;
    s.epsg = 0;
    s.features = {{"CURVEPOLYGON(CIRCULARSTRING(0 0,1 1,2 0,1 -1,0 0))", {}},
                  {"POLYGON Z((0 0 5,4 0 6,4 3 7,0 0 5))", {}}};
    write_ogr(p, "GPKG", {s});
    const VectorLayer vl = read_polygon_layer(ref(p), {});
    ASSERT_EQ(vl.polygons.size(), 2u);
    const Ring& circle = vl.polygons[0].polygons.at(0).rings.at(0);
    EXPECT_GT(circle.size(), 16u);
    for (const Point& q : circle) EXPECT_NEAR(std::hypot(q.x - 1, q.y), 1.0, 1e-9);
    EXPECT_NEAR(std::fabs(signed_area(circle)), std::numbers::pi, 0.02);
    EXPECT_EQ(vl.polygons[1].polygons.at(0).rings.at(0), (Ring{{0, 0}, {4, 0}, {4, 3}, {0, 0}}));
}

TEST_F(VectorLayerRead, EmptyAndNullGeometriesAreWarnedOrRefusedWhenAllAre) {
    const std::string p = path("e.gpkg");
    OgrLayerSpec s;
    s.fields = {{"code"}};
    s.features = {
        {square(0, 0, 1), {"full"}}, {std::nullopt, {"null"}}, {"MULTIPOLYGON EMPTY", {"empty"}}};
    write_ogr(p, "GPKG", {s});
    LayerReadOptions o;
    o.id_field = "code";
    const VectorLayer vl = read_polygon_layer(ref(p), o);
    EXPECT_EQ(vl.ids.size(), 3u);
    EXPECT_EQ(vl.empty_ids, (std::vector<std::string>{"null", "empty"}));
    EXPECT_TRUE(vl.polygons[1].empty());
    EXPECT_TRUE(vl.polygons[2].empty());
    ASSERT_EQ(vl.warnings.size(), 1u);
    EXPECT_TRUE(has(vl.warnings[0],
                    "2 feature(s) have an empty or null geometry and cover "
                    "nothing: null, empty"));

    const std::string p2 = path("all.gpkg");
    s.features.erase(s.features.begin());
    write_ogr(p2, "GPKG", {s});
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [&] { read_polygon_layer(ref(p2), o); }),
                    "has 2 feature(s) but every geometry is empty or null"));
    o.allow_invalid_types = true;  // validate reads it and reports the features itself
    EXPECT_EQ(read_polygon_layer(ref(p2), o).empty_ids.size(), 2u);
}

TEST_F(VectorLayerRead, UnclosedRingsAreClosedAndReported) {
    // GeoJSON text written by hand: GDAL's writers would not store an open ring.
    const std::string p = path("open.geojson");
    std::ofstream(p) << R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"code": "closed"},
 "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}},
{"type": "Feature", "properties": {"code": "open"},
 "geometry": {"type": "Polygon", "coordinates": [[[2,0],[3,0],[3,1],[2,1]]]}}]})";
    LayerReadOptions o;
    o.id_field = "code";
    const VectorLayer vl = read_polygon_layer(ref(p), o);
    EXPECT_EQ(vl.unclosed, (std::vector<std::size_t>{1}));
    EXPECT_EQ(vl.polygons[1].polygons.at(0).rings.at(0),
              (Ring{{2, 0}, {3, 0}, {3, 1}, {2, 1}, {2, 0}}));
    ASSERT_EQ(vl.warnings.size(), 1u);
    EXPECT_TRUE(has(vl.warnings[0],
                    "1 feature(s) have a ring whose last point is not its first; "
                    "it was closed by joining them: open"));
}

TEST_F(VectorLayerRead, LineLayers) {
    const std::string p = path("l.gpkg");
    OgrLayerSpec s;
    s.name = "coast";
    s.type = wkbUnknown;
    s.fields = {{"code"}};
    s.features = {{"MULTILINESTRING((0 0,1 0,1 1),(5 5,6 6))", {"m"}},
                  {"LINESTRING(2 2,3 3)", {"l"}},
                  {"COMPOUNDCURVE(CIRCULARSTRING(0 0,1 1,2 0))", {"arc"}}};
    write_ogr(p, "GPKG", {s});
    LayerReadOptions o;
    o.id_field = "code";
    const VectorLayer vl = read_line_layer(ref(p), o);
    ASSERT_EQ(vl.lines.size(), 3u);
    EXPECT_TRUE(vl.polygons.empty());
    ASSERT_EQ(vl.lines[0].lines.size(), 2u);
    EXPECT_EQ(vl.lines[0].lines[0], (LineString{{0, 0}, {1, 0}, {1, 1}}));
    EXPECT_EQ(vl.lines[1].lines.at(0), (LineString{{2, 2}, {3, 3}}));
    for (const Point& q : vl.lines[2].lines.at(0)) EXPECT_NEAR(std::hypot(q.x - 1, q.y), 1.0, 1e-9);
    // Polygons are not lines.
    const std::string p2 = path("poly.gpkg");
    OgrLayerSpec poly;
    poly.features = {{square(0, 0, 1), {}}};
    write_ogr(p2, "GPKG", {poly});
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [&] { read_line_layer(ref(p2), {}); }),
                    std::string("must hold lines, but 1 feature(s) do not: 1 (") +
                        OGRGeometryTypeToName(wkbMultiPolygon) + ")"));
}

TEST_F(VectorLayerRead, LayerAndFieldSelectionErrors) {
    const std::string p = path("two.gpkg");
    OgrLayerSpec a, b;
    a.name = "alpha";
    a.fields = {{"code"}, {"name"}};
    a.features = {{square(0, 0, 1), {"1", "x"}}};
    b.name = "beta";
    write_ogr(p, "GPKG", {a, b});
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [&] { read_polygon_layer(ref(p), {}); }),
                    "'" + p + "' holds 2 layers (alpha, beta); name one as '" + p + ":LAYER'"));
    EXPECT_TRUE(has(
        error_message(ErrorKind::InvalidInput, [&] { read_polygon_layer(ref(p, "gamma"), {}); }),
        "'" + p + "' has no layer 'gamma'; its layers are: alpha, beta"));
    EXPECT_TRUE(
        has(error_message(ErrorKind::InvalidInput, [&] { read_polygon_layer(ref(p, "beta"), {}); }),
            "layer 'beta' in '" + p + "' has no features"));
    LayerReadOptions o;
    o.id_field = "nope";
    EXPECT_TRUE(
        has(error_message(ErrorKind::InvalidInput, [&] { read_polygon_layer(ref(p, "alpha"), o); }),
            "layer 'alpha' in '" + p + "' has no field 'nope' (--id); its fields are: code, name"));
    o.id_field = "code";
    o.group_field = "province";
    EXPECT_TRUE(
        has(error_message(ErrorKind::InvalidInput, [&] { read_polygon_layer(ref(p, "alpha"), o); }),
            "has no field 'province' (--dissolve-by)"));
    EXPECT_EQ(read_polygon_layer(ref(p, "alpha"), {}).label, "alpha");
    const std::string missing = path("none.gpkg");
    EXPECT_TRUE(has(error_message(ErrorKind::Io, [&] { read_polygon_layer(ref(missing), {}); }),
                    "no such file '" + missing + "'"));
    const std::string junk = path("junk.gpkg");
    std::ofstream(junk) << "not a geopackage";
    EXPECT_TRUE(has(error_message(ErrorKind::Io, [&] { read_polygon_layer(ref(junk), {}); }),
                    "cannot open '" + junk + "' as a vector dataset"));
}

TEST_F(VectorLayerRead, CrsAssignedOnlyWhenTheLayerHasNoneAndCoordinatesChecked) {
    // A shapefile without .prj has no CRS (a GeoPackage always has one, if only GDAL's
    // "Undefined geographic SRS").
    const std::string p = path("nocrs.shp");
    OgrLayerSpec s;
    s.name = "nocrs";
    s.epsg = 0;
    s.type = wkbPolygon;
    s.features = {{"POLYGON((110 30,111 30,111 31,110 30))", {}}};
    write_ogr(p, "ESRI Shapefile", {s});
    ASSERT_FALSE(std::filesystem::exists(path("nocrs.prj")));
    EXPECT_TRUE(read_polygon_layer(ref(p), {}).crs_wkt.empty());  // none, none assigned
    LayerReadOptions o;
    o.assign_crs = "EPSG:4490";
    const VectorLayer vl = read_polygon_layer(ref(p), o);
    EXPECT_TRUE(vl.crs_assigned);
    EXPECT_EQ(vl.crs_label, "EPSG:4490");
    EXPECT_TRUE(read_layer_crs(ref(p)).empty());
    // A layer with its own CRS keeps it.
    const std::string p2 = path("merc.gpkg");
    s.epsg = 3857;
    s.type = wkbMultiPolygon;
    s.features = {{square(1.2e7, 3.5e6, 1000), {}}};
    write_ogr(p2, "GPKG", {s});
    const VectorLayer v2 = read_polygon_layer(ref(p2), o);
    EXPECT_FALSE(v2.crs_assigned);
    EXPECT_EQ(v2.crs_label, "EPSG:3857");
    // Latitudes beyond 90 degrees in a geographic CRS: swapped axes, named with the feature.
    const std::string p3 = path("swapped.gpkg");
    s.epsg = 4490;
    s.fields = {{"code"}};
    s.features = {{square(30, 110, 1), {"sw"}}};
    write_ogr(p3, "GPKG", {s});
    LayerReadOptions k;
    k.id_field = "code";
    const std::string msg =
        error_message(ErrorKind::InvalidInput, [&] { read_polygon_layer(ref(p3), k); });
    EXPECT_TRUE(has(msg,
                    "feature 'sw' (fid 1) has the coordinate (30, 110), which has latitude "
                    "110 beyond +-90 degrees (are longitude and latitude swapped?) in "
                    "EPSG:4490"));
}

// Shapefile text through each way of declaring its encoding.
class ShapefileEncoding : public VectorLayerRead {
  protected:
    // A one-feature shapefile whose 'name' is 生态红线 and 'prov' 湖北, written by GDAL in
    // `encoding` (a creation option value; "" = GDAL's default).
    std::string write_shp(const std::string& base, const std::string& encoding) {
        OgrLayerSpec s;
        s.name = base;
        s.type = wkbPolygon;
        s.fields = {{"name"}, {"prov"}};
        s.features = {{"POLYGON((110 30,111 30,111 31,110 30))", {kShengTai, kHuBei}}};
        if (!encoding.empty()) s.creation_options = {"ENCODING=" + encoding};
        write_ogr(path(base + ".shp"), "ESRI Shapefile", {s});
        return path(base + ".shp");
    }
    static std::string dbf_bytes(const std::string& shp) {
        std::ifstream in(std::filesystem::path(shp).replace_extension(".dbf"), std::ios::binary);
        return {std::istreambuf_iterator<char>(in), {}};
    }
    static VectorLayer read(const std::string& shp, const std::string& encoding = "") {
        LayerReadOptions o;
        o.id_field = "name";
        o.extra_fields = {"prov"};
        o.encoding = encoding;
        return read_polygon_layer(ref(shp), o);
    }
};

const std::string kShengTaiGbk = "\xC9\xFA\xCC\xAC\xBA\xEC\xCF\xDF";  // 生态红线 in GBK

TEST_F(ShapefileEncoding, CpgFileAndLanguageDriverByte) {
    const std::string cpg = write_shp("cpg", "CP936");
    ASSERT_NE(dbf_bytes(cpg).find(kShengTaiGbk), std::string::npos);  // GBK bytes on disk
    const VectorLayer a = read(cpg);
    EXPECT_EQ(a.ids, (std::vector<std::string>{kShengTai}));
    EXPECT_EQ(a.extra[0], (std::vector<std::string>{kHuBei}));
    EXPECT_TRUE(a.warnings.empty());
    const std::string ldid = write_shp("ldid", "LDID/77");  // 0x4D: CP936, no .cpg
    EXPECT_FALSE(std::filesystem::exists(path("ldid.cpg")));
    EXPECT_EQ(static_cast<unsigned char>(dbf_bytes(ldid)[29]), 77);
    const VectorLayer b = read(ldid);
    EXPECT_EQ(b.ids, (std::vector<std::string>{kShengTai}));
    EXPECT_TRUE(b.warnings.empty());
    const std::string utf8 = write_shp("utf8", "UTF-8");
    EXPECT_EQ(read(utf8).ids, (std::vector<std::string>{kShengTai}));
}

TEST_F(ShapefileEncoding, UndeclaredGbkIsDetectedAsGb18030WithAWarning) {
    const std::string shp = write_shp("bare", "CP936");
    std::filesystem::remove(path("bare.cpg"));  // language driver byte 0 and no .cpg
    ASSERT_EQ(dbf_bytes(shp)[29], 0);
    const VectorLayer vl = read(shp);
    EXPECT_EQ(vl.ids, (std::vector<std::string>{kShengTai}));
    EXPECT_EQ(vl.extra[0], (std::vector<std::string>{kHuBei}));
    ASSERT_EQ(vl.warnings.size(), 1u);
    EXPECT_EQ(vl.warnings[0], vl.text_encoding_warning);
    EXPECT_TRUE(has(vl.warnings[0],
                    "declares no text encoding (no .cpg file, language driver "
                    "byte 0) and its text is not UTF-8 but is valid GB18030"));
    EXPECT_TRUE(has(vl.warnings[0], "set --encoding"));
    // Undeclared UTF-8 is taken as it is, without a warning.
    const std::string u = write_shp("bare_utf8", "UTF-8");
    std::filesystem::remove(path("bare_utf8.cpg"));
    const VectorLayer vu = read(u);
    EXPECT_EQ(vu.ids, (std::vector<std::string>{kShengTai}));
    EXPECT_TRUE(vu.warnings.empty());
}

TEST_F(ShapefileEncoding, AWrongDeclarationIsAnErrorAndTheOptionOverridesIt) {
    const std::string shp = write_shp("lying", "CP936");
    std::ofstream(path("lying.cpg"), std::ios::trunc) << "UTF-8";  // GBK bytes, says UTF-8
    const std::string msg = error_message(ErrorKind::InvalidInput, [&] { read(shp); });
    EXPECT_TRUE(has(msg, "layer 'lying' in '" + shp + "'"));
    EXPECT_TRUE(has(msg, "cannot be decoded"));
    EXPECT_TRUE(has(msg, "are not valid UTF-8 (taken as UTF-8, as its .cpg file says ('UTF-8'))"));
    EXPECT_TRUE(has(msg, "set --encoding to the encoding the file was written in"));
    const VectorLayer vl = read(shp, "CP936");  // the option overrides the .cpg
    EXPECT_EQ(vl.ids, (std::vector<std::string>{kShengTai}));
    EXPECT_TRUE(vl.warnings.empty());
    // Messages name the option as the caller spells it.
    LayerReadOptions o;
    o.id_field = "name";
    o.encoding_option = "encoding=";
    EXPECT_TRUE(
        has(error_message(ErrorKind::InvalidInput, [&] { read_polygon_layer(ref(shp), o); }),
            "set encoding= to the encoding"));
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [&] { read(shp, "NO-SUCH-CODEPAGE"); }),
                    "--encoding 'NO-SUCH-CODEPAGE'"));
}

TEST_F(ShapefileEncoding, OtherFormatsAreUtf8WhateverTheOption) {
    const std::string p = path("z.gpkg");
    OgrLayerSpec s;
    s.fields = {{"name"}};
    s.features = {{square(0, 0, 1), {kShengTai}}};
    write_ogr(p, "GPKG", {s});
    LayerReadOptions o;
    o.id_field = "name";
    o.encoding = "CP936";
    EXPECT_EQ(read_polygon_layer(ref(p), o).ids, (std::vector<std::string>{kShengTai}));
}

}  // namespace
}  // namespace redline
