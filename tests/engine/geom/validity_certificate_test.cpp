// The validity certificate never vouches for an invalid geometry (GEOS is the oracle): random
// rings, random parts with holes on a coarse grid (many contacts), and the classic invalid and
// valid-but-declined cases; and it does certify the valid polygons of real layers (single rings,
// holes, separate parts).
#include "redline/geom/validity_certificate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "redline/geom/validity.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

using test::box;

bool geos_valid(const MultiPolygon& g) { return check_validity({g}).empty(); }

using test::star_ring;

MultiPolygon with_part(MultiPolygon mp, const MultiPolygon& part) {
    mp.polygons.push_back(part.polygons[0]);
    return mp;
}

MultiPolygon with_hole(MultiPolygon mp, std::size_t part, Ring hole) {
    mp.polygons[part].rings.push_back(std::move(hole));
    return mp;
}

TEST(ValidityCertificateTest, CertifiesSingleRingsHolesAndSeparateParts) {
    std::mt19937 rng(21);
    for (int k = 0; k < 300; ++k) {
        const double cx = 5e5 + 3000 * (k % 7), cy = 3e6;
        MultiPolygon g;
        g.polygons.push_back(Polygon{{star_ring(rng, cx, cy, 1000, 12 + k % 200)}});
        if (k % 3 >= 1)  // a hole of radius <= 0.3 r: inside the star, whose radii are >= 0.4 r
            g.polygons[0].rings.push_back(star_ring(rng, cx + 50, cy - 30, 300, 5 + k % 17));
        if (k % 3 == 2) {  // a second part beside the first
            g.polygons.push_back(Polygon{{star_ring(rng, cx + 2500, cy, 1000, 12 + k % 50)}});
            g.polygons[1].rings.push_back(star_ring(rng, cx + 2500, cy, 300, 7));
        }
        ASSERT_TRUE(geos_valid(g)) << k;
        EXPECT_TRUE(certainly_valid_polygon(g)) << k;
    }
}

TEST(ValidityCertificateTest, DeclinesInvalidAndDegenerateCases) {
    const MultiPolygon sq = box(0, 0, 10, 10);
    struct Case {
        const char* what;
        MultiPolygon g;
        bool valid;  // GEOS's verdict
    };
    const std::vector<Case> cases = {
        {"bow-tie", test::polygon({{{0, 0}, {10, 10}, {10, 0}, {0, 10}}}), false},
        {"vertex on an edge", test::polygon({{{0, 0}, {10, 0}, {10, 10}, {5, 0}, {0, 10}}}), false},
        {"spike", test::polygon({{{0, 0}, {10, 0}, {20, 0}, {10, 0}, {10, 10}}}), false},
        {"ring touches itself",
         test::polygon({{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}, {5, 5}}}), false},
        {"repeated point", test::polygon({{{0, 0}, {10, 0}, {10, 10}, {10, 10}, {0, 10}}}), true},
        {"hole outside the shell", with_hole(sq, 0, test::box_ring(12, 2, 14, 4)), false},
        {"hole crossing the shell", with_hole(sq, 0, test::box_ring(8, 2, 14, 4)), false},
        {"hole touching the shell at a vertex",
         with_hole(sq, 0, Ring{{10, 5}, {8, 4}, {8, 6}, {10, 5}}), true},
        {"hole sharing an edge with the shell", with_hole(sq, 0, test::box_ring(8, 2, 10, 4)),
         false},
        {"nested holes",
         with_hole(with_hole(sq, 0, test::box_ring(2, 2, 8, 8)), 0, test::box_ring(3, 3, 4, 4)),
         false},
        {"holes touching at a point",
         with_hole(with_hole(sq, 0, test::box_ring(2, 2, 5, 5)), 0, test::box_ring(5, 5, 8, 8)),
         true},
        {"holes cutting the interior in two",
         with_hole(with_hole(sq, 0, Ring{{0, 5}, {5, 4}, {5, 6}, {0, 5}}), 0,
                   Ring{{10, 5}, {5, 6}, {5, 4}, {10, 5}}),
         false},
        {"overlapping parts", with_part(sq, box(5, 5, 15, 15)), false},
        {"a part inside another", with_part(sq, box(2, 2, 4, 4)), false},
        {"parts sharing an edge", with_part(sq, box(10, 0, 20, 10)), false},
        {"parts touching at a corner", with_part(sq, box(10, 10, 20, 20)), true},
        {"an island in a lake of another part",
         with_part(with_hole(sq, 0, test::box_ring(2, 2, 8, 8)), box(4, 4, 6, 6)), true},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(geos_valid(c.g), c.valid) << c.what;
        EXPECT_FALSE(certainly_valid_polygon(c.g)) << c.what;
    }
    EXPECT_TRUE(certainly_valid_polygon(sq));
    EXPECT_TRUE(certainly_valid_polygon(with_hole(sq, 0, test::box_ring(2, 2, 3, 3))));
    EXPECT_TRUE(certainly_valid_polygon(with_part(sq, box(11, 0, 20, 10))));
}

// Random rings (most of them self-intersecting): whatever the sweep certifies, GEOS finds valid.
TEST(ValidityCertificateTest, NeverCertifiesARandomRingGeosFindsInvalid) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> coord(0, 40);  // a coarse grid: many touching cases
    int certified = 0;
    for (int k = 0; k < 3000; ++k) {
        std::vector<Point> ring;
        const int n = 3 + k % 9;
        for (int i = 0; i < n; ++i) ring.push_back(Point{double(coord(rng)), double(coord(rng))});
        const MultiPolygon g = test::polygon({ring});
        if (certainly_valid_polygon(g)) {
            ++certified;
            EXPECT_TRUE(geos_valid(g)) << k;
        }
    }
    EXPECT_GT(certified, 200);
}

// Random parts with random holes on a coarse grid: holes outside or across their shells, nested
// or touching holes, overlapping, touching or nested parts. Whatever is certified is valid.
TEST(ValidityCertificateTest, NeverCertifiesRandomPartsAndHolesGeosFindsInvalid) {
    std::mt19937 rng(11);
    std::uniform_int_distribution<int> coord(0, 30), size(2, 14), small(0, 5);
    int multi_ring_certified = 0;
    for (int k = 0; k < 4000; ++k) {
        MultiPolygon g;
        const int parts = 1 + k % 3;
        for (int p = 0; p < parts; ++p) {
            const double x = coord(rng), y = coord(rng);
            const double w = size(rng), h = size(rng);
            Polygon poly;
            if (k % 2)
                poly.rings.push_back(test::box_ring(x, y, x + w, y + h));
            else
                poly.rings.push_back(Ring{{x, y}, {x + w, y}, {x + small(rng), y + h}, {x, y}});
            const int holes = (k / 3) % 3;
            for (int q = 0; q < holes; ++q) {
                const double hx = x + small(rng), hy = y + small(rng);
                poly.rings.push_back(
                    Ring{{hx, hy}, {hx + 1 + small(rng), hy}, {hx, hy + 1 + small(rng)}, {hx, hy}});
            }
            g.polygons.push_back(std::move(poly));
        }
        if (certainly_valid_polygon(g)) {
            multi_ring_certified += g.polygons.size() > 1 || g.polygons[0].rings.size() > 1;
            EXPECT_TRUE(geos_valid(g)) << k;
        }
    }
    EXPECT_GT(multi_ring_certified, 200);
}

// Work is capped: a valid zig-zag whose segments all overlap in x (the sweep would be
// quadratic) and a column of many separate parts are declined, and GEOS finds both valid.
TEST(ValidityCertificateTest, DeclinesWhatWouldExceedItsLinearBudget) {
    std::vector<Point> zigzag;
    const int teeth = 20000;
    for (int i = 0; i <= teeth; ++i) zigzag.push_back({i % 2 ? 1.0 : 0.0, double(i)});
    zigzag.push_back({2.0, double(teeth)});
    zigzag.push_back({2.0, 0.0});
    const MultiPolygon z = test::polygon({zigzag});
    EXPECT_TRUE(geos_valid(z));
    EXPECT_FALSE(certainly_valid_polygon(z));
    MultiPolygon column;
    for (int i = 0; i < 3000; ++i)
        column.polygons.push_back(box(0, 2 * i, 1, 2 * i + 1).polygons[0]);
    EXPECT_TRUE(geos_valid(column));
    EXPECT_FALSE(certainly_valid_polygon(column));
    // The same shapes at a size within the budget are certified.
    MultiPolygon few;
    for (int i = 0; i < 20; ++i) few.polygons.push_back(box(0, 2 * i, 1, 2 * i + 1).polygons[0]);
    EXPECT_TRUE(certainly_valid_polygon(few));
    std::vector<Point> small(zigzag.begin(), zigzag.begin() + 41);
    small.push_back({2.0, 40.0});
    small.push_back({2.0, 0.0});
    EXPECT_TRUE(certainly_valid_polygon(test::polygon({small})));
}

TEST(ValidityCertificateTest, LargePolygonsAreSweptInBuffersOfTheirOwn) {
    // More than 16,384 segments: sorted without the per-thread keys. A circle of 70,000
    // vertices (100 km radius) with a hole is certified; the same ring with two neighbouring
    // vertices swapped (two chords of a convex ring that cross) is not, and GEOS agrees with
    // both verdicts.
    std::mt19937 rng(5);
    Ring circle;
    const int n = 70000;
    for (int k = 0; k < n; ++k) {
        const double a = 2 * std::numbers::pi * k / n;
        circle.push_back(Point{5e5 + 1e5 * std::cos(a), 3e6 + 1e5 * std::sin(a)});
    }
    circle.push_back(circle.front());
    MultiPolygon g;
    g.polygons.push_back(Polygon{{circle, star_ring(rng, 5e5, 3e6, 2e4, 40)}});
    ASSERT_GT(g.num_points(), 70000u);
    EXPECT_TRUE(geos_valid(g));
    EXPECT_TRUE(certainly_valid_polygon(g));
    MultiPolygon crossed = g;
    Ring& r = crossed.polygons[0].rings[0];
    std::swap(r[30000], r[30001]);  // ... p29999 p30001 p30000 p30002 ...
    EXPECT_FALSE(geos_valid(crossed));
    EXPECT_FALSE(certainly_valid_polygon(crossed));
}

}  // namespace
}  // namespace redline
