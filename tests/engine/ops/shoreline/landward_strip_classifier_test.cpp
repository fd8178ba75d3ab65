// The landward-strip classifier on hand-made rasters (docs/indicators.md#shoreline-classification):
// strip areas of a polygon counted by hand, the 50 % rule and its tie, nodata left out of the
// share, cuts where the land use changes, the window rule.
#include "redline/ops/shoreline/landward_strip_classifier.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "ops/shoreline/shoreline_fixtures.hpp"

namespace redline {
namespace {

using test::kEastward;
using test::kY0;
using test::RasterFixture;

struct Classified {
    std::vector<StripPiece> pieces;
    std::set<std::int64_t> unknown;
};

// Classifies the whole of `line` on `f` as the engine does: one window, then one piece.
Classified classify_line(const RasterFixture& f, const LineString& line, double buffer_m,
                         Side side = Side::Left, const std::vector<std::string>& artificial = {}) {
    const ShoreRasterModel model = ShoreRasterModel::build(*f.source, "clcd", artificial, 100, 1);
    const LineMeasurer meas(f.wkt, 100);
    const MeasuredLine ml = meas.measure(line);
    const double len = ml.length_m();
    const LocalMetric metric = meas.metric_at(ml.point_at(len / 2));
    LandwardStripClassifier c(model, buffer_m);
    c.load_window(ml, 0, len, metric);
    Classified out;
    c.classify(ml, 0, len, metric, side, out.pieces, out.unknown);
    return out;
}

TEST(LandwardStripClassifierTest, FiftyPercentRuleWithTiesArtificial) {
    using C = ShoreClass;
    EXPECT_EQ(LandwardStripClassifier::class_of(50, 100), C::Artificial);  // the tie
    EXPECT_EQ(LandwardStripClassifier::class_of(50 * (1 - 5e-10), 100), C::Artificial);
    EXPECT_EQ(LandwardStripClassifier::class_of(50 * (1 - 2e-9), 100), C::Natural);
    EXPECT_EQ(LandwardStripClassifier::class_of(60, 100), C::Artificial);
    EXPECT_EQ(LandwardStripClassifier::class_of(40, 100), C::Natural);
    EXPECT_EQ(LandwardStripClassifier::class_of(0, 100), C::Natural);
    EXPECT_EQ(LandwardStripClassifier::class_of(0, 0), C::Unclassified);
}

TEST(LandwardStripClassifierTest, StripAreasCountValidAndArtificialCells) {
    // Rows (top-down): y 20-30 nodata, 10-20 forest, 0-10 impervious. A 15 x 20 m box over
    // y 5-25 holds 5 m of nodata, 10 m of forest and 5 m of impervious: 300, 225 and 75 m2.
    RasterFixture f({{0}, {2}, {8}, {0}});
    const ShoreRasterModel model = ShoreRasterModel::build(*f.source, "clcd", {}, 100, 1);
    LandwardStripClassifier c(model, 20);
    std::set<std::int64_t> unknown;
    const StripAreas a = c.strip_areas(test::box(499950, kY0 + 5, 499965, kY0 + 25), unknown);
    EXPECT_NEAR(a.total_m2, 300.0, 1e-6);
    EXPECT_NEAR(a.valid_m2, 225.0, 1e-6);
    EXPECT_NEAR(a.artificial_m2, 75.0, 1e-6);
    EXPECT_TRUE(unknown.empty());
    const StripAreas none = c.strip_areas(MultiPolygon{}, unknown);
    EXPECT_EQ(none.total_m2, 0.0);
}

TEST(LandwardStripClassifierTest, HalfArtificialStripIsATieAndTiesAreArtificial) {
    // A 20 m strip north of the line: 10 m of impervious (row 2), 10 m of forest (row 1).
    const auto r = classify_line(RasterFixture({{0}, {2}, {8}, {0}, {0}, {0}}), kEastward, 20);
    ASSERT_EQ(r.pieces.size(), 1u);
    EXPECT_NEAR(r.pieces[0].artificial_percent, 50.0, 1e-6);
    EXPECT_EQ(r.pieces[0].klass, ShoreClass::Artificial);
    EXPECT_NEAR(r.pieces[0].valid_percent, 100.0, 1e-6);
    EXPECT_EQ(r.pieces[0].s0, 0.0);
    EXPECT_NEAR(r.pieces[0].s1, 90.0, 1e-6);
    // The same tie with the classes swapped is artificial too.
    const auto s = classify_line(RasterFixture({{0}, {8}, {2}, {0}, {0}, {0}}), kEastward, 20);
    EXPECT_EQ(s.pieces[0].klass, ShoreClass::Artificial);
}

TEST(LandwardStripClassifierTest, FortyPercentIsNaturalSixtyPercentArtificial) {
    // Strip of 25 m: 10 m impervious, 10 m forest, 5 m of the top row (forest, then impervious).
    auto r = classify_line(RasterFixture({{2}, {2}, {8}, {0}, {0}, {0}}), kEastward, 25);
    ASSERT_EQ(r.pieces.size(), 1u);
    EXPECT_NEAR(r.pieces[0].artificial_percent, 40.0, 1e-6);
    EXPECT_EQ(r.pieces[0].klass, ShoreClass::Natural);
    r = classify_line(RasterFixture({{8}, {2}, {8}, {0}, {0}, {0}}), kEastward, 25);
    ASSERT_EQ(r.pieces.size(), 1u);
    EXPECT_NEAR(r.pieces[0].artificial_percent, 60.0, 1e-6);
    EXPECT_EQ(r.pieces[0].klass, ShoreClass::Artificial);
}

TEST(LandwardStripClassifierTest, NodataIsExcludedFromTheStripShare) {
    // 10 m impervious next to the line, nodata beyond: 100 % of the valid half is artificial.
    const auto r = classify_line(RasterFixture({{0}, {0}, {8}, {0}, {0}, {0}}), kEastward, 20);
    ASSERT_EQ(r.pieces.size(), 1u);
    EXPECT_NEAR(r.pieces[0].artificial_percent, 100.0, 1e-6);
    EXPECT_NEAR(r.pieces[0].valid_percent, 50.0, 1e-6);
}

TEST(LandwardStripClassifierTest, StripWithoutValidCellsIsUnclassified) {
    // The right of the eastward line is the sea side: all nodata.
    const auto r =
        classify_line(RasterFixture({{0}, {2}, {8}, {0}, {0}, {0}}), kEastward, 20, Side::Right);
    ASSERT_EQ(r.pieces.size(), 1u);
    EXPECT_EQ(r.pieces[0].klass, ShoreClass::Unclassified);
    EXPECT_TRUE(std::isnan(r.pieces[0].artificial_percent));
    EXPECT_EQ(r.pieces[0].valid_percent, 0.0);
}

TEST(LandwardStripClassifierTest, PieceIsCutWhereTheLandwardLandUseChanges) {
    // Impervious west of x = 500000 (columns 0-9), forest east of it: the cut is 45 m along.
    std::vector<std::uint8_t> row(20, 2);
    for (int c = 0; c < 10; ++c) row[static_cast<std::size_t>(c)] = 8;
    const auto r = classify_line(RasterFixture({{0}, row, row, {0}, {0}, {0}}), kEastward, 20);
    ASSERT_EQ(r.pieces.size(), 2u);
    EXPECT_EQ(r.pieces[0].klass, ShoreClass::Artificial);
    EXPECT_EQ(r.pieces[1].klass, ShoreClass::Natural);
    EXPECT_EQ(r.pieces[0].s0, 0.0);
    EXPECT_NEAR(r.pieces[0].s1, 45.0, 1e-3);
    EXPECT_EQ(r.pieces[1].s0, r.pieces[0].s1);
    EXPECT_NEAR(r.pieces[1].s1, 90.0, 1e-6);
    // The cut is found by bisection to a few micrometres: the strips hardly cross it.
    EXPECT_NEAR(r.pieces[0].artificial_percent, 100.0, 1e-4);
    EXPECT_NEAR(r.pieces[1].artificial_percent, 0.0, 1e-4);
}

TEST(LandwardStripClassifierTest, ArtificialClassesAndUnknownCodes) {
    // Cropland named artificial: 10 m cropland + 10 m forest is a tie, so artificial.
    auto r = classify_line(RasterFixture({{0}, {1}, {2}, {0}, {0}, {0}}), kEastward, 20, Side::Left,
                           {"built_up", "cropland"});
    EXPECT_EQ(r.pieces[0].klass, ShoreClass::Artificial);
    EXPECT_NEAR(r.pieces[0].artificial_percent, 50.0, 1e-6);
    // Code 77 is not in CLCD: no data, and reported.
    r = classify_line(RasterFixture({{0}, {77}, {8}, {0}, {0}, {0}}), kEastward, 20);
    EXPECT_NEAR(r.pieces[0].artificial_percent, 100.0, 1e-6);
    EXPECT_NEAR(r.pieces[0].valid_percent, 50.0, 1e-6);
    EXPECT_EQ(r.unknown, (std::set<std::int64_t>{77}));
}

TEST(LandwardStripClassifierTest, WindowIsTheStretchGrownByTheStripAndTwoCells) {
    // 100 x 100 cells of 10 m from x = 499500, top edge kY0 + 500. The line spans x 499953 ..
    // 500043 at y = kY0 + 3; the margin is 1.5 x 20 + 2 x 10 = 50 m, so columns 40.3 .. 59.3
    // and rows 44.7 .. 54.7 in cell coordinates, widened to whole cells plus one: columns
    // 39 .. 61, rows 43 .. 56.
    std::vector<std::uint8_t> cells(100 * 100, 2);
    const std::string wkt = test::wkt_of(test::kTm);
    MemoryRasterSource src(cells.data(), CellType::UInt8,
                           Grid(499500, 10, kY0 + 500, -10, 100, 100), wkt, 0);
    const ShoreRasterModel model = ShoreRasterModel::build(src, "clcd", {}, 100, 1);
    const LineMeasurer meas(wkt, 100);
    const MeasuredLine ml = meas.measure({{499953, kY0 + 3}, {500043, kY0 + 3}});
    LandwardStripClassifier c(model, 20);
    c.load_window(ml, 0, ml.length_m(), meas.metric_at(ml.point_at(ml.length_m() / 2)));
    EXPECT_EQ(c.window().col0, 39);
    EXPECT_EQ(c.window().row0, 43);
    EXPECT_EQ(c.window().cols, 22);
    EXPECT_EQ(c.window().rows, 13);
    // Near the grid's edges the window is clipped to the grid.
    RasterFixture f({{0}, {2}, {8}, {0}, {0}, {0}});
    const ShoreRasterModel small = ShoreRasterModel::build(*f.source, "clcd", {}, 100, 1);
    const MeasuredLine ml2 = meas.measure(kEastward);
    LandwardStripClassifier c2(small, 20);
    c2.load_window(ml2, 0, ml2.length_m(), meas.metric_at(ml2.point_at(45)));
    EXPECT_EQ(c2.window().col0, 0);
    EXPECT_EQ(c2.window().row0, 0);
    EXPECT_EQ(c2.window().cols, 20);
    EXPECT_EQ(c2.window().rows, 6);
}

}  // namespace
}  // namespace redline
