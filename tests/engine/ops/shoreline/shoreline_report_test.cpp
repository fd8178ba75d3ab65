// The shoreline report's tables (shoreline_report.hpp) on a tiny hand-made report: column order,
// the value of every cell (empty share, pass and margin for a zero total; island_m only with a
// mainland), and a round trip of the values through CSV, JSON and GeoPackage (read back with
// GDAL/OGR), with the errors for outputs that cannot be written.
#include "redline/ops/shoreline/shoreline_report.hpp"

#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

const double kNatural = 12345.678901234567, kArtificial = 0.1 + 0.2, kEstuary = 2.5e-7;

ShorelineReport tiny_report(bool raster_mode) {
    ShorelineReport rep;
    ShorelineTotals all;
    all.natural_m = kNatural;
    all.artificial_m = kArtificial;
    all.estuary_m = kEstuary;
    all.island_m = 7.25;
    all.unclassified_m = 0.125;
    ShorelineTotals empty;  // a region without mainland shoreline
    empty.unclassified_m = 3;
    rep.rows = {{"all", all}, {"东海 east", empty}};
    rep.region_names = {"东海 east"};
    rep.target_percent = 35;
    rep.has_mainland = true;
    rep.raster_mode = raster_mode;
    rep.crs_wkt = test::wkt_of("EPSG:4490");
    rep.meta = {{"command", "shoreline"}, {"pieces", 2}};
    ShorelinePiece a;
    a.fid = 41;
    a.part = 1;
    a.piece = 0;
    a.start_m = 0;
    a.length_m = 99.5;
    a.klass = ShoreClass::Artificial;
    a.mainland = true;
    a.region = 0;
    a.value = "dike";
    a.artificial_percent = 62.5;
    a.valid_percent = 100;
    a.land_side = Side::Right;
    a.side_from_mainland = true;
    a.geometry = {{121.5, 30.25}, {121.5005, 30.2505}};
    ShorelinePiece b = a;
    b.piece = 1;
    b.start_m = 99.5;
    b.length_m = 0.5;
    b.klass = ShoreClass::Unclassified;
    b.mainland = false;
    b.region = -1;
    b.value = "sandy";
    b.artificial_percent = std::nan("");
    b.valid_percent = 0;
    b.land_side = Side::Left;
    b.side_from_mainland = false;
    b.geometry = {{121.5005, 30.2505}, {121.5006, 30.2506}};
    rep.pieces = {a, b};
    return rep;
}

std::vector<std::string> names_of(const TableSpec& spec) {
    std::vector<std::string> n;
    for (const auto& c : spec.columns) n.push_back(c.name);
    return n;
}

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::vector<std::vector<std::string>> csv_rows(const std::string& path) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(slurp(path));
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::string cell;
        std::istringstream ls(line);
        while (std::getline(ls, cell, ',')) cells.push_back(cell);
        if (!line.empty() && line.back() == ',') cells.push_back("");
        rows.push_back(cells);
    }
    return rows;
}

const std::vector<std::string> kSummaryColumns = {
    "region",         "natural_m",     "artificial_m",
    "estuary_m",      "total_m",       "natural_share_percent",
    "target_percent", "pass",          "margin_percent",
    "island_m",       "unclassified_m"};

TEST(ShorelineReportTest, SummaryColumnsAndValues) {
    const ShorelineReport rep = tiny_report(true);
    const TableSpec spec = rep.table_spec();
    EXPECT_EQ(names_of(spec), kSummaryColumns);
    EXPECT_EQ(spec.layer_name, "shoreline");
    EXPECT_EQ(spec.geometry, GeometryKind::None);
    EXPECT_EQ(spec.columns[0].type, ColumnType::Text);
    EXPECT_EQ(spec.columns[7].type, ColumnType::Text);
    EXPECT_EQ(spec.columns[1].type, ColumnType::Real);

    const double total = kNatural + kArtificial + kEstuary;
    const double share = 100 * kNatural / total;
    const auto v = rep.row_values(rep.rows[0]);
    ASSERT_EQ(v.size(), 11u);
    EXPECT_EQ(std::get<std::string>(v[0]), "all");
    EXPECT_EQ(std::get<double>(v[1]), kNatural);
    EXPECT_EQ(std::get<double>(v[2]), kArtificial);
    EXPECT_EQ(std::get<double>(v[3]), kEstuary);
    EXPECT_EQ(std::get<double>(v[4]), total);
    EXPECT_EQ(std::get<double>(v[5]), share);
    EXPECT_EQ(std::get<double>(v[6]), 35.0);
    EXPECT_EQ(std::get<std::string>(v[7]), "true");  // share ~ 100 %
    EXPECT_EQ(std::get<double>(v[8]), share - 35.0);
    EXPECT_EQ(std::get<double>(v[9]), 7.25);
    EXPECT_EQ(std::get<double>(v[10]), 0.125);

    // A zero total: the share is NaN (written empty), pass and margin are missing.
    const auto e = rep.row_values(rep.rows[1]);
    EXPECT_TRUE(std::isnan(std::get<double>(e[5])));
    EXPECT_TRUE(std::holds_alternative<std::monostate>(e[7]));
    EXPECT_TRUE(std::holds_alternative<std::monostate>(e[8]));
    EXPECT_EQ(std::get<double>(e[10]), 3.0);

    // Below the target: "false" and a negative margin; without a mainland, island_m is missing.
    ShorelineReport low = rep;
    low.has_mainland = false;
    low.rows[0].totals.natural_m = 34.0;
    low.rows[0].totals.artificial_m = 66.0;
    low.rows[0].totals.estuary_m = 0.0;
    const auto l = low.row_values(low.rows[0]);
    EXPECT_EQ(std::get<std::string>(l[7]), "false");
    EXPECT_EQ(std::get<double>(l[8]), -1.0);
    EXPECT_TRUE(std::holds_alternative<std::monostate>(l[9]));
}

TEST(ShorelineReportTest, SegmentColumnsByMode) {
    const std::vector<std::string> head = {"feature",  "part",   "piece",   "class",
                                           "mainland", "region", "start_m", "length_m"};
    std::vector<std::string> raster = head, attribute = head;
    for (const char* c : {"artificial_percent", "valid_percent", "land_side", "side_from"})
        raster.push_back(c);
    for (const char* c : {"value", "land_side", "side_from"}) attribute.push_back(c);
    const TableSpec rs = tiny_report(true).segment_spec();
    EXPECT_EQ(names_of(rs), raster);
    EXPECT_EQ(rs.layer_name, "shoreline_pieces");
    EXPECT_EQ(rs.geometry, GeometryKind::Line);
    EXPECT_EQ(names_of(tiny_report(false).segment_spec()), attribute);
}

TEST(ShorelineReportTest, SummaryCsvRoundTrips) {
    const ShorelineReport rep = tiny_report(true);
    const std::string path = test::temp_dir("shoreline-report-csv") + "/s.csv";
    rep.write(path);
    const auto rows = csv_rows(path);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], kSummaryColumns);
    const auto v = rep.row_values(rep.rows[0]);
    ASSERT_EQ(rows[1].size(), 11u);
    EXPECT_EQ(rows[1][0], "all");
    for (int i : {1, 2, 3, 4, 5, 6, 8, 9, 10})
        EXPECT_EQ(std::stod(rows[1][static_cast<std::size_t>(i)]), std::get<double>(v[i]))
            << kSummaryColumns[static_cast<std::size_t>(i)] << " " << rows[1][i];
    EXPECT_EQ(rows[1][7], "true");
    // The empty region: zeros, then an empty share, pass and margin.
    ASSERT_EQ(rows[2].size(), 11u);
    EXPECT_EQ(rows[2][0], "东海 east");
    EXPECT_EQ(std::stod(rows[2][4]), 0.0);
    EXPECT_EQ(rows[2][5], "");
    EXPECT_EQ(rows[2][7], "");
    EXPECT_EQ(rows[2][8], "");
    EXPECT_EQ(std::stod(rows[2][10]), 3.0);
}

TEST(ShorelineReportTest, SummaryJsonRoundTrips) {
    const ShorelineReport rep = tiny_report(true);
    const std::string path = test::temp_dir("shoreline-report-json") + "/s.json";
    rep.write(path);
    const auto j = nlohmann::json::parse(slurp(path));
    EXPECT_EQ(j["meta"], rep.meta);
    std::vector<std::string> cols;
    for (const auto& c : j["columns"])
        cols.push_back(c.is_string() ? c.get<std::string>() : c["name"].get<std::string>());
    EXPECT_EQ(cols, kSummaryColumns);
    ASSERT_EQ(j["rows"].size(), 2u);
    const auto& all = j["rows"][0];
    EXPECT_EQ(all["region"], "all");
    EXPECT_EQ(all["natural_m"].get<double>(), kNatural);
    EXPECT_EQ(all["artificial_m"].get<double>(), kArtificial);
    EXPECT_EQ(all["estuary_m"].get<double>(), kEstuary);
    EXPECT_EQ(all["pass"], "true");
    const auto& east = j["rows"][1];
    EXPECT_EQ(east["region"], "东海 east");
    EXPECT_TRUE(east["natural_share_percent"].is_null());
    EXPECT_TRUE(east["pass"].is_null());
    EXPECT_TRUE(east["margin_percent"].is_null());
    EXPECT_EQ(east["island_m"].get<double>(), 0.0);
}

TEST(ShorelineReportTest, SegmentsGpkgRoundTripsWithGeometry) {
    const ShorelineReport rep = tiny_report(true);
    const std::string dir = test::temp_dir("shoreline-report-gpkg");
    rep.write(dir + "/s.csv", dir + "/p.gpkg");
    EXPECT_EQ(csv_rows(dir + "/s.csv").size(), 3u);
    GDALAllRegister();
    GDALDatasetH ds =
        GDALOpenEx((dir + "/p.gpkg").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
    ASSERT_NE(ds, nullptr);
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, "shoreline_pieces");
    ASSERT_NE(layer, nullptr);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    std::vector<std::string> fields;
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i)
        fields.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    EXPECT_EQ(fields, names_of(rep.segment_spec()));
    EXPECT_EQ(OGR_L_GetFeatureCount(layer, 1), 2);
    OGR_L_ResetReading(layer);
    for (const ShorelinePiece& p : rep.pieces) {
        OGRFeatureH f = OGR_L_GetNextFeature(layer);
        ASSERT_NE(f, nullptr);
        EXPECT_EQ(OGR_F_GetFieldAsInteger64(f, 0), p.fid);
        EXPECT_EQ(OGR_F_GetFieldAsInteger64(f, 1), static_cast<GIntBig>(p.part));
        EXPECT_EQ(OGR_F_GetFieldAsInteger64(f, 2), static_cast<GIntBig>(p.piece));
        EXPECT_STREQ(OGR_F_GetFieldAsString(f, 3), shore_class_name(p.klass));
        EXPECT_STREQ(OGR_F_GetFieldAsString(f, 4), p.mainland ? "true" : "false");
        if (p.region >= 0)
            EXPECT_STREQ(OGR_F_GetFieldAsString(f, 5), "东海 east");
        else
            EXPECT_TRUE(OGR_F_IsFieldNull(f, 5));
        EXPECT_EQ(OGR_F_GetFieldAsDouble(f, 6), p.start_m);
        EXPECT_EQ(OGR_F_GetFieldAsDouble(f, 7), p.length_m);
        if (std::isnan(p.artificial_percent))
            EXPECT_TRUE(OGR_F_IsFieldNull(f, 8));
        else
            EXPECT_EQ(OGR_F_GetFieldAsDouble(f, 8), p.artificial_percent);
        EXPECT_EQ(OGR_F_GetFieldAsDouble(f, 9), p.valid_percent);
        EXPECT_STREQ(OGR_F_GetFieldAsString(f, 10), p.land_side == Side::Left ? "left" : "right");
        EXPECT_STREQ(OGR_F_GetFieldAsString(f, 11),
                     p.side_from_mainland ? "mainland" : "convention");
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        ASSERT_NE(g, nullptr);
        EXPECT_EQ(wkbFlatten(OGR_G_GetGeometryType(g)), wkbMultiLineString);
        ASSERT_EQ(OGR_G_GetGeometryCount(g), 1);
        OGRGeometryH line = OGR_G_GetGeometryRef(g, 0);
        ASSERT_EQ(OGR_G_GetPointCount(line), 2);
        for (int i = 0; i < 2; ++i) {
            EXPECT_EQ(OGR_G_GetX(line, i), p.geometry[static_cast<std::size_t>(i)].x);
            EXPECT_EQ(OGR_G_GetY(line, i), p.geometry[static_cast<std::size_t>(i)].y);
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
}

TEST(ShorelineReportTest, SegmentsCsvInAttributeMode) {
    const ShorelineReport rep = tiny_report(false);
    const std::string dir = test::temp_dir("shoreline-report-seg-csv");
    rep.write(dir + "/s.json", dir + "/p.csv");
    const auto rows = csv_rows(dir + "/p.csv");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], names_of(rep.segment_spec()));
    EXPECT_EQ(rows[1], (std::vector<std::string>{"41", "1", "0", "artificial", "true", "东海 east",
                                                 "0.0", "99.5", "dike", "right", "mainland"}));
    EXPECT_EQ(rows[2], (std::vector<std::string>{"41", "1", "1", "unclassified", "false", "",
                                                 "99.5", "0.5", "sandy", "left", "convention"}));
}

TEST(ShorelineReportTest, OutputsThatCannotBeWrittenAreErrorsBeforeAnyFile) {
    const ShorelineReport rep = tiny_report(true);
    const std::string dir = test::temp_dir("shoreline-report-errors");
    auto expect_invalid = [&](const std::string& out, const std::string& seg,
                              const std::string& text) {
        try {
            rep.write(out, seg);
            FAIL() << "expected an error containing: " << text;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
            EXPECT_NE(render_for_cli(e.what()).find(text), std::string::npos) << e.what();
        }
    };
    expect_invalid(dir + "/s.csv", "-", "--segments needs a file path (.gpkg or .csv)");
    expect_invalid(dir + "/s.csv", dir + "/p.json", "--segments");
    expect_invalid(dir + "/s.gpkg", "", "--output");
    EXPECT_TRUE(std::filesystem::is_empty(dir));
}

}  // namespace
}  // namespace redline
