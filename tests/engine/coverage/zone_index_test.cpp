// ZoneIndex: a bucketed zone (each tile walks only its own edges plus a precomputed left carry)
// gives exactly the coverage of the plain rasterizer fed every edge of the zone, cell for cell,
// in every mode, with and without moments, dense (finish) and sparse (scan: the same cells and
// spans visited).
#include "redline/coverage/zone_index.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <tuple>

#include "redline/coverage/zone_set.hpp"
#include "redline/exec/tile_plan.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

// A star-shaped ring of n vertices around (cx, cy), optionally snapped to a 1/2-cell lattice
// (vertices and edges on tile lines and cell lines), with an optional hole.
MultiPolygon star(std::mt19937_64& rng, double cx, double cy, double r0, int n, bool hole,
                  bool snap) {
    std::uniform_real_distribution<double> rad(0.35, 1.0);
    std::vector<Point> outer;
    for (int k = 0; k < n; ++k) {
        const double t = 2 * std::numbers::pi * k / n;
        double x = cx + r0 * rad(rng) * std::cos(t), y = cy + r0 * rad(rng) * std::sin(t);
        if (snap) x = std::round(x * 2) / 2, y = std::round(y * 2) / 2;
        if (!outer.empty() && outer.back().x == x && outer.back().y == y) continue;
        outer.push_back({x, y});
    }
    outer.push_back(outer.front());
    std::vector<std::vector<Point>> rings{outer};
    if (hole) {
        std::vector<Point> h;
        for (int k = 0; k < 9; ++k) {
            const double t = -2 * std::numbers::pi * k / 9;
            h.push_back({cx + 0.2 * r0 * std::cos(t), cy + 0.2 * r0 * std::sin(t)});
        }
        h.push_back(h.front());
        rings.push_back(h);
    }
    return test::polygon(rings);
}

// A comb: a long horizontal bar with many teeth, so most edges lie in a few tile columns and
// long horizontal edges span them all.
MultiPolygon comb(double x0, double y0, double x1, int teeth) {
    std::vector<Point> ring{{x0, y0}, {x1, y0}};
    const double w = (x1 - x0) / teeth;
    for (int k = teeth - 1; k >= 0; --k) {
        const double a = x0 + k * w;
        ring.push_back({a + w, y0 + 40.25});
        ring.push_back({a + 0.5 * w, y0 + 40.25});
        ring.push_back({a + 0.5 * w, y0 + 6.5});
        ring.push_back({a, y0 + 6.5});
    }
    ring.push_back(ring.front());
    return test::polygon({ring});
}

struct Visit {
    std::int64_t row, col, end, cov, mom;
    bool span;
    bool operator==(const Visit&) const = default;
};

struct Recorder {
    std::vector<Visit>* out;
    void cell(std::int64_t row, std::int64_t col, std::int64_t c, const std::int64_t* mom) {
        out->push_back({row, col, col + 1, c, mom ? *mom : -1, false});
    }
    void span(std::int64_t row, std::int64_t b, std::int64_t e, std::int64_t c) {
        out->push_back({row, b, e, c, -1, true});
    }
};

void expect_same_as_plain(const ZoneSet& zs, const TilePlan& plan, std::int64_t k,
                          CoverageMode mode, bool moments, const std::string& what) {
    ZoneIndex index(zs, plan, k);
    std::size_t bucketed = 0;
    for (std::size_t z = 0; z < zs.size(); ++z) bucketed += index.bucketed(z);
    ASSERT_GT(bucketed, 0u) << what;
    CoverageRasterizer fast(mode, moments), plain(mode, moments);
    for (std::size_t t : index.busy_tiles())
        for (std::uint32_t z : index.zones_of(t)) {
            const Window w = zs.zone(z).window.intersect(plan.tile(t));
            if (w.empty()) continue;
            // Dense.
            index.rasterize(fast, z, t, w);
            plain.rasterize(zs, z, w);
            for (std::int64_t i = 0; i < w.rows; ++i)
                for (std::int64_t j = 0; j < w.cols; ++j) {
                    ASSERT_EQ(fast.row(i)[j], plain.row(i)[j])
                        << what << " zone " << z << " tile " << t << " cell " << w.row0 + i << ","
                        << w.col0 + j;
                    if (fast.moments()) {
                        ASSERT_EQ(fast.moment_row(i)[j], plain.moment_row(i)[j])
                            << what << " moment, zone " << z << " tile " << t;
                    }
                }
            // Sparse: the same visits.
            std::vector<Visit> a, b;
            index.rasterize_edges(fast, z, t, w);
            fast.scan(Recorder{&a});
            plain.begin(w);
            zs.for_each_edge(z, [&](double xa, double ya, double xb, double yb, int sign) {
                plain.add_edge(xa, ya, xb, yb, sign);
            });
            plain.scan(Recorder{&b});
            ASSERT_EQ(a, b) << what << " scan, zone " << z << " tile " << t;
        }
}

TEST(ZoneIndexTest, BucketedZonesMatchThePlainRasterizerExactly) {
    std::mt19937_64 rng(19);
    const Grid g(0, 1, 0, 1, 211, 157);
    std::vector<MultiPolygon> zones;
    std::vector<std::string> names;
    for (int i = 0; i < 6; ++i) {
        zones.push_back(
            star(rng, 105.3 + 7 * i, 78.1 - 5 * i, 70.0, 300 + 150 * i, i % 2 == 0, i % 3 == 1));
        names.push_back("star" + std::to_string(i));
    }
    zones.push_back(comb(2.0, 3.0, 205.0, 150));
    names.push_back("comb");
    // A zone sticking out of the grid on the left and the top.
    zones.push_back(star(rng, 10.0, 12.0, 60.0, 900, false, false));
    names.push_back("clipped");
    const ZoneSet zs(g, zones, names);
    for (auto [tc, tr] : {std::pair<std::int64_t, std::int64_t>{16, 16}, {7, 23}, {32, 8}})
        for (std::int64_t k : {0, 1, 3, 50}) {
            const TilePlan plan(g, tc, tr);
            const std::string what = "tiles " + std::to_string(tc) + "x" + std::to_string(tr) +
                                     " K " + std::to_string(k);
            expect_same_as_plain(zs, plan, k, CoverageMode::Exact, false, what + " exact");
            expect_same_as_plain(zs, plan, k, CoverageMode::Exact, true, what + " moments");
            expect_same_as_plain(zs, plan, k, CoverageMode::Centroid, false, what + " centroid");
            expect_same_as_plain(zs, plan, k, CoverageMode::AllTouched, false,
                                 what + " all-touched");
            if (HasFatalFailure()) return;
        }
}

TEST(ZoneIndexTest, ZonesWithFewEdgesOrOneTileAreNotBucketed) {
    const Grid g(0, 1, 0, 1, 64, 64);
    std::mt19937_64 rng(3);
    const ZoneSet zs(g,
                     {test::box(1, 1, 60, 60), star(rng, 8, 8, 6, 400, false, false),
                      star(rng, 32, 32, 30, 400, false, false)},
                     {"box", "small", "big"});
    const ZoneIndex index(zs, TilePlan(g, 16, 16));
    EXPECT_FALSE(index.bucketed(0));  // 4 edges
    EXPECT_FALSE(index.bucketed(1));  // one tile
    EXPECT_TRUE(index.bucketed(2));
}

}  // namespace
}  // namespace redline
