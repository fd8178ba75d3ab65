// Grid and Window. The oracle for positions is GDAL's own geotransform arithmetic
// (GDALApplyGeoTransform, GDALInvGeoTransform); windows are checked against cell sets
// enumerated by hand.
#include "redline/core/grid.hpp"

#include <gdal.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <set>
#include <utility>

#include "test_support.hpp"

namespace redline {
namespace {

using test::error_message;
using test::has;

TEST(Grid, KeepsTheGeotransformAndSize) {
    const Grid g(500000.0, 30.0, 4400000.0, -30.0, 7, 5);
    EXPECT_EQ(g.x0(), 500000.0);
    EXPECT_EQ(g.dx(), 30.0);
    EXPECT_EQ(g.y0(), 4400000.0);
    EXPECT_EQ(g.dy(), -30.0);
    EXPECT_EQ(g.cols(), 7);
    EXPECT_EQ(g.rows(), 5);
    EXPECT_EQ(g.cells(), 35);
    EXPECT_EQ(g.full(), (Window{0, 0, 7, 5}));
}

TEST(Grid, PositionsAgreeWithGdalsGeotransform) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(-3.0, 1000.0);
    for (const auto& gt : {std::array<double, 6>{73.5, 1.0 / 12000, 0, 53.6, 0, -1.0 / 12000},
                           std::array<double, 6>{-2.5e6, 30.0, 0, 5.8e6, 0, -30.0},
                           std::array<double, 6>{100.0, 0.25, 0, -10.0, 0, 0.5}}) {  // south-up
        const Grid g(gt[0], gt[1], gt[3], gt[5], 1000, 1000);
        double inv[6];
        ASSERT_TRUE(GDALInvGeoTransform(const_cast<double*>(gt.data()), inv));
        for (int i = 0; i < 200; ++i) {
            const double col = u(rng), row = u(rng);
            double x = 0, y = 0;
            GDALApplyGeoTransform(const_cast<double*>(gt.data()), col, row, &x, &y);
            EXPECT_DOUBLE_EQ(g.x_of(col), x);
            EXPECT_DOUBLE_EQ(g.y_of(row), y);
            double c = 0, r = 0;
            GDALApplyGeoTransform(inv, x, y, &c, &r);
            EXPECT_NEAR(g.col_of(x), c, 1e-7);
            EXPECT_NEAR(g.row_of(y), r, 1e-7);
            EXPECT_NEAR(g.col_of(x), col, 1e-7);
            EXPECT_NEAR(g.row_of(y), row, 1e-7);
        }
    }
}

// Cell (c, r) spans [c, c+1) x [r, r+1) in cell coordinates: a point on the line between two
// cells belongs to the cell on its right (columns) or below it (rows of a north-up grid), and the
// grid's right and bottom edges belong to no cell. With a dyadic cell size the edges are exact.
TEST(Grid, EdgesBelongToTheCellThatStartsThere) {
    const Grid g(100.0, 0.25, 50.0, -0.125, 8, 4);
    auto cell_of = [&](double x, double y) {
        return std::pair<double, double>{std::floor(g.col_of(x)), std::floor(g.row_of(y))};
    };
    EXPECT_EQ(cell_of(100.0, 50.0), (std::pair<double, double>{0, 0}));   // top-left corner
    EXPECT_EQ(cell_of(100.75, 50.0), (std::pair<double, double>{3, 0}));  // left edge of col 3
    EXPECT_EQ(cell_of(100.7499, 49.875), (std::pair<double, double>{2, 1}));
    EXPECT_EQ(cell_of(101.0, 49.625), (std::pair<double, double>{4, 3}));  // corner of 4 cells
    EXPECT_EQ(g.col_of(102.0), 8.0);                                       // right edge = cols
    EXPECT_EQ(g.row_of(49.5), 4.0);                                        // bottom edge = rows
    for (std::int64_t c = 0; c <= g.cols(); ++c)
        EXPECT_EQ(g.col_of(g.x_of(static_cast<double>(c))), static_cast<double>(c));
    for (std::int64_t r = 0; r <= g.rows(); ++r)
        EXPECT_EQ(g.row_of(g.y_of(static_cast<double>(r))), static_cast<double>(r));
    // The cells a point on an edge can touch are clipped to the grid by Window::intersect.
    const Window right_edge{8, 0, 1, 4};
    EXPECT_TRUE(right_edge.intersect(g.full()).empty());
}

TEST(Grid, ExtentIsTheOuterCornersInBothOrientations) {
    const Grid north(10.0, 2.0, 100.0, -4.0, 3, 5);  // rows go down from y = 100
    const Box a = north.extent();
    EXPECT_EQ(a.xmin, 10.0);
    EXPECT_EQ(a.xmax, 16.0);
    EXPECT_EQ(a.ymin, 80.0);
    EXPECT_EQ(a.ymax, 100.0);
    const Grid south(10.0, 2.0, 100.0, 4.0, 3, 5);  // rows go up from y = 100
    const Box b = south.extent();
    EXPECT_EQ(b.ymin, 100.0);
    EXPECT_EQ(b.ymax, 120.0);
}

// same_as compares exactly: two grids one ulp apart are different grids (no snapping).
TEST(Grid, SameAsIsExact) {
    const Grid g(100.0, 0.25, 50.0, -0.25, 8, 4);
    EXPECT_TRUE(g.same_as(Grid(100.0, 0.25, 50.0, -0.25, 8, 4)));
    const double up = std::nextafter(100.0, 200.0);
    EXPECT_FALSE(g.same_as(Grid(up, 0.25, 50.0, -0.25, 8, 4)));
    EXPECT_FALSE(g.same_as(Grid(100.0, std::nextafter(0.25, 1.0), 50.0, -0.25, 8, 4)));
    EXPECT_FALSE(g.same_as(Grid(100.0, 0.25, std::nextafter(50.0, 0.0), -0.25, 8, 4)));
    EXPECT_FALSE(g.same_as(Grid(100.0, 0.25, 50.0, 0.25, 8, 4)));
    EXPECT_FALSE(g.same_as(Grid(100.0, 0.25, 50.0, -0.25, 9, 4)));
    EXPECT_FALSE(g.same_as(Grid(100.0, 0.25, 50.0, -0.25, 8, 3)));
}

TEST(Grid, DescribeNamesSizeCellAndOrigin) {
    EXPECT_EQ(Grid(100.0, 0.5, 50.0, -0.25, 3, 2).describe(),
              "3 x 2 cells of 0.5 x 0.25 from (100, 50)");
}

TEST(Grid, RefusesUnusableGeotransformsAndSizes) {
    for (const auto& bad :
         {std::array<double, 4>{0, 0.0, 0, -1},   // zero width
          std::array<double, 4>{0, -1.0, 0, -1},  // negative width
          std::array<double, 4>{0, 1.0, 0, 0.0},  // zero height
          std::array<double, 4>{NAN, 1.0, 0, -1}, std::array<double, 4>{0, 1.0, INFINITY, -1}}) {
        const std::string msg = error_message(ErrorKind::InvalidInput,
                                              [&] { Grid(bad[0], bad[1], bad[2], bad[3], 2, 2); });
        EXPECT_TRUE(has(msg, "invalid grid: origin"));
        EXPECT_TRUE(has(msg, "expected a finite origin, a positive cell width"));
    }
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [] { Grid(0, 1, 0, -1, 0, 5); }),
                    "invalid grid: 0 x 5 cells; a raster needs at least one cell"));
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [] { Grid(0, 1, 0, -1, 5, -1); }),
                    "5 x -1 cells"));
}

// Windows against the set of cells they hold, enumerated.
std::set<std::pair<std::int64_t, std::int64_t>> cells_of(const Window& w) {
    std::set<std::pair<std::int64_t, std::int64_t>> s;
    for (std::int64_t r = w.row0; r < w.row0 + w.rows; ++r)
        for (std::int64_t c = w.col0; c < w.col0 + w.cols; ++c) s.insert({c, r});
    return s;
}

TEST(Window, IntersectIsTheCommonCells) {
    const Window cases[] = {{0, 0, 5, 4},  {3, 2, 5, 5},   {5, 0, 2, 2}, {-2, -3, 4, 4},
                            {1, 1, 1, 1},  {10, 10, 1, 1}, {0, 4, 5, 1}, {2, 0, 0, 3},
                            {0, 0, -1, 2}, {-5, 1, 20, 2}, {4, 3, 1, 1}, {0, 0, 5, 4}};
    for (const Window& a : cases)
        for (const Window& b : cases) {
            const Window w = a.intersect(b);
            std::set<std::pair<std::int64_t, std::int64_t>> both;
            const auto ca = cells_of(a), cb = cells_of(b);
            for (const auto& p : ca)
                if (cb.count(p)) both.insert(p);
            EXPECT_EQ(cells_of(w), both);
            EXPECT_EQ(w.cells(), static_cast<std::int64_t>(both.size()));
            EXPECT_EQ(w.empty(), both.empty());
            EXPECT_GE(w.cols, 0);  // never a negative size
            EXPECT_GE(w.rows, 0);
        }
}

TEST(Window, EndsCellsAndEquality) {
    const Window w{3, 4, 5, 6};
    EXPECT_EQ(w.col_end(), 8);
    EXPECT_EQ(w.row_end(), 10);
    EXPECT_EQ(w.cells(), 30);
    EXPECT_FALSE(w.empty());
    EXPECT_EQ((Window{3, 4, -2, 6}).cells(), 0);  // a negative size holds no cell
    EXPECT_TRUE((Window{3, 4, 5, 0}).empty());
    EXPECT_EQ(w, (Window{3, 4, 5, 6}));
    EXPECT_FALSE(w == (Window{3, 4, 5, 7}));
}

}  // namespace
}  // namespace redline
