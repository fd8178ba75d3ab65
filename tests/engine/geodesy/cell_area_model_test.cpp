// Cell areas (docs/geodesy.md#cell-area): constant for equal-area CRSs, exact per row for
// geographic ones, per cell (< 1e-7) for Gauss-Krüger and other projections.
#include "redline/geodesy/cell_area_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "redline/core/error.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geodesy/ellipsoid.hpp"
#include "redline/geodesy/transformer.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

double total_area(const CellAreaModel& m, const Window& w) {
    double s = 0;
    for (std::int64_t r = w.row0; r < w.row_end(); ++r)
        for (std::int64_t c = w.col0; c < w.col_end(); ++c) s += m.cell_area_m2(r, c);
    return s;
}

TEST(CellAreaModelTest, EqualAreaAlbersOnGrs80IsConstantAndExact) {
    Grid g(600000, 30, 3600000, -30, 1000, 1000);
    auto m = CellAreaModel::build(g, test::crs_of(test::kAlbers));
    EXPECT_EQ(m.kind(), AreaModelKind::Constant);
    EXPECT_EQ(m.cell_area_m2(0, 0), 900.0);
    EXPECT_EQ(m.cell_area_m2(999, 999), 900.0);
    EXPECT_TRUE(m.warnings().empty());
    EXPECT_NE(m.description().find("Albers Equal Area"), std::string::npos);
}

TEST(CellAreaModelTest, ClcdAlbersOnWgs84IsConstant) {
    Grid g(-2000000, 30, 5000000, -30, 100, 100);
    auto m =
        CellAreaModel::build(g, test::crs_of("+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 "
                                             "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"));
    EXPECT_EQ(m.kind(), AreaModelKind::Constant);
}

TEST(CellAreaModelTest, GeographicRowsAreExactQuadrangles) {
    Grid g(105, 1, 31, -1, 1, 1);
    auto m = CellAreaModel::build(g, test::crs_of("EPSG:4490"));
    EXPECT_EQ(m.kind(), AreaModelKind::PerRow);
    EXPECT_NEAR(m.cell_area_m2(0, 0), 10'642'393'438.71, 0.01);
}

TEST(CellAreaModelTest, WorldCoverPixelAreasByLatitude) {
    // docs/geodesy.md#cell-area: 1/12000 degree pixels at 20, 35, 50 N: 80.45, 70.33, 55.38 m2.
    const double d = 1.0 / 12000.0;
    for (auto [lat, want] : {std::pair{20.0, 80.45}, {35.0, 70.33}, {50.0, 55.38}}) {
        Grid g(6, d, lat + d, -d, 1, 1);
        auto m = CellAreaModel::build(g, test::crs_of("EPSG:4326"));
        EXPECT_NEAR(m.cell_area_m2(0, 0), want, 0.005) << lat;
    }
}

TEST(CellAreaModelTest, GeographicBeyondPoleIsRejected) {
    Grid g(0, 1, 95, -1, 10, 10);
    EXPECT_THROW(CellAreaModel::build(g, test::crs_of("EPSG:4326")), Error);
}

TEST(CellAreaModelTest, NoCrsIsRejected) {
    EXPECT_THROW(CellAreaModel::build(Grid(0, 1, 0, -1, 2, 2), Crs{}), Error);
}

// Exact ellipsoidal area of a GK rectangle: densify in the plane, inverse-project, exact sum.
double gk_rect_area(const std::string& wkt, double x0, double y0, double x1, double y1) {
    MultiPolygon mp = test::box(x0, y0, x1, y1);
    densify(mp, 5.0);
    Transformer inv = Transformer::to_geographic(wkt);
    for (auto& p : mp.polygons)
        for (auto& r : p.rings) inv.transform(r);
    return Ellipsoid::cgcs2000().area_lonlat(mp);
}

TEST(CellAreaModelTest, GaussKrugerPerCellAreasWithin1e7OfExact) {
    // EPSG:4523 (zone 35, CM 105E, false easting 35 500 000): a block 1.5 degrees east of the CM
    // at 30N, where the plane area is ~0.052 % larger than the ellipsoid's.
    const std::string wkt = test::wkt_of("EPSG:4523");
    const double x0 = 35'500'000 + 144'000, y0 = 3'330'000;  // ~1.5 deg east, ~30 N
    Grid g(x0, 30, y0, -30, 3000, 3000);
    auto m = CellAreaModel::build(g, make_crs(wkt, "test CRS"));
    EXPECT_EQ(m.kind(), AreaModelKind::PerCell);
    // Whole block.
    const double model = total_area(m, g.full());
    const double exact = gk_rect_area(wkt, x0, y0 - 90000, x0 + 90000, y0);
    EXPECT_NEAR(model / exact, 1.0, 1e-7);
    // The plane area is clearly larger (the bias of summing plane areas).
    EXPECT_GT(90000.0 * 90000.0 / exact - 1.0, 4e-4);
    // Single cells in the corners and the middle.
    for (auto [r, c] :
         {std::pair<std::int64_t, std::int64_t>{0, 0}, {2999, 2999}, {1500, 17}, {7, 2990}}) {
        const double cx = x0 + 30.0 * static_cast<double>(c),
                     cy = y0 - 30.0 * static_cast<double>(r);
        const double e = gk_rect_area(wkt, cx, cy - 30, cx + 30, cy);
        EXPECT_NEAR(m.cell_area_m2(r, c) / e, 1.0, 1e-7) << r << "," << c;
    }
}

TEST(CellAreaModelTest, KrasovskyAlbersIsMeasuredOnGrs80WithAWarning) {
    // docs/geodesy.md#equal-area-albers: the Krasovsky Albers plane overstates GRS80 areas
    // by 3.43e-5.
    const std::string wkt = test::wkt_of(
        "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=krass +units=m "
        "+no_defs");
    Grid g(0, 1000, 3500000, -1000, 100, 100);
    auto m = CellAreaModel::build(g, make_crs(wkt, "test CRS"));
    EXPECT_EQ(m.kind(), AreaModelKind::PerCell);
    ASSERT_FALSE(m.warnings().empty());
    EXPECT_NE(m.warnings()[0].find("Krassovsky"), std::string::npos) << m.warnings()[0];
    const double ratio = (100.0 * 100.0 * 1e6) / total_area(m, g.full()) - 1.0;
    EXPECT_NEAR(ratio, 3.43e-5, 0.2e-5);
}

TEST(CellAreaModelTest, FixedPointUnitsMatchDoubles) {
    Grid g(105, 0.001, 31, -0.001, 10, 10);
    auto m = CellAreaModel::build(g, test::crs_of("EPSG:4490"));
    std::int64_t units[10];
    m.cell_area_units(3, 0, 10, units);
    EXPECT_NEAR(
        std::ldexp(static_cast<double>(units[0]), -m.scale().exponent) / m.cell_area_m2(3, 0), 1.0,
        1e-13);
}

}  // namespace
}  // namespace redline
