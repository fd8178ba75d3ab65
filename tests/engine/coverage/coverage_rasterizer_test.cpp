// Exact coverage: hand-computed matrices, window (tile) independence, the partition property,
// and an independent GEOS oracle on random polygons.
#include "redline/coverage/coverage_rasterizer.hpp"

#include <fmt/format.h>
#include <geos_c.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>

#include "redline/core/error.hpp"
#include "redline/coverage/zone_set.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

// A grid whose cell coordinates equal x and -y... i.e. x0=0, y0=0, dx=1, dy=1 (rows grow with y).
Grid unit_grid(std::int64_t cols, std::int64_t rows) { return Grid(0, 1, 0, 1, cols, rows); }

std::vector<std::vector<double>> coverage(const MultiPolygon& mp, const Grid& g,
                                          CoverageMode mode = CoverageMode::Exact,
                                          Window w = Window{}) {
    ZoneSet zs(g, {mp}, {"z"});
    if (w.empty()) w = g.full();
    CoverageRasterizer r(mode);
    r.rasterize(zs, 0, w);
    std::vector<std::vector<double>> out(static_cast<std::size_t>(w.rows));
    for (std::int64_t i = 0; i < w.rows; ++i)
        for (std::int64_t j = 0; j < w.cols; ++j)
            out[static_cast<std::size_t>(i)].push_back(static_cast<double>(r.row(i)[j]) /
                                                       static_cast<double>(kFullCoverage));
    return out;
}

void expect_matrix(const std::vector<std::vector<double>>& got,
                   const std::vector<std::vector<double>>& want, double tol = 1e-12) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        ASSERT_EQ(got[i].size(), want[i].size());
        for (std::size_t j = 0; j < want[i].size(); ++j)
            EXPECT_NEAR(got[i][j], want[i][j], tol) << "row " << i << " col " << j;
    }
}

TEST(CoverageRasterizerTest, CentredSquareGivesQuartersHalvesAndFull) {
    auto c = coverage(test::box(0.5, 0.5, 2.5, 2.5), unit_grid(3, 3));
    expect_matrix(c, {{0.25, 0.5, 0.25}, {0.5, 1.0, 0.5}, {0.25, 0.5, 0.25}});
}

TEST(CoverageRasterizerTest, TriangleCutsDiagonalCellsInHalf) {
    // x + y <= 3: cells with i+j <= 1 full, i+j == 2 half, others empty.
    auto c = coverage(test::polygon({{{0, 0}, {3, 0}, {0, 3}}}), unit_grid(3, 3));
    expect_matrix(c, {{1, 1, 0.5}, {1, 0.5, 0}, {0.5, 0, 0}});
}

TEST(CoverageRasterizerTest, FullCellsAreExactlyFull) {
    ZoneSet zs(unit_grid(4, 4), {test::box(0.3, 0.7, 3.9, 3.1)}, {"z"});
    CoverageRasterizer r;
    r.rasterize(zs, 0, Window{0, 0, 4, 4});
    EXPECT_EQ(r.row(1)[1], kFullCoverage);
    EXPECT_EQ(r.row(1)[2], kFullCoverage);
    EXPECT_EQ(r.row(2)[1], kFullCoverage);
}

TEST(CoverageRasterizerTest, HoleSubtracts) {
    MultiPolygon mp =
        test::polygon({{{0, 0}, {3, 0}, {3, 3}, {0, 3}}, {{1, 1}, {2, 1}, {2, 2}, {1, 2}}});
    expect_matrix(coverage(mp, unit_grid(3, 3)), {{1, 1, 1}, {1, 0, 1}, {1, 1, 1}});
    // Hole given with the same orientation as the shell: still subtracts.
    MultiPolygon same =
        test::polygon({{{0, 0}, {3, 0}, {3, 3}, {0, 3}}, {{1, 1}, {1, 2}, {2, 2}, {2, 1}}});
    MultiPolygon same2 =
        test::polygon({{{0, 0}, {3, 0}, {3, 3}, {0, 3}}, {{1, 1}, {2, 1}, {2, 2}, {1, 2}}});
    EXPECT_EQ(coverage(same, unit_grid(3, 3)), coverage(same2, unit_grid(3, 3)));
}

TEST(CoverageRasterizerTest, OrientationDoesNotMatter) {
    auto ccw = test::polygon({{{0.2, 0.1}, {2.7, 0.4}, {1.4, 2.9}}});
    auto cw = test::polygon({{{0.2, 0.1}, {1.4, 2.9}, {2.7, 0.4}}});
    EXPECT_EQ(coverage(ccw, unit_grid(3, 3)), coverage(cw, unit_grid(3, 3)));
}

TEST(CoverageRasterizerTest, MultiPolygonPartsAdd) {
    MultiPolygon mp = test::box(0, 0, 1, 1);
    mp.polygons.push_back(test::box(2, 2, 3, 3).polygons[0]);
    expect_matrix(coverage(mp, unit_grid(3, 3)), {{1, 0, 0}, {0, 0, 0}, {0, 0, 1}});
}

TEST(CoverageRasterizerTest, VerticesOnCornersRepeatedAndCollinearPoints) {
    // Square on cell corners with repeated vertices, zero-length edges and collinear points.
    auto mp = test::polygon(
        {{{1, 1}, {1, 1}, {2, 1}, {2.5, 1}, {3, 1}, {3, 3}, {3, 3}, {2, 3}, {1, 3}, {1, 2}}});
    expect_matrix(coverage(mp, unit_grid(4, 4)),
                  {{0, 0, 0, 0}, {0, 1, 1, 0}, {0, 1, 1, 0}, {0, 0, 0, 0}});
}

TEST(CoverageRasterizerTest, EdgesAlongGridLinesDoNotLeak) {
    // A polygon whose edges lie on cell lines covers whole cells only; neighbours get exactly 0.
    ZoneSet zs(unit_grid(5, 5), {test::box(1, 1, 4, 2)}, {"z"});
    CoverageRasterizer r;
    r.rasterize(zs, 0, Window{0, 0, 5, 5});
    for (int j = 0; j < 5; ++j) {
        EXPECT_EQ(r.row(0)[j], 0);
        EXPECT_EQ(r.row(2)[j], 0);
    }
    EXPECT_EQ(r.row(1)[0], 0);
    EXPECT_EQ(r.row(1)[4], 0);
    for (int j = 1; j < 4; ++j) EXPECT_EQ(r.row(1)[j], kFullCoverage);
}

TEST(CoverageRasterizerTest, PolygonPartlyOutsideTheGrid) {
    auto c = coverage(test::box(-5.5, -2.0, 1.5, 1.25), unit_grid(3, 3));
    expect_matrix(c, {{1, 0.5, 0}, {0.25, 0.125, 0}, {0, 0, 0}});
}

TEST(CoverageRasterizerTest, HugeGaussKrugerCoordinates) {
    // EPSG:4523-style eastings with the zone prefix: 35 500 000 m; 30 m cells.
    const double x0 = 35'512'340.0, y0 = 3'320'010.0;
    Grid g(x0, 30, y0, -30, 4, 4);
    auto mp = test::box(x0 + 15, y0 - 105, x0 + 105, y0 - 15);
    expect_matrix(
        coverage(mp, g),
        {{0.25, 0.5, 0.5, 0.25}, {0.5, 1, 1, 0.5}, {0.5, 1, 1, 0.5}, {0.25, 0.5, 0.5, 0.25}});
}

// A star-shaped polygon (valid by construction) with n vertices around (cx, cy).
MultiPolygon star(std::mt19937_64& rng, double cx, double cy, double r0, int n, bool hole = false) {
    std::uniform_real_distribution<double> u(0.4, 1.0);
    std::vector<Point> ring;
    for (int k = 0; k < n; ++k) {
        const double t = 2 * std::numbers::pi * k / n;
        const double r = r0 * u(rng);
        ring.push_back({cx + r * std::cos(t), cy + r * std::sin(t)});
    }
    std::vector<std::vector<Point>> rings{ring};
    if (hole) {
        std::vector<Point> h;
        for (int k = 0; k < 7; ++k) {
            const double t = 2 * std::numbers::pi * k / 7;
            h.push_back({cx + 0.3 * r0 * std::cos(t), cy + 0.3 * r0 * std::sin(t)});
        }
        rings.push_back(h);
    }
    return test::polygon(rings);
}

TEST(CoverageRasterizerTest, CoverageDoesNotDependOnTheWindow) {
    std::mt19937_64 rng(7);
    const Grid g = unit_grid(64, 48);
    for (int trial = 0; trial < 20; ++trial) {
        auto mp = star(rng, 30.3, 22.7, 25.0, 40 + trial * 13, trial % 2 == 0);
        ZoneSet zs(g, {mp}, {"z"});
        CoverageRasterizer full, part;
        full.rasterize(zs, 0, g.full());
        for (std::int64_t ts : {1, 5, 7, 16, 33}) {
            for (std::int64_t r0 = 0; r0 < g.rows(); r0 += ts)
                for (std::int64_t c0 = 0; c0 < g.cols(); c0 += ts) {
                    Window w = Window{c0, r0, ts, ts}.intersect(g.full());
                    part.rasterize(zs, 0, w);
                    for (std::int64_t i = 0; i < w.rows; ++i)
                        for (std::int64_t j = 0; j < w.cols; ++j)
                            ASSERT_EQ(part.row(i)[j], full.row(r0 + i)[c0 + j])
                                << "trial " << trial << " tile " << ts << " cell " << r0 + i << ","
                                << c0 + j;
                }
        }
    }
}

TEST(CoverageRasterizerTest, AnAbandonedPolygonLeavesNothingBehind) {
    // begin() clears the cells an unfinished polygon wrote (an exception between begin() and
    // scan()), whatever the next window's shape: wider windows span more mark words per row.
    std::mt19937_64 rng(3);
    const Grid g = unit_grid(150, 90);
    const MultiPolygon left = star(rng, 70.2, 44.9, 40.0, 300, true);
    const MultiPolygon right = star(rng, 80.6, 40.1, 35.0, 200, false);
    ZoneSet zs(g, {left, right}, {"l", "r"});
    for (const Window& next : {g.full(), Window{3, 7, 63, 40}, Window{60, 0, 90, 90}}) {
        CoverageRasterizer reused, fresh;
        reused.begin(Window{1, 2, 140, 85});
        zs.for_each_edge(0, [&](double xa, double ya, double xb, double yb, int sign) {
            reused.add_edge(xa, ya, xb, yb, sign);
        });
        reused.rasterize(zs, 1, next);
        fresh.rasterize(zs, 1, next);
        for (std::int64_t i = 0; i < next.rows; ++i)
            for (std::int64_t j = 0; j < next.cols; ++j)
                ASSERT_EQ(reused.row(i)[j], fresh.row(i)[j]) << i << "," << j;
    }
}

TEST(CoverageRasterizerTest, AVisitorThrowingMidScanLeavesNothingBehind) {
    // The rows scan() had not reached when the visitor threw are cleared by the next begin().
    std::mt19937_64 rng(4);
    const Grid g = unit_grid(130, 70);
    ZoneSet zs(g, {star(rng, 64.4, 35.2, 30.0, 400, true), star(rng, 60.1, 30.3, 25.0, 90)},
               {"a", "b"});
    struct Thrower {
        int left;
        void cell(std::int64_t, std::int64_t, std::int64_t, const std::int64_t*) { tick(); }
        void span(std::int64_t, std::int64_t, std::int64_t, std::int64_t) { tick(); }
        void tick() {
            if (--left == 0) throw std::runtime_error("visitor failed");
        }
    };
    CoverageRasterizer reused, fresh;
    reused.begin(g.full());
    zs.for_each_edge(0, [&](double xa, double ya, double xb, double yb, int sign) {
        reused.add_edge(xa, ya, xb, yb, sign);
    });
    EXPECT_THROW(reused.scan(Thrower{50}), std::runtime_error);
    reused.rasterize(zs, 1, Window{2, 1, 120, 66});
    fresh.rasterize(zs, 1, Window{2, 1, 120, 66});
    for (std::int64_t i = 0; i < 66; ++i)
        for (std::int64_t j = 0; j < 120; ++j)
            ASSERT_EQ(reused.row(i)[j], fresh.row(i)[j]) << i << "," << j;
}

TEST(CoverageRasterizerTest, TwoPolygonsSplittingASquareSumToTheSquareExactly) {
    // Split a square along a polyline crossing many cells; the two halves add up to the square in
    // integer coverage units, cell by cell.
    const Grid g = unit_grid(8, 8);
    auto A =
        test::polygon({{{0.3, 0.2}, {2.7, 1.9}, {3.1, 4.4}, {5.9, 5.3}, {7.7, 7.6}, {0.3, 7.6}}});
    auto B =
        test::polygon({{{0.3, 0.2}, {7.7, 0.2}, {7.7, 7.6}, {5.9, 5.3}, {3.1, 4.4}, {2.7, 1.9}}});
    auto S = test::box(0.3, 0.2, 7.7, 7.6);
    ZoneSet zs(g, {A, B, S}, {"a", "b", "s"});
    CoverageRasterizer ra, rb, rs;
    ra.rasterize(zs, 0, g.full());
    rb.rasterize(zs, 1, g.full());
    rs.rasterize(zs, 2, g.full());
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j)
            EXPECT_EQ(ra.row(i)[j] + rb.row(i)[j], rs.row(i)[j]) << i << "," << j;
}

TEST(CoverageRasterizerTest, SumOfCoverageEqualsPolygonArea) {
    std::mt19937_64 rng(11);
    const Grid g = unit_grid(100, 100);
    for (int trial = 0; trial < 30; ++trial) {
        auto mp = star(rng, 50.123, 49.877, 45.0, 32 + 50 * trial, trial % 3 == 0);
        ZoneSet zs(g, {mp}, {"z"});
        CoverageRasterizer r;
        r.rasterize(zs, 0, g.full());
        Int128 sum = 0;
        for (int i = 0; i < 100; ++i)
            for (int j = 0; j < 100; ++j) sum += r.row(i)[j];
        const double cells = coverage_to_cells(sum);
        EXPECT_NEAR(cells / planar_area(mp), 1.0, 1e-11) << "trial " << trial;
    }
}

// Independent oracle: GEOS intersection area of the polygon with each cell.
TEST(CoverageRasterizerTest, MatchesGeosIntersectionAreaCellByCell) {
    GEOSContextHandle_t ctx = GEOS_init_r();
    std::mt19937_64 rng(3);
    const Grid g = unit_grid(24, 24);
    for (int trial = 0; trial < 6; ++trial) {
        auto mp = star(rng, 12.2, 11.9, 11.0, 20 + 37 * trial, trial % 2 == 1);
        std::string wkt = "POLYGON(";
        for (std::size_t r = 0; r < mp.polygons[0].rings.size(); ++r) {
            wkt += r ? ",(" : "(";
            const auto& ring = mp.polygons[0].rings[r];
            for (std::size_t i = 0; i < ring.size(); ++i)
                wkt += fmt::format("{}{:.17g} {:.17g}", i ? "," : "", ring[i].x, ring[i].y);
            wkt += ")";
        }
        wkt += ")";
        GEOSWKTReader* reader = GEOSWKTReader_create_r(ctx);
        GEOSGeometry* poly = GEOSWKTReader_read_r(ctx, reader, wkt.c_str());
        ASSERT_NE(poly, nullptr);
        // Re-read the ring from WKT so both sides use the same (printed) coordinates.
        MultiPolygon printed;
        {
            const GEOSGeometry* shell = GEOSGetExteriorRing_r(ctx, poly);
            const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, shell);
            unsigned n = 0;
            GEOSCoordSeq_getSize_r(ctx, seq, &n);
            Polygon p;
            Ring ring;
            for (unsigned i = 0; i < n; ++i) {
                double x, y;
                GEOSCoordSeq_getXY_r(ctx, seq, i, &x, &y);
                ring.push_back({x, y});
            }
            p.rings.push_back(ring);
            for (int h = 0; h < GEOSGetNumInteriorRings_r(ctx, poly); ++h) {
                const GEOSCoordSequence* hs =
                    GEOSGeom_getCoordSeq_r(ctx, GEOSGetInteriorRingN_r(ctx, poly, h));
                GEOSCoordSeq_getSize_r(ctx, hs, &n);
                Ring hr;
                for (unsigned i = 0; i < n; ++i) {
                    double x, y;
                    GEOSCoordSeq_getXY_r(ctx, hs, i, &x, &y);
                    hr.push_back({x, y});
                }
                p.rings.push_back(hr);
            }
            printed.polygons.push_back(p);
        }
        auto cov = coverage(printed, g);
        double worst = 0;
        for (int i = 0; i < 24; ++i)
            for (int j = 0; j < 24; ++j) {
                GEOSGeometry* cell = GEOSGeom_createRectangle_r(ctx, j, i, j + 1, i + 1);
                GEOSGeometry* inter = GEOSIntersection_r(ctx, poly, cell);
                double a = 0;
                GEOSArea_r(ctx, inter, &a);
                worst = std::max(
                    worst,
                    std::fabs(a - cov[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]));
                GEOSGeom_destroy_r(ctx, inter);
                GEOSGeom_destroy_r(ctx, cell);
            }
        EXPECT_LT(worst, 1e-9) << "trial " << trial;
        GEOSGeom_destroy_r(ctx, poly);
        GEOSWKTReader_destroy_r(ctx, reader);
    }
    GEOS_finish_r(ctx);
}

TEST(CoverageRasterizerTest, CentroidRuleIsHalfOpenSoNeighboursNeverShareACell) {
    // Two rectangles sharing the edge x = 2.5 through cell centres; the parent covers 5 x 4
    // centres. Left/top edges through centres are inside, right/bottom outside.
    const Grid g = unit_grid(6, 6);
    auto left = test::box(0.5, 0.5, 2.5, 4.5);
    auto right = test::box(2.5, 0.5, 5.5, 4.5);
    auto parent = test::box(0.5, 0.5, 5.5, 4.5);
    auto count = [&](const MultiPolygon& mp) {
        auto c = coverage(mp, g, CoverageMode::Centroid);
        double n = 0;
        for (auto& row : c)
            for (double v : row) n += v;
        return n;
    };
    EXPECT_EQ(count(left), 2 * 4);   // centres x = 0.5, 1.5 ; y = 0.5 .. 3.5
    EXPECT_EQ(count(right), 3 * 4);  // x = 2.5, 3.5, 4.5
    EXPECT_EQ(count(left) + count(right), count(parent));
    EXPECT_EQ(count(parent), 5 * 4);
}

TEST(CoverageRasterizerTest, CentroidMatchesCentreInPolygon) {
    auto c = coverage(test::polygon({{{0, 0}, {3, 0}, {0, 3}}}), unit_grid(3, 3),
                      CoverageMode::Centroid);
    // centres (i+0.5, j+0.5) inside x + y < 3 (strictly; the hypotenuse is a right/bottom edge)
    expect_matrix(c, {{1, 1, 0}, {1, 0, 0}, {0, 0, 0}});
}

TEST(CoverageRasterizerTest, AllTouchedCountsCellsWithAnyCoveredArea) {
    auto c = coverage(test::box(0.9, 0.9, 1.1, 1.1), unit_grid(3, 3), CoverageMode::AllTouched);
    expect_matrix(c, {{1, 1, 0}, {1, 1, 0}, {0, 0, 0}});
    // Touching a cell only along its edge does not count.
    auto e = coverage(test::box(1, 0, 2, 1), unit_grid(3, 3), CoverageMode::AllTouched);
    expect_matrix(e, {{0, 1, 0}, {0, 0, 0}, {0, 0, 0}});
}

TEST(CoverageRasterizerTest, ParsesModeNames) {
    EXPECT_EQ(parse_coverage_mode("exact"), CoverageMode::Exact);
    EXPECT_EQ(parse_coverage_mode("centroid"), CoverageMode::Centroid);
    EXPECT_EQ(parse_coverage_mode("all-touched"), CoverageMode::AllTouched);
    EXPECT_THROW(parse_coverage_mode("touched"), Error);
}

TEST(ZoneSetTest, RejectsNonFiniteAndAbsurdCoordinates) {
    auto bad = test::polygon({{{0, 0}, {1, 0}, {std::nan(""), 1}}});
    try {
        ZoneSet zs(unit_grid(3, 3), {bad}, {"Z1"});
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        EXPECT_NE(std::string(e.what()).find("zone 'Z1'"), std::string::npos);
    }
    EXPECT_THROW(ZoneSet(unit_grid(3, 3), {test::box(0, 0, 1e300, 1)}, {"Z2"}), Error);
}

}  // namespace
}  // namespace redline
