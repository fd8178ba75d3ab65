// TableWriter: CSV bytes written out by hand from RFC 4180's quoting rule and the documented
// number text; JSON parsed back with nlohmann::json; GeoPackage read back with OGR. A writer
// destroyed without commit() (an error between rows) leaves neither the target nor a temporary.
#include "redline/io/table_writer.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "redline/io/crs.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace redline {
namespace {

using test::error_message;
using test::has;

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::string kShengTai = "\xE7\x94\x9F\xE6\x80\x81";  // 生态

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

TableSpec spec() {
    TableSpec s;
    s.columns = {{"id", ColumnType::Text},
                 {"n", ColumnType::Integer},
                 {"area_m2", ColumnType::Real},
                 {"note, quoted", ColumnType::Text}};
    return s;
}

// Rows with every kind of cell: text needing quotes, UTF-8, integers, reals in both notations,
// NaN, infinity, missing values, a short row.
std::vector<std::vector<Value>> rows() {
    return {
        {std::string("a"), std::int64_t{1}, 0.1, std::string("plain")},
        {std::string("b,c"), std::int64_t{-5}, 100.0, std::string("say \"hi\"")},
        {std::string("line1\nline2"), std::monostate{}, kNaN, kShengTai},
        {std::string("cr\rx"), std::int64_t{0}, 2.5e-7, std::string()},
        {std::string("big"), std::int64_t{9007199254740993}, 1.5e16,
         std::numeric_limits<double>::infinity()},
        {std::string("only")},
    };
}

class TableWriterTest : public ::testing::Test {
  protected:
    std::string m_dir =
        test::temp_dir(std::string("table_writer_") +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::string path(const std::string& name) const { return m_dir + "/" + name; }
    const nlohmann::json m_meta = {{"command", "zonal"}, {"cell_m", 30.5}, {"ids", {"a", "b"}}};
};

TEST_F(TableWriterTest, CsvQuotesCommasQuotesAndLineBreaksAndWritesRoundTripReals) {
    const std::string p = path("t.csv");
    auto w = TableWriter::open(p, spec(), TableFormat::Csv, m_meta);
    for (const auto& r : rows()) w->write(r);
    w->add_extra("summary", {{"x", 1}});  // ignored by CSV
    w->commit();
    const std::string expect =
        "id,n,area_m2,\"note, quoted\"\n"
        "a,1,0.1,plain\n"
        "\"b,c\",-5,100.0,\"say \"\"hi\"\"\"\n"
        "\"line1\nline2\",,," +
        kShengTai +
        "\n"
        "\"cr\rx\",0,2.5e-07,\n"
        "big,9007199254740993,1.5e+16,\n"  // infinity: an empty cell
        "only,,,\n";
    EXPECT_EQ(read_bytes(p), expect);
    EXPECT_EQ(files_in(m_dir), (std::vector<std::string>{"t.csv"}));
}

TEST_F(TableWriterTest, JsonHasMetaColumnsRowsAndExtras) {
    const std::string p = path("t.json");
    auto w = TableWriter::open(p, spec(), TableFormat::Json, m_meta);
    for (const auto& r : rows()) w->write(r);
    w->add_extra("summary", {{"total_m2", 12.25}, {"rows", 6}});
    w->commit();
    const std::string text = read_bytes(p);
    const nlohmann::json j = nlohmann::json::parse(text);  // valid JSON
    EXPECT_EQ(j["meta"], m_meta);
    EXPECT_EQ(j["columns"], nlohmann::json({"id", "n", "area_m2", "note, quoted"}));
    EXPECT_EQ(j["summary"], nlohmann::json({{"total_m2", 12.25}, {"rows", 6}}));
    const auto& r = j["rows"];
    ASSERT_EQ(r.size(), 6u);
    EXPECT_EQ(r[0],
              nlohmann::json({{"id", "a"}, {"n", 1}, {"area_m2", 0.1}, {"note, quoted", "plain"}}));
    EXPECT_EQ(r[1]["id"], "b,c");
    EXPECT_EQ(r[1]["note, quoted"], "say \"hi\"");
    EXPECT_EQ(r[1]["area_m2"].get<double>(), 100.0);
    EXPECT_TRUE(r[1]["area_m2"].is_number_float());  // written "100.0", typed real
    EXPECT_EQ(r[2]["id"], "line1\nline2");
    EXPECT_TRUE(r[2]["n"].is_null());
    EXPECT_TRUE(r[2]["area_m2"].is_null());  // NaN
    EXPECT_EQ(r[2]["note, quoted"], kShengTai);
    EXPECT_EQ(r[3]["area_m2"].get<double>(), 2.5e-7);
    EXPECT_EQ(r[4]["n"].get<std::int64_t>(), 9007199254740993);  // exact beyond 2^53
    EXPECT_EQ(r[4]["area_m2"].get<double>(), 1.5e16);
    EXPECT_TRUE(r[4]["note, quoted"].is_null());  // infinity
    EXPECT_EQ(
        r[5],
        nlohmann::json(
            {{"id", "only"}, {"n", nullptr}, {"area_m2", nullptr}, {"note, quoted", nullptr}}));
    // Reals are the same text as in CSV.
    EXPECT_TRUE(has(text, "\"area_m2\": 100.0,"));
    EXPECT_TRUE(has(text, "\"area_m2\": 2.5e-07,"));
}

TEST_F(TableWriterTest, GeoPackageFieldsTypesNullsGeometryAndMetadata) {
    const std::string p = path("t.gpkg");
    TableSpec s = spec();
    s.layer_name = "zonal";
    s.geometry = GeometryKind::Polygon;
    s.crs_wkt = test::wkt_of("EPSG:4490");
    auto w = TableWriter::open(p, s, TableFormat::Gpkg, m_meta);
    const MultiPolygon sq = test::box(110, 30, 110.5, 30.25);
    for (const auto& r : rows()) w->write(r, sq);
    w->add_extra("summary", {{"total_m2", 12.25}});
    w->commit();
    EXPECT_EQ(files_in(m_dir), (std::vector<std::string>{"t.gpkg"}));

    GDALAllRegister();
    GDALDataset* ds = GDALDataset::Open(p.c_str(), GDAL_OF_VECTOR);
    ASSERT_NE(ds, nullptr);
    ASSERT_EQ(ds->GetLayerCount(), 1);
    OGRLayer* layer = ds->GetLayer(0);
    EXPECT_STREQ(layer->GetName(), "zonal");
    EXPECT_EQ(wkbFlatten(layer->GetGeomType()), wkbMultiPolygon);
    OGRSpatialReference epsg;
    epsg.importFromEPSG(4490);
    ASSERT_NE(layer->GetSpatialRef(), nullptr);
    const char* const same_axes[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", nullptr};
    EXPECT_TRUE(layer->GetSpatialRef()->IsSame(&epsg, same_axes));
    OGRFeatureDefn* d = layer->GetLayerDefn();
    ASSERT_EQ(d->GetFieldCount(), 4);
    EXPECT_STREQ(d->GetFieldDefn(3)->GetNameRef(), "note, quoted");
    EXPECT_EQ(d->GetFieldDefn(0)->GetType(), OFTString);
    EXPECT_EQ(d->GetFieldDefn(1)->GetType(), OFTInteger64);
    EXPECT_EQ(d->GetFieldDefn(2)->GetType(), OFTReal);
    std::vector<OGRFeature*> f;
    for (auto& feat : *layer) f.push_back(feat.release());
    ASSERT_EQ(f.size(), 6u);
    EXPECT_STREQ(f[1]->GetFieldAsString(0), "b,c");
    EXPECT_EQ(f[1]->GetFieldAsInteger64(1), -5);
    EXPECT_EQ(f[0]->GetFieldAsDouble(2), 0.1);  // a double, not text
    EXPECT_STREQ(f[2]->GetFieldAsString(0), "line1\nline2");
    EXPECT_TRUE(f[2]->IsFieldNull(1));
    EXPECT_TRUE(f[2]->IsFieldNull(2));  // NaN
    EXPECT_EQ(f[2]->GetFieldAsString(3), kShengTai);
    EXPECT_EQ(f[4]->GetFieldAsInteger64(1), 9007199254740993);
    EXPECT_TRUE(f[4]->IsFieldNull(3));  // infinity in a text column: the real is not written
    EXPECT_TRUE(f[5]->IsFieldNull(1));
    EXPECT_TRUE(f[5]->IsFieldNull(3));
    OGREnvelope env;
    f[0]->GetGeometryRef()->getEnvelope(&env);
    EXPECT_EQ(env.MinX, 110);
    EXPECT_EQ(env.MaxX, 110.5);
    EXPECT_EQ(env.MaxY, 30.25);
    EXPECT_NEAR(f[0]->GetGeometryRef()->toMultiPolygon()->get_Area(), 0.125, 1e-15);
    for (auto* x : f) OGRFeature::DestroyFeature(x);
    EXPECT_EQ(nlohmann::json::parse(layer->GetMetadataItem("REDLINE_META")), m_meta);
    EXPECT_EQ(nlohmann::json::parse(layer->GetMetadataItem("REDLINE_summary")),
              nlohmann::json({{"total_m2", 12.25}}));
    GDALClose(GDALDataset::ToHandle(ds));
}

// An error between rows (here an exception thrown by the caller) destroys the writer without
// commit(): no target, no temporary; an earlier file at the target is left as it was.
TEST_F(TableWriterTest, AnAbandonedWriterLeavesNothingBehind) {
    for (TableFormat f : {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}) {
        const std::string p = path(std::string("out") + table_format_name(f));
        try {
            auto w = TableWriter::open(p, spec(), f, m_meta);
            w->write(rows()[0]);
            for (const auto& name : files_in(m_dir))  // temporaries only
                EXPECT_TRUE(has(name, ".out" + std::string(table_format_name(f)) + ".tmp-"));
            EXPECT_FALSE(fs::exists(p));
            throw std::runtime_error("cancelled");
        } catch (const std::runtime_error&) {
        }
        EXPECT_TRUE(files_in(m_dir).empty()) << table_format_name(f);
    }
    const std::string p = path("kept.csv");
    std::ofstream(p) << "old\n";
    {
        auto w = TableWriter::open(p, spec(), TableFormat::Csv, m_meta);
        w->write(rows()[0]);
    }
    EXPECT_EQ(read_bytes(p), "old\n");
    EXPECT_EQ(files_in(m_dir), (std::vector<std::string>{"kept.csv"}));
    auto w = TableWriter::open(p, spec(), TableFormat::Csv, m_meta);
    w->commit();  // replaces it
    EXPECT_EQ(read_bytes(p), "id,n,area_m2,\"note, quoted\"\n");
}

TEST_F(TableWriterTest, UnwritableTargetsAreIoErrorsNamingThem) {
    const std::string nodir = path("missing/t.csv");
    EXPECT_TRUE(
        has(error_message(ErrorKind::Io,
                          [&] { TableWriter::open(nodir, spec(), TableFormat::Csv, {}); }),
            "cannot write '" + nodir + "': directory '" + path("missing") + "' does not exist"));
    fs::create_directory(path("adir.csv"));
    EXPECT_TRUE(has(
        error_message(ErrorKind::Io,
                      [&] { TableWriter::open(path("adir.csv"), spec(), TableFormat::Csv, {}); }),
        "it is a directory"));
}

TEST(TableFormat, ByExtension) {
    const std::vector<TableFormat> all = {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg};
    EXPECT_EQ(table_format_of("a/b.csv", all, "--output"), TableFormat::Csv);
    EXPECT_EQ(table_format_of("b.JSON", all, "--output"), TableFormat::Json);
    EXPECT_EQ(table_format_of("b.gpkg", all, "--output"), TableFormat::Gpkg);
    EXPECT_EQ(table_format_of("", all, "--output"), TableFormat::Csv);
    EXPECT_EQ(table_format_of("-", all, "--output"), TableFormat::Csv);
    EXPECT_TRUE(has(
        error_message(ErrorKind::InvalidInput, [&] { table_format_of("b.txt", all, "--output"); }),
        "--output 'b.txt': unsupported output format; use a path ending in .csv, "
        ".json, .gpkg"));
    EXPECT_TRUE(
        has(error_message(ErrorKind::InvalidInput,
                          [&] { table_format_of("b.gpkg", {TableFormat::Csv}, "--patches"); }),
            "--patches 'b.gpkg': unsupported output format; use a path ending in .csv"));
}

TEST(FormatReal, RoundsForMessagesWithoutMinusZero) {
    EXPECT_EQ(format_real(3.14159, 3), "3.142");
    EXPECT_EQ(format_real(-0.001, 2), "0.00");
    EXPECT_EQ(format_real(-0.01, 2), "-0.01");
    EXPECT_EQ(format_real(kNaN, 2), "");
    EXPECT_EQ(format_real(std::numeric_limits<double>::infinity(), 2), "");
}

}  // namespace
}  // namespace redline
