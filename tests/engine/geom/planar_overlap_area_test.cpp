// The overlay-free intersection area against GEOS's overlay (an independent implementation, used
// directly through its C API), its refusal of degenerate configurations, and find_overlaps'
// fast path against its GEOS path.
#include "redline/geom/planar_overlap_area.hpp"

#include <geos_c.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "redline/geom/polygon_overlap.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

using test::box;

// A random star-shaped polygon (valid by construction) around (cx, cy).
MultiPolygon star(std::mt19937& rng, double cx, double cy, double r, int n, bool hole = false) {
    const Ring ring = test::star_ring(rng, cx, cy, r, n);
    MultiPolygon mp;
    mp.polygons.push_back(Polygon{{ring}});
    if (hole) {
        const double h = 0.2 * r;
        mp.polygons[0].rings.push_back(Ring{{cx - h, cy - h},
                                            {cx - h, cy + h},
                                            {cx + h, cy + h},
                                            {cx + h, cy - h},
                                            {cx - h, cy - h}});
    }
    return mp;
}

GEOSGeometry* to_geos(GEOSContextHandle_t c, const MultiPolygon& mp) {
    std::vector<GEOSGeometry*> polys;
    for (const auto& p : mp.polygons) {
        std::vector<GEOSGeometry*> rings;
        for (const auto& r : p.rings) {
            GEOSCoordSequence* s = GEOSCoordSeq_create_r(c, static_cast<unsigned>(r.size()), 2);
            for (std::size_t i = 0; i < r.size(); ++i)
                GEOSCoordSeq_setXY_r(c, s, static_cast<unsigned>(i), r[i].x, r[i].y);
            rings.push_back(GEOSGeom_createLinearRing_r(c, s));
        }
        polys.push_back(GEOSGeom_createPolygon_r(c, rings[0], rings.data() + 1,
                                                 static_cast<unsigned>(rings.size() - 1)));
    }
    return GEOSGeom_createCollection_r(c, GEOS_MULTIPOLYGON, polys.data(),
                                       static_cast<unsigned>(polys.size()));
}

double geos_overlap_area(const MultiPolygon& a, const MultiPolygon& b) {
    GEOSContextHandle_t c = GEOS_init_r();
    GEOSGeometry* ga = to_geos(c, a);
    GEOSGeometry* gb = to_geos(c, b);
    GEOSGeometry* i = GEOSIntersection_r(c, ga, gb);
    double area = -1;
    GEOSArea_r(c, i, &area);
    GEOSGeom_destroy_r(c, i);
    GEOSGeom_destroy_r(c, ga);
    GEOSGeom_destroy_r(c, gb);
    GEOS_finish_r(c);
    return area;
}

TEST(PlanarOverlapAreaTest, MatchesGeosOverlayOnRandomPolygons) {
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> pos(-3000, 3000);
    int fast = 0, overlapping = 0;
    for (int k = 0; k < 400; ++k) {
        const MultiPolygon a =
            star(rng, 3.0e6 + pos(rng), 4.0e6 + pos(rng), 2500, 5 + k % 300, k % 3 == 0);
        const MultiPolygon b =
            star(rng, 3.0e6 + pos(rng), 4.0e6 + pos(rng), 1800, 4 + (7 * k) % 200, k % 5 == 0);
        const auto area = planar_overlap_area(a, b);
        if (!area) continue;
        ++fast;
        const double expected = geos_overlap_area(a, b);
        if (expected > 0) ++overlapping;
        EXPECT_NEAR(*area, expected, 1e-9 * std::max(expected, 1.0)) << k;
    }
    EXPECT_GT(fast, 390);  // random coordinates are almost never degenerate
    EXPECT_GT(overlapping, 200);
}

TEST(PlanarOverlapAreaTest, HandlesContainmentHolesAndMultipolygons) {
    MultiPolygon big = box(0, 0, 100, 100);
    big.polygons[0].rings.push_back(
        test::box_ring(40.5, 40.5, 60.5, 60.5));  // hole (counter-clockwise too)
    big.polygons.push_back(box(200, 0, 300, 100).polygons[0]);
    // A diamond inside the first square, crossing the hole, and a rotated square over both parts.
    const MultiPolygon diamond =
        test::polygon({{{50, 10.25}, {89.75, 50}, {50, 89.75}, {10.25, 50}}});
    const MultiPolygon across =
        test::polygon({{{90.5, 50}, {250, -30.25}, {270.25, 60}, {95, 120.5}}});
    for (const auto* other : {&diamond, &across}) {
        const auto area = planar_overlap_area(big, *other);
        ASSERT_TRUE(area.has_value());
        EXPECT_NEAR(*area, geos_overlap_area(big, *other), 1e-9);
        EXPECT_NEAR(*planar_overlap_area(*other, big), *area, 1e-9);
    }
    EXPECT_NEAR(*planar_overlap_area(big, diamond), 0.5 * 79.5 * 79.5 - 400, 1e-9);
    const MultiPolygon tiny = test::polygon({{{1.5, 1.25}, {2.5, 1.75}, {1.75, 2.5}}});
    EXPECT_NEAR(*planar_overlap_area(big, tiny), std::fabs(signed_area(tiny.polygons[0].rings[0])),
                1e-12);
    EXPECT_EQ(*planar_overlap_area(big, box(500, 500, 600, 600)), 0.0);
}

TEST(PlanarOverlapAreaTest, DeclinesDegenerateConfigurations) {
    const MultiPolygon sq = box(0, 0, 10, 10);
    EXPECT_FALSE(planar_overlap_area(sq, box(0, 0, 10, 10)).has_value());   // identical
    EXPECT_FALSE(planar_overlap_area(sq, box(10, 0, 20, 10)).has_value());  // shared edge
    EXPECT_FALSE(planar_overlap_area(sq, box(5, 5, 15, 10)).has_value());   // collinear edge part
    EXPECT_FALSE(planar_overlap_area(sq, test::polygon({{{5, 10}, {8, 15}, {2, 15}}}))
                     .has_value());  // vertex on edge
    EXPECT_TRUE(planar_overlap_area(sq, box(5.5, 5.5, 15.5, 15.5)).has_value());
}

TEST(PlanarOverlapAreaTest, FindOverlapsFastPathEqualsGeosPath) {
    std::mt19937 rng(9);
    std::uniform_real_distribution<double> pos(0, 20000);
    std::vector<MultiPolygon> a, b;
    for (int i = 0; i < 150; ++i)
        a.push_back(star(rng, pos(rng), pos(rng), 1500, 8 + i % 60, i % 4 == 0));
    for (int i = 0; i < 200; ++i) b.push_back(star(rng, pos(rng), pos(rng), 900, 6 + i % 40));
    b.push_back(a[0]);                     // identical to a[0]: degenerate, GEOS path
    b.push_back(box(-1000, -1000, 0, 0));  // far away
    std::vector<double> area_a, area_b;
    for (const auto& g : a) area_a.push_back(planar_area(g));
    for (const auto& g : b) area_b.push_back(planar_area(g));
    const AreaFunction measure = [](const MultiPolygon& m) { return 2.0 * planar_area(m); };
    for (auto& v : area_a) v *= 2;
    for (auto& v : area_b) v *= 2;
    OverlapOptions geos_opts;
    const auto slow = find_overlaps(a, b, area_a, area_b, measure, geos_opts);
    std::vector<std::vector<PolygonOverlap>> fast_runs;
    for (int threads : {1, 4}) {
        OverlapOptions o;
        o.plane_area_scale = 2.0;
        o.threads = threads;
        fast_runs.push_back(find_overlaps(a, b, area_a, area_b, measure, o));
    }
    ASSERT_GT(slow.size(), 30u);
    ASSERT_EQ(fast_runs[0].size(), slow.size());
    for (std::size_t k = 0; k < slow.size(); ++k) {
        EXPECT_EQ(fast_runs[0][k].a, slow[k].a);
        EXPECT_EQ(fast_runs[0][k].b, slow[k].b);
        EXPECT_NEAR(fast_runs[0][k].area_m2 / slow[k].area_m2 - 1, 0, 1e-9);
        EXPECT_EQ(fast_runs[1][k].area_m2, fast_runs[0][k].area_m2);
    }
}

}  // namespace
}  // namespace redline
