// Sparse coverage runs: the same value as the dense rows of finish() at every cell, in every
// mode and window, and 0 outside the window.
#include "redline/coverage/coverage_runs.hpp"

#include <gtest/gtest.h>

#include <random>

#include "redline/coverage/zone_set.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

Grid unit_grid(std::int64_t cols, std::int64_t rows) { return Grid(0, 1, 0, 1, cols, rows); }

// A star-shaped polygon and, when `hole`, a star-shaped hole of a fifth of its radius.
MultiPolygon star(std::mt19937& rng, double cx, double cy, double r0, int n, bool hole) {
    MultiPolygon mp;
    mp.polygons.push_back(Polygon{{test::star_ring(rng, cx, cy, r0, n)}});
    if (hole) mp.polygons[0].rings.push_back(test::star_ring(rng, cx, cy, 0.2 * r0, 7));
    return mp;
}

TEST(CoverageRunsTest, CentredSquareHasQuartersHalvesAndAFullCell) {
    ZoneSet zs(unit_grid(3, 3), {test::box(0.5, 0.5, 2.5, 2.5)}, {"z"});
    CoverageRasterizer r;
    r.begin(zs.grid().full());
    zs.for_each_edge(0, [&](double xa, double ya, double xb, double yb, int sign) {
        r.add_edge(xa, ya, xb, yb, sign);
    });
    CoverageRuns runs;
    runs.build(r);
    const std::int64_t q = kFullCoverage / 4, h = kFullCoverage / 2, f = kFullCoverage;
    const std::int64_t want[3][3] = {{q, h, q}, {h, f, h}, {q, h, q}};
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) EXPECT_EQ(runs.at(i, j), want[i][j]) << i << "," << j;
    EXPECT_EQ(runs.at(-1, 0), 0);
    EXPECT_EQ(runs.at(0, 3), 0);
    EXPECT_EQ(runs.at(3, 1), 0);
}

TEST(CoverageRunsTest, EqualsTheDenseRowsInEveryModeAndWindow) {
    std::mt19937 rng(5);
    const Grid g = unit_grid(70, 50);
    for (int trial = 0; trial < 12; ++trial) {
        const MultiPolygon mp = star(rng, 33.3, 24.6, 23.0, 30 + 17 * trial, trial % 2 == 1);
        ZoneSet zs(g, {mp}, {"z"});
        for (CoverageMode mode :
             {CoverageMode::Exact, CoverageMode::Centroid, CoverageMode::AllTouched}) {
            CoverageRasterizer dense(mode), sparse(mode);
            CoverageRuns runs;
            for (const Window& w : {g.full(), Window{10, 5, 31, 17}, Window{40, 30, 30, 20}}) {
                dense.rasterize(zs, 0, w);
                sparse.begin(w);
                zs.for_each_edge(0, [&](double xa, double ya, double xb, double yb, int sign) {
                    sparse.add_edge(xa, ya, xb, yb, sign);
                });
                runs.build(sparse);
                std::size_t nonzero = 0;
                for (std::int64_t i = 0; i < w.rows; ++i)
                    for (std::int64_t j = 0; j < w.cols; ++j) {
                        ASSERT_EQ(runs.at(i, j), dense.row(i)[j])
                            << "trial " << trial << " mode " << coverage_mode_name(mode) << " cell "
                            << i << "," << j;
                        nonzero += dense.row(i)[j] != 0;
                    }
                EXPECT_GT(nonzero, 0u);
                // Spans of full cells are one run each: fewer runs than covered cells once the
                // window holds the polygon's interior.
                EXPECT_LE(runs.runs(), nonzero);
                if (w.cols == g.cols()) {
                    EXPECT_LT(runs.runs(), nonzero);
                }
                EXPECT_EQ(runs.at(w.rows, 0), 0);
                EXPECT_EQ(runs.at(0, w.cols), 0);
            }
        }
    }
}

}  // namespace
}  // namespace redline
