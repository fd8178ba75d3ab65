// The shoreline engine (compute_shoreline) on in-memory inputs, end to end: the 35 % target
// (docs/indicators.md), estuary handling, pieces, how the collaborators' answers reach the
// pieces, the totals and the warnings (regions, islands, landward side, raster cuts,
// unclassified pieces, unknown codes), determinism and bad input. The collaborators have their
// own tests beside this file (attribute_classifier, shore_raster_model,
// landward_strip_classifier, mainland_locator, region_assigner, shoreline_totals,
// shoreline_report).
#include "redline/ops/shoreline/shoreline.hpp"

#include <geodesic.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ops/shoreline/shoreline_fixtures.hpp"
#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/io/memory_raster_source.hpp"

namespace redline {
namespace {

using test::kEastward;
using test::kTm;
using test::kY0;
using test::one_line;
using test::RasterFixture;

// The point `dist` metres north of p along its meridian (GRS80).
Point north_of(Point p, double dist) {
    geod_geodesic g;
    geod_init(&g, 6378137.0, 1.0 / 298.257222101);
    double lat = 0, lon = 0;
    geod_direct(&g, p.y, p.x, 0.0, dist, &lat, &lon, nullptr);
    return Point{lon, lat};
}

ShorelineInputs lonlat_inputs(const std::vector<std::pair<double, std::string>>& features) {
    ShorelineInputs in;
    in.crs_wkt = test::wkt_of("EPSG:4490");
    in.crs_label = "EPSG:4490";
    double lon = 105.0;
    for (const auto& [len, value] : features) {
        const Point a{lon, 30.0};
        in.lines.push_back(one_line({a, north_of(a, len)}));
        in.values.push_back(value);
        in.fids.push_back(static_cast<std::int64_t>(in.fids.size()) + 1);
        lon += 0.5;
    }
    return in;
}

ShorelineRequest attribute_request() {
    ShorelineRequest req;
    req.class_field = "type";
    req.threads = 1;
    return req;
}

std::string pass_text(const ShorelineReport& rep, std::size_t row = 0) {
    const auto v = rep.row_values(rep.rows[row]);
    return std::holds_alternative<std::string>(v[7]) ? std::get<std::string>(v[7]) : "";
}

TEST(ShorelineTest, ThirtyFiveOfOneHundredKilometresPassesTheTarget) {
    const auto rep = compute_shoreline(
        attribute_request(), lonlat_inputs({{35000.0, "natural"}, {65000.0, "artificial"}}));
    ASSERT_EQ(rep.rows.size(), 1u);
    const ShorelineTotals& t = rep.rows[0].totals;
    EXPECT_EQ(rep.rows[0].region, "all");
    EXPECT_NEAR(t.natural_m, 35000.0, 1e-6);
    EXPECT_NEAR(t.artificial_m, 65000.0, 1e-6);
    EXPECT_NEAR(t.total_m(), 100000.0, 1e-6);
    EXPECT_NEAR(t.share_percent(), 35.0, 1e-9);
    EXPECT_TRUE(meets_target(t.share_percent(), 35.0));
    EXPECT_EQ(pass_text(rep), "true");
}

TEST(ShorelineTest, ThirtyFourPointNineNineNineKilometresFails) {
    const auto rep = compute_shoreline(attribute_request(),
                                       lonlat_inputs({{34999.0, "sandy"}, {65001.0, "dike"}}));
    const ShorelineTotals& t = rep.rows[0].totals;
    EXPECT_NEAR(t.share_percent(), 34.999, 1e-9);
    EXPECT_EQ(pass_text(rep), "false");
    const auto v = rep.row_values(rep.rows[0]);
    EXPECT_NEAR(std::get<double>(v[8]), -0.001, 1e-9);  // margin_percent
    // "dike" was counted as artificial by default, and said so.
    ASSERT_FALSE(rep.warnings.empty());
    EXPECT_NE(render_for_cli(rep.warnings[0]).find("dike"), std::string::npos);
}

TEST(ShorelineTest, EstuaryCountsInTheTotalNotInTheNaturalLength) {
    const auto rep = compute_shoreline(
        attribute_request(),
        lonlat_inputs({{30000.0, "Natural "}, {10000.0, "estuary"}, {60000.0, "port"}}));
    const ShorelineTotals& t = rep.rows[0].totals;
    EXPECT_NEAR(t.estuary_m, 10000.0, 1e-6);
    EXPECT_NEAR(t.total_m(), 100000.0, 1e-6);
    EXPECT_NEAR(t.share_percent(), 30.0, 1e-9);
}

TEST(ShorelineTest, EstuaryRuleNaturalOrExcluded) {
    const auto in = lonlat_inputs({{30000.0, "natural"}, {10000.0, "estuary"}, {60000.0, "port"}});
    ShorelineRequest req = attribute_request();
    req.estuary_rule = EstuaryRule::Natural;
    auto t = compute_shoreline(req, in).rows[0].totals;
    EXPECT_NEAR(t.total_m(), 100000.0, 1e-6);
    EXPECT_NEAR(t.share_percent(), 40.0, 1e-9);
    EXPECT_NEAR(t.natural_m, 30000.0, 1e-6);  // the column stays the natural length
    req.estuary_rule = EstuaryRule::Excluded;
    t = compute_shoreline(req, in).rows[0].totals;
    EXPECT_NEAR(t.total_m(), 90000.0, 1e-6);
    EXPECT_NEAR(t.share_percent(), 100.0 / 3.0, 1e-9);
    EXPECT_NEAR(t.estuary_m, 10000.0, 1e-6);
}

TEST(ShorelineTest, PiecesAreAtMostPieceLengthAndAddUpToTheLine) {
    ShorelineRequest req = attribute_request();
    req.keep_pieces = true;
    const auto rep = compute_shoreline(req, lonlat_inputs({{1234.5, "natural"}}));
    ASSERT_EQ(rep.pieces.size(), 13u);  // ceil(1234.5 / 100)
    double sum = 0;
    for (const auto& p : rep.pieces) {
        EXPECT_LE(p.length_m, 100.0);
        EXPECT_NEAR(p.length_m, 1234.5 / 13, 1e-6);
        sum += p.length_m;
    }
    EXPECT_NEAR(sum, 1234.5, 1e-6);
    EXPECT_EQ(rep.pieces.back().piece, 12u);
    EXPECT_EQ(rep.pieces.front().fid, 1);
}

TEST(ShorelineTest, RegionsInLayerOrderAndAllFirst) {
    ShorelineInputs in = lonlat_inputs({{20000.0, "natural"}, {30000.0, "artificial"}});
    // Region "east" (first in layer order) holds the second line, "west" the first.
    in.region_names = {"east", "west"};
    in.regions = {test::box(105.4, 29.9, 105.6, 30.5), test::box(104.9, 29.9, 105.1, 30.5)};
    const auto rep = compute_shoreline(attribute_request(), in);
    ASSERT_EQ(rep.rows.size(), 3u);
    EXPECT_EQ(rep.rows[0].region, "all");
    EXPECT_EQ(rep.rows[1].region, "east");
    EXPECT_EQ(rep.rows[2].region, "west");
    EXPECT_NEAR(rep.rows[1].totals.artificial_m, 30000.0, 1e-6);
    EXPECT_NEAR(rep.rows[1].totals.natural_m, 0.0, 1e-9);
    EXPECT_NEAR(rep.rows[2].totals.natural_m, 20000.0, 1e-6);
    EXPECT_NEAR(rep.rows[0].totals.total_m(), 50000.0, 1e-6);
}

TEST(ShorelineTest, IslandPiecesAreReportedApartAndExcludedFromTheShare) {
    ShorelineInputs in =
        lonlat_inputs({{10000.0, "natural"}, {5000.0, "artificial"}, {7000.0, "natural"}});
    // The mainland polygon has the first two lines on its western edges; the third is offshore.
    in.mainland = test::box(105.0, 29.9, 105.5, 30.5);
    ShorelineRequest req = attribute_request();
    const auto rep = compute_shoreline(req, in);
    const ShorelineTotals& t = rep.rows[0].totals;
    // Line 2 at 105.5E lies on the east edge of the box: also mainland. Line 3 at 106E: island.
    EXPECT_NEAR(t.natural_m, 10000.0, 1e-6);
    EXPECT_NEAR(t.artificial_m, 5000.0, 1e-6);
    EXPECT_NEAR(t.island_m, 7000.0, 1e-6);
    EXPECT_NEAR(t.share_percent(), 100.0 * 10000 / 15000, 1e-9);
}

TEST(ShorelineTest, PiecesInNoRegionCountInAllOnlyWithAWarning) {
    // The second line (at 105.5E) is 0.4 degrees (~38.6 km) east of the only region.
    ShorelineInputs in = lonlat_inputs({{20000.0, "natural"}, {30000.0, "artificial"}});
    in.region_names = {"west"};
    in.regions = {test::box(104.9, 29.9, 105.1, 30.5)};
    const auto rep = compute_shoreline(attribute_request(), in);
    ASSERT_EQ(rep.rows.size(), 2u);
    EXPECT_NEAR(rep.rows[0].totals.total_m(), 50000.0, 1e-6);
    EXPECT_NEAR(rep.rows[1].totals.total_m(), 20000.0, 1e-6);
    // After the warning that "artificial" is in no list and counts as artificial.
    ASSERT_EQ(rep.warnings.size(), 2u);
    EXPECT_NE(render_for_cli(rep.warnings[0]).find("value(s) artificial are in neither"),
              std::string::npos);
    EXPECT_EQ(render_for_cli(rep.warnings[1]),
              "30000.000 m of shoreline lies in no --by region (nor within --by-snap-m 5000 m of "
              "one); it counts in 'all' only");
}

TEST(ShorelineTest, UndecidedLandwardSideFallsBackToTheConventionWithAWarning) {
    // A mainland sliver 4 m wide around the line at 105E: every probe is outside it.
    ShorelineInputs in = lonlat_inputs({{150.0, "natural"}});
    const double deg_per_m = 1.0 / 96486.28;  // of longitude at 30N, about
    in.mainland = test::box(105.0 - 2 * deg_per_m, 29.99, 105.0 + 2 * deg_per_m, 30.01);
    ShorelineRequest req = attribute_request();
    req.keep_pieces = true;
    req.land_side = Side::Right;
    const auto rep = compute_shoreline(req, in);
    ASSERT_EQ(rep.pieces.size(), 2u);
    for (const auto& p : rep.pieces) {
        EXPECT_TRUE(p.mainland);
        EXPECT_EQ(p.land_side, Side::Right);
        EXPECT_FALSE(p.side_from_mainland);
    }
    ASSERT_EQ(rep.warnings.size(), 1u);
    EXPECT_EQ(render_for_cli(rep.warnings[0])
                  .find("2 mainland piece(s) could not tell their landward side"),
              0u);
    EXPECT_NE(render_for_cli(rep.warnings[0]).find("the --land-side convention (right) was used"),
              std::string::npos);
}

TEST(ShorelineTest, SnapDistanceDecidesWhatIsOnTheMainlandBoundary) {
    ShorelineInputs in = lonlat_inputs({{10000.0, "natural"}});
    // Mainland edge 40 m (then 60 m) east of the line at 105E, 30-30.1N.
    const double deg_per_m = 1.0 / 96486.28;
    in.mainland = test::box(105.0 + 40 * deg_per_m, 29.9, 105.5, 30.5);
    auto rep = compute_shoreline(attribute_request(), in);
    EXPECT_NEAR(rep.rows[0].totals.island_m, 0.0, 1e-9);
    in.mainland = test::box(105.0 + 60 * deg_per_m, 29.9, 105.5, 30.5);
    rep = compute_shoreline(attribute_request(), in);
    EXPECT_NEAR(rep.rows[0].totals.island_m, 10000.0, 1e-6);
    EXPECT_TRUE(std::isnan(rep.rows[0].totals.share_percent()));
}

// --- Raster classification -------------------------------------------------------------------

ShorelineInputs raster_inputs(const RasterFixture& f, std::vector<LineString> lines) {
    ShorelineInputs in;
    in.crs_wkt = f.wkt;
    in.crs_label = "tmerc";
    for (auto& l : lines) {
        in.lines.push_back(one_line(std::move(l)));
        in.fids.push_back(static_cast<std::int64_t>(in.fids.size()));
    }
    in.raster = f.source.get();
    return in;
}

ShorelineRequest raster_request(double buffer_m) {
    ShorelineRequest req;
    req.raster = "memory";
    req.buffer_m = buffer_m;
    req.threads = 1;
    req.keep_pieces = true;
    return req;
}

TEST(ShorelineTest, RasterCutsBecomeNumberedPiecesWithTheirGeometry) {
    // Impervious west of x = 500000 (columns 0-9), forest east of it.
    std::vector<std::uint8_t> row(20, 2);
    for (int c = 0; c < 10; ++c) row[static_cast<std::size_t>(c)] = 8;
    RasterFixture f({{0}, row, row, {0}, {0}, {0}});
    const auto rep = compute_shoreline(raster_request(20), raster_inputs(f, {kEastward}));
    ASSERT_EQ(rep.pieces.size(), 2u);
    EXPECT_EQ(rep.pieces[0].klass, ShoreClass::Artificial);
    EXPECT_EQ(rep.pieces[1].klass, ShoreClass::Natural);
    EXPECT_NEAR(rep.pieces[0].length_m, 45.0, 1e-3);
    // The cut is found by bisection to a few micrometres.
    EXPECT_NEAR(rep.pieces[0].artificial_percent, 100.0, 1e-4);
    EXPECT_NEAR(rep.pieces[1].artificial_percent, 0.0, 1e-4);
    EXPECT_NEAR(rep.pieces[0].geometry.back().x, 500000.0, 1e-3);
    EXPECT_EQ(rep.pieces[1].piece, 1u);
    EXPECT_EQ(rep.pieces[1].start_m, rep.pieces[0].length_m);
    EXPECT_NEAR(rep.rows[0].totals.artificial_m, 45.0, 1e-3);
    EXPECT_NEAR(rep.rows[0].totals.natural_m, 45.0, 1e-3);
    EXPECT_EQ(rep.piece_count, 2u);
}

TEST(ShorelineTest, StripWithoutValidCellsIsUnclassifiedAndLeftOutOfTheShare) {
    RasterFixture f({{0}, {2}, {8}, {0}, {0}, {0}});
    ShorelineRequest req = raster_request(20);
    req.land_side = Side::Right;  // the sea side: all nodata
    const auto rep = compute_shoreline(req, raster_inputs(f, {kEastward}));
    EXPECT_EQ(rep.pieces[0].klass, ShoreClass::Unclassified);
    EXPECT_NEAR(rep.rows[0].totals.unclassified_m, 90.0, 1e-3);
    EXPECT_EQ(rep.rows[0].totals.total_m(), 0.0);
    ASSERT_GE(rep.warnings.size(), 2u);
    EXPECT_EQ(render_for_cli(rep.warnings[0])
                  .find("90.000 m of mainland shoreline has no valid raster cell in its "
                        "20 m landward strip"),
              0u);
    EXPECT_EQ(render_for_cli(rep.warnings[1]),
              "the mainland shoreline has zero length: the share is undefined");
}

TEST(ShorelineTest, MainlandPolygonDecidesTheLandwardSide) {
    // The line runs westward (land on its right); the mainland polygon is north of it.
    RasterFixture f({{0}, {2}, {8}, {0}, {0}, {0}});
    const LineString westward{{500045, kY0}, {499955, kY0}};
    ShorelineInputs in = raster_inputs(f, {westward, {{500045, kY0 - 5000}, {499955, kY0 - 5000}}});
    in.mainland = test::box(499000, kY0, 501000, kY0 + 1000);
    const auto rep = compute_shoreline(raster_request(20), in);
    ASSERT_EQ(rep.pieces.size(), 2u);
    EXPECT_EQ(rep.pieces[0].land_side, Side::Right);
    EXPECT_TRUE(rep.pieces[0].side_from_mainland);
    EXPECT_TRUE(rep.pieces[0].mainland);
    EXPECT_EQ(rep.pieces[0].klass, ShoreClass::Artificial);
    // The second line is 5 km offshore: an island piece, by the left convention.
    EXPECT_FALSE(rep.pieces[1].mainland);
    EXPECT_FALSE(rep.pieces[1].side_from_mainland);
    EXPECT_NEAR(rep.rows[0].totals.island_m, 90.0, 1e-3);
    EXPECT_NEAR(rep.rows[0].totals.artificial_m, 90.0, 1e-3);
}

TEST(ShorelineTest, RasterCodesUnknownToTheTableCountAsNodataWithAWarning) {
    RasterFixture f({{0}, {77}, {8}, {0}, {0}, {0}});
    const auto rep = compute_shoreline(raster_request(20), raster_inputs(f, {kEastward}));
    EXPECT_NEAR(rep.pieces[0].artificial_percent, 100.0, 1e-6);
    bool warned = false;
    for (const auto& w : rep.warnings)
        warned = warned || w.find("count as no data: 77") != std::string::npos;
    EXPECT_TRUE(warned);
}

// --- Determinism and bad input ---------------------------------------------------------------

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

TEST(ShorelineTest, SameBytesForOneAndEightThreads) {
    // A 200 x 200 raster of 10 m cells with random classes, a long wiggly line across it.
    std::vector<std::uint8_t> cells(200 * 200);
    std::uint32_t s = 12345;
    for (auto& c : cells) {
        s = s * 1664525u + 1013904223u;
        c = static_cast<std::uint8_t>((s >> 24) % 3 == 0 ? 8 : 1 + (s >> 20) % 7);
    }
    const Grid grid(499000, 10, kY0 + 1000, -10, 200, 200);
    const std::string wkt = test::wkt_of(kTm);
    MemoryRasterSource src(cells.data(), CellType::UInt8, grid, wkt, 0);
    ShorelineInputs in;
    in.crs_wkt = wkt;
    in.crs_label = "tmerc";
    in.raster = &src;
    for (int k = 0; k < 3; ++k) {
        LineString l;
        for (int i = 0; i <= 400; ++i)
            l.push_back(Point{499100 + 4.5 * i, kY0 + 200 + 250 * k + 60 * std::sin(i * 0.05 + k)});
        in.lines.push_back(one_line(l));
        in.fids.push_back(k);
    }
    in.region_names = {"a", "b"};
    in.regions = {test::box(499000, kY0, 500000, kY0 + 1000),
                  test::box(500000, kY0, 501000, kY0 + 1000)};
    const std::string dir = test::temp_dir("shoreline-threads");
    std::string outs[2], segs[2];
    const int threads[2] = {1, 8};
    for (int t = 0; t < 2; ++t) {
        ShorelineRequest req = raster_request(30);
        req.threads = threads[t];
        req.piece_m = 37;
        const auto rep = compute_shoreline(req, in);
        EXPECT_GT(rep.pieces.size(), 3u * 1800 / 37);
        const std::string o = dir + "/s" + std::to_string(t) + ".csv";
        const std::string g = dir + "/p" + std::to_string(t) + ".csv";
        rep.write(o, g);
        outs[t] = slurp(o);
        segs[t] = slurp(g);
    }
    EXPECT_EQ(outs[0], outs[1]);
    EXPECT_EQ(segs[0], segs[1]);
    EXPECT_GT(segs[0].size(), 10000u);
}

void expect_invalid(const ShorelineRequest& req, const ShorelineInputs& in,
                    const std::string& text) {
    try {
        compute_shoreline(req, in);
        FAIL() << "expected an error containing: " << text;
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        EXPECT_NE(render_for_cli(e.what()).find(text), std::string::npos) << e.what();
    }
}

TEST(ShorelineTest, BadAttributeValuesAreClearErrors) {
    ShorelineRequest req = attribute_request();
    expect_invalid(req, lonlat_inputs({{1000.0, "natural"}, {1000.0, " "}}),
                   "1 feature(s) have no value in --class-field 'type' (feature ids 2)");
    req.artificial_values = {"sandy"};
    expect_invalid(req, lonlat_inputs({{1000.0, "natural"}}),
                   "value 'sandy' is listed both in --natural and in --artificial");
    req.artificial_values = {};
    req.piece_m = 0;
    expect_invalid(req, lonlat_inputs({{1000.0, "natural"}}),
                   "--piece-m must be a positive number");
    req.piece_m = 100;
    req.target_percent = 135;
    expect_invalid(req, lonlat_inputs({{1000.0, "natural"}}), "--target must be a percentage");
}

}  // namespace
}  // namespace redline
