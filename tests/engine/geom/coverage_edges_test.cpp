// The overlay-free coverage proofs (geom/coverage_edges.hpp) against GEOS used directly through
// its C API as the oracle: polygons_only_touch may say "touch only" solely when GEOS finds the
// interiors disjoint (relate pattern T********), and covered_by_parts may say "covered" solely
// when GEOS's zone minus the union of the parts is empty. Hand-made cases pin which
// configurations are proven (and which fall back), random jittered coverages and the synthetic
// survey of `redline synth` (with and without deliberate defects) check soundness at scale, and
// find_overlaps on the survey is compared with the pairwise oracle.
#include "redline/geom/coverage_edges.hpp"

#include <geos_c.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "redline/geom/polygon_overlap.hpp"
#include "redline/synth/synth_survey.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

using test::box;
using test::box_ring;
using test::polygon;

class Geos {
  public:
    Geos() : m_c(GEOS_init_r()) {}
    ~Geos() { GEOS_finish_r(m_c); }
    Geos(const Geos&) = delete;
    Geos& operator=(const Geos&) = delete;

    GEOSGeometry* make(const MultiPolygon& mp) const {
        std::vector<GEOSGeometry*> polys;
        for (const auto& p : mp.polygons) {
            std::vector<GEOSGeometry*> rings;
            for (const auto& r : p.rings) {
                GEOSCoordSequence* s =
                    GEOSCoordSeq_create_r(m_c, static_cast<unsigned>(r.size()), 2);
                for (std::size_t i = 0; i < r.size(); ++i)
                    GEOSCoordSeq_setXY_r(m_c, s, static_cast<unsigned>(i), r[i].x, r[i].y);
                rings.push_back(GEOSGeom_createLinearRing_r(m_c, s));
            }
            polys.push_back(GEOSGeom_createPolygon_r(m_c, rings[0], rings.data() + 1,
                                                     static_cast<unsigned>(rings.size() - 1)));
        }
        return GEOSGeom_createCollection_r(m_c, GEOS_MULTIPOLYGON, polys.data(),
                                           static_cast<unsigned>(polys.size()));
    }
    // Do the interiors intersect (DE-9IM pattern T********)?
    bool interiors_meet(const MultiPolygon& a, const MultiPolygon& b) const {
        GEOSGeometry* ga = make(a);
        GEOSGeometry* gb = make(b);
        const char r = GEOSRelatePattern_r(m_c, ga, gb, "T********");
        GEOSGeom_destroy_r(m_c, ga);
        GEOSGeom_destroy_r(m_c, gb);
        EXPECT_NE(r, 2);
        return r == 1;
    }
    enum class Predicate { Disjoint, Contains, Equals };
    // GEOSDisjoint / GEOSContains / GEOSEquals (the same point set) of (a, b).
    bool predicate(const MultiPolygon& a, const MultiPolygon& b, Predicate which) const {
        GEOSGeometry* ga = make(a);
        GEOSGeometry* gb = make(b);
        const char r = which == Predicate::Contains ? GEOSContains_r(m_c, ga, gb)
                       : which == Predicate::Equals ? GEOSEquals_r(m_c, ga, gb)
                                                    : GEOSDisjoint_r(m_c, ga, gb);
        GEOSGeom_destroy_r(m_c, ga);
        GEOSGeom_destroy_r(m_c, gb);
        EXPECT_NE(r, 2);
        return r == 1;
    }
    // The area of GEOSIntersection(a, b).
    double intersection_area(const MultiPolygon& a, const MultiPolygon& b) const {
        GEOSGeometry* ga = make(a);
        GEOSGeometry* gb = make(b);
        GEOSGeometry* x = GEOSIntersection_r(m_c, ga, gb);
        double area = -1;
        GEOSArea_r(m_c, x, &area);
        for (GEOSGeometry* g : {x, ga, gb}) GEOSGeom_destroy_r(m_c, g);
        return area;
    }
    // Area of zone minus the union of the parts.
    double uncovered(const MultiPolygon& zone,
                     const std::vector<const MultiPolygon*>& parts) const {
        std::vector<GEOSGeometry*> gs;
        for (const auto* p : parts) gs.push_back(make(*p));
        GEOSGeometry* coll = GEOSGeom_createCollection_r(m_c, GEOS_GEOMETRYCOLLECTION, gs.data(),
                                                         static_cast<unsigned>(gs.size()));
        GEOSGeometry* u = GEOSUnaryUnion_r(m_c, coll);
        GEOSGeometry* z = make(zone);
        GEOSGeometry* d = GEOSDifference_r(m_c, z, u);
        double area = -1;
        GEOSArea_r(m_c, d, &area);
        for (GEOSGeometry* g : {d, z, u, coll}) GEOSGeom_destroy_r(m_c, g);
        return area;
    }

  private:
    GEOSContextHandle_t m_c;
};

// Every ring of mp in order (one list per polygon), for comparing vertex for vertex.
std::vector<std::vector<Ring>> rings_of(const MultiPolygon& mp) {
    std::vector<std::vector<Ring>> out;
    for (const auto& p : mp.polygons) out.push_back(p.rings);
    return out;
}

// Checks the proof both ways round, its soundness against GEOS, and find_overlaps' verdict.
void expect_touch(const MultiPolygon& a, const MultiPolygon& b, bool proven, bool overlap,
                  const char* what) {
    const Geos g;
    EXPECT_EQ(g.interiors_meet(a, b), overlap) << what << " (oracle)";
    EXPECT_EQ(polygons_only_touch(a, b), proven) << what;
    EXPECT_EQ(polygons_only_touch(b, a), proven) << what << " (swapped)";
    OverlapOptions oo;
    oo.self = true;
    oo.threads = 1;
    const std::vector<MultiPolygon> both{a, b};
    const auto found = find_overlaps(
        both, {}, {planar_area(a), planar_area(b)}, {},
        [](const MultiPolygon& mp) { return planar_area(mp); }, oo);
    EXPECT_EQ(found.size(), overlap ? 1u : 0u) << what << " (find_overlaps)";
}

MultiPolygon reversed(MultiPolygon mp) {
    for (auto& p : mp.polygons)
        for (auto& r : p.rings) std::reverse(r.begin(), r.end());
    return mp;
}

TEST(CoverageEdgesTest, HandMadePairs) {
    const MultiPolygon a = box(0, 0, 10, 10);
    expect_touch(a, box(10, 0, 20, 10), true, false, "shared edge");
    expect_touch(a, reversed(box(10, 0, 20, 10)), true, false, "shared edge, clockwise ring");
    expect_touch(a, box(10, -5, 20, 5), false, false, "edge overlapping half of a side (T)");
    expect_touch(a, box(10, 10, 20, 20), true, false, "touching at a corner");
    expect_touch(a, box(20, 0, 30, 10), true, false, "disjoint");
    expect_touch(a, a, false, true, "identical polygons");
    expect_touch(a, reversed(a), false, true, "identical polygons, opposite ring orientation");
    expect_touch(a, box(2, 2, 4, 4), false, true, "one inside the other");
    expect_touch(a, box(5, 0, 10, 10), false, true, "inside, sharing three sides");
    expect_touch(a, box(5, 5, 15, 15), false, true, "crossing");
    // Shared edge plus an overlap elsewhere (a second part of b inside a).
    MultiPolygon shared_plus = box(10, 0, 20, 10);
    shared_plus.polygons.push_back(box(2, 2, 4, 4).polygons[0]);
    expect_touch(a, shared_plus, false, true, "shared edge plus an overlap");
    // A vertex of b poking across the shared side.
    expect_touch(a, polygon({{{10, 0}, {20, 0}, {20, 10}, {10, 10}, {9, 5}}}), false, true,
                 "shared corners, b's side bent into a");
    // T-junctions: b has an extra vertex on the shared side (touch only, not proven: GEOS).
    expect_touch(a, polygon({{{10, 0}, {20, 0}, {20, 10}, {10, 10}, {10, 5}}}), false, false,
                 "T-junction");
    expect_touch(a, polygon({{{10, 0}, {20, 0}, {20, 10}, {10, 10}, {10, 5}, {9.5, 2}}}), false,
                 true, "T-junction plus an overlap");
    // Holes: an island filling the hole, one inside it, one across it.
    MultiPolygon holed = box(0, 0, 30, 30);
    holed.polygons[0].rings.push_back(box_ring(10, 10, 20, 20));  // counter-clockwise too
    expect_touch(holed, box(10, 10, 20, 20), true, false, "island filling a hole");
    expect_touch(holed, box(12, 12, 18, 18), true, false, "island inside a hole");
    expect_touch(holed, box(5, 5, 25, 25), false, true, "across a hole");
    expect_touch(holed, box(10, 10, 20, 25), false, true, "filling a hole and more");
    // Multipolygons: b between two parts of a, and a part of b inside a's second part.
    MultiPolygon two = box(0, 0, 10, 10);
    two.polygons.push_back(box(20, 0, 30, 10).polygons[0]);
    expect_touch(two, box(10, 0, 20, 10), false, false,
                 "between two parts (b's bottom side joins two vertices of a: not proven)");
    expect_touch(two, polygon({{{10, 0}, {15, -1}, {20, 0}, {20, 10}, {15, 11}, {10, 10}}}), true,
                 false, "between two parts, with vertices of its own");
    MultiPolygon two_b = box(10, 0, 20, 10);
    two_b.polygons.push_back(box(22, 2, 24, 4).polygons[0]);
    expect_touch(two, two_b, false, true, "a part inside a part");
    // Collinear sides meeting at a corner (a straight road), and an L around a square.
    expect_touch(box(0, 0, 10, 5), box(10, 0, 20, 5), true, false, "collinear neighbours");
    const MultiPolygon ell = polygon({{{0, 0}, {20, 0}, {20, 10}, {10, 10}, {10, 20}, {0, 20}}});
    expect_touch(ell, box(10, 10, 20, 20), true, false, "square in an L's notch");
    expect_touch(ell, box(11, 11, 19, 19), true, false, "square inside the notch's box");
    expect_touch(ell, box(9, 9, 20, 20), false, true, "square overlapping the L");
}

TEST(CoverageEdgesTest, HandMadeZones) {
    const Geos g;
    const MultiPolygon w = box(0, 0, 10, 10), e = box(10, 0, 20, 10);
    auto check = [&](const MultiPolygon& zone, std::vector<const MultiPolygon*> parts, bool proven,
                     double uncovered, const char* what) {
        EXPECT_EQ(covered_by_parts(zone, parts), proven) << what;
        EXPECT_NEAR(g.uncovered(zone, parts), uncovered, 1e-9) << what << " (oracle)";
    };
    // The zone's sides pass through the parts' shared corners: matched vertex for vertex.
    const MultiPolygon whole = polygon({{{0, 0}, {10, 0}, {20, 0}, {20, 10}, {10, 10}, {0, 10}}});
    check(whole, {&w, &e}, true, 0, "exactly the union");
    // Without those vertices the parts' sides lie along the zone's (T-junctions): not proven.
    check(box(0, 0, 20, 10), {&w, &e}, false, 0, "exactly the union, T-junctions on its sides");
    check(box(2, 2, 18, 8), {&w, &e}, true, 0, "inside the union, across the shared side");
    check(box(2, 2, 8, 8), {&w}, true, 0, "inside one part");
    check(box(-1, 0, 20, 10), {&w, &e}, false, 10, "reaching outside the parts");
    // A 1 m2 gap: a hole in one parcel with nothing in it.
    MultiPolygon holed = w;
    holed.polygons[0].rings.push_back(box_ring(4, 4, 5, 5));
    check(whole, {&holed, &e}, false, 1, "a 1 m2 gap inside");
    const MultiPolygon island = box(4, 4, 5, 5);
    check(whole, {&holed, &e, &island}, true, 0, "the gap filled by an island");
    // A T-junction inside the zone: covered, but not proven here (GEOS measures it).
    const MultiPolygon e_t = polygon({{{10, 0}, {20, 0}, {20, 10}, {10, 10}, {10, 5}}});
    check(box(2, 2, 18, 8), {&w, &e_t}, false, 0, "T-junction inside the zone");
    // Overlapping parts covering the zone: not a coverage, not proven.
    const MultiPolygon l = box(0, 0, 12, 10), r = box(8, 0, 20, 10);
    check(box(1, 1, 19, 9), {&l, &r}, false, 0, "overlapping parts");
    // Multipolygon zones are left to GEOS.
    MultiPolygon two = box(1, 1, 3, 3);
    two.polygons.push_back(box(12, 1, 13, 3).polygons[0]);
    check(two, {&w, &e}, false, 0, "multipolygon zone");
}

// polygons_apart's verdict, both ways round, and GEOS agreeing with any definite one.
Apart expect_apart(const MultiPolygon& a, const MultiPolygon& b) {
    const Geos g;
    const Apart r = polygons_apart(a, b);
    const Apart swapped = polygons_apart(b, a);
    switch (r) {
        case Apart::Disjoint:
            EXPECT_TRUE(g.predicate(a, b, Geos::Predicate::Disjoint));
            EXPECT_EQ(swapped, Apart::Disjoint);
            break;
        case Apart::BInsideA:
            EXPECT_TRUE(g.predicate(a, b, Geos::Predicate::Contains));
            EXPECT_FALSE(g.predicate(b, a, Geos::Predicate::Contains));
            EXPECT_EQ(swapped, Apart::AInsideB);
            break;
        case Apart::AInsideB:
            EXPECT_TRUE(g.predicate(b, a, Geos::Predicate::Contains));
            EXPECT_FALSE(g.predicate(a, b, Geos::Predicate::Contains));
            EXPECT_EQ(swapped, Apart::BInsideA);
            break;
        case Apart::Unknown:
            EXPECT_EQ(swapped, Apart::Unknown);
    }
    return r;
}

TEST(CoverageEdgesTest, ApartHandMade) {
    const MultiPolygon a = box(0, 0, 10, 10);
    EXPECT_EQ(expect_apart(a, box(2, 2, 4, 4)), Apart::BInsideA);
    EXPECT_EQ(expect_apart(box(2, 2, 4, 4), a), Apart::AInsideB);
    EXPECT_EQ(expect_apart(a, box(20, 0, 30, 10)), Apart::Disjoint);
    EXPECT_EQ(expect_apart(a, box(10, 0, 20, 10)), Apart::Unknown);   // shared edge
    EXPECT_EQ(expect_apart(a, box(10, 10, 20, 20)), Apart::Unknown);  // corner
    EXPECT_EQ(expect_apart(a, box(5, 5, 15, 15)), Apart::Unknown);    // crossing
    EXPECT_EQ(expect_apart(a, box(0, 2, 4, 4)), Apart::Unknown);      // inside, touching
    EXPECT_EQ(expect_apart(a, a), Apart::Unknown);                    // identical
    const MultiPolygon ell = polygon({{{0, 0}, {20, 0}, {20, 10}, {10, 10}, {10, 20}, {0, 20}}});
    EXPECT_EQ(expect_apart(ell, box(11, 11, 19, 19)), Apart::Disjoint);  // in the notch
    MultiPolygon holed = box(0, 0, 30, 30);
    holed.polygons[0].rings.push_back(box_ring(10, 10, 20, 20));
    EXPECT_EQ(expect_apart(holed, box(12, 12, 18, 18)), Apart::Disjoint);  // in the hole
    EXPECT_EQ(expect_apart(holed, box(2, 2, 8, 8)), Apart::BInsideA);      // in the ring
    EXPECT_EQ(expect_apart(holed, box(5, 5, 25, 25)), Apart::Unknown);     // around the hole
    EXPECT_EQ(expect_apart(holed, box(-5, -5, 35, 35)), Apart::AInsideB);  // around it all
    MultiPolygon two = box(0, 0, 10, 10);
    two.polygons.push_back(box(20, 0, 30, 10).polygons[0]);
    EXPECT_EQ(expect_apart(two, box(22, 2, 24, 4)), Apart::BInsideA);
    EXPECT_EQ(expect_apart(two, box(12, 2, 14, 4)), Apart::Disjoint);
    EXPECT_EQ(expect_apart(two, box(-5, -5, 35, 15)), Apart::AInsideB);
    MultiPolygon both = box(2, 2, 4, 4);
    both.polygons.push_back(box(40, 0, 50, 10).polygons[0]);
    EXPECT_EQ(expect_apart(two, both), Apart::Unknown);  // one part inside, one outside
}

// The (n + 1)^2 corners of an n x n lattice of cells of `side` metres, row by row, each moved
// by up to `jitter` sides along x and y (the outer ones only along the outline).
std::vector<Point> lattice_corners(std::mt19937& rng, int n, double side, double jitter) {
    std::uniform_real_distribution<double> jit(-jitter * side, jitter * side);
    std::vector<Point> pts((n + 1) * (n + 1));
    for (int j = 0; j <= n; ++j)
        for (int i = 0; i <= n; ++i) {
            const bool edge_x = i == 0 || i == n, edge_y = j == 0 || j == n;
            pts[j * (n + 1) + i] = Point{5e5 + i * side + (edge_x ? 0 : jit(rng)),
                                         3.4e6 + j * side + (edge_y ? 0 : jit(rng))};
        }
    return pts;
}

// A jittered n x n lattice: cells share their corners exactly (a coverage of quads).
std::vector<MultiPolygon> lattice(std::mt19937& rng, int n, double side) {
    const std::vector<Point> pts = lattice_corners(rng, n, side, 0.3);
    std::vector<MultiPolygon> cells;
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            const Point& p00 = pts[j * (n + 1) + i];
            const Point& p10 = pts[j * (n + 1) + i + 1];
            const Point& p11 = pts[(j + 1) * (n + 1) + i + 1];
            const Point& p01 = pts[(j + 1) * (n + 1) + i];
            cells.push_back(polygon({{p00, p10, p11, p01}}));
        }
    return cells;
}

MultiPolygon scaled(const MultiPolygon& mp, double s) {
    const Box b = mp.bounds();
    const double cx = 0.5 * (b.xmin + b.xmax), cy = 0.5 * (b.ymin + b.ymax);
    MultiPolygon out = mp;
    for (auto& p : out.polygons)
        for (auto& r : p.rings)
            for (auto& q : r) q = Point{cx + s * (q.x - cx), cy + s * (q.y - cy)};
    return out;
}

// Every candidate pair: proven => GEOS finds the interiors disjoint. Returns {pairs, proven}.
std::pair<int, int> check_pairs(const std::vector<MultiPolygon>& cells, int* overlapping) {
    const Geos g;
    int pairs = 0, proven = 0;
    for (std::size_t i = 0; i < cells.size(); ++i)
        for (std::size_t j = i + 1; j < cells.size(); ++j) {
            if (!cells[i].bounds().intersects(cells[j].bounds())) continue;
            ++pairs;
            const bool meet = g.interiors_meet(cells[i], cells[j]);
            if (meet) ++*overlapping;
            if (polygons_only_touch(cells[i], cells[j])) {
                ++proven;
                EXPECT_FALSE(meet) << "cells " << i << " and " << j;
            }
        }
    return {pairs, proven};
}

TEST(CoverageEdgesTest, RandomJitteredCoveragesWithAndWithoutDefects) {
    std::mt19937 rng(17);
    for (int round = 0; round < 4; ++round) {
        std::vector<MultiPolygon> cells = lattice(rng, 12, 100);
        int overlapping = 0;
        const auto [pairs, proven] = check_pairs(cells, &overlapping);
        EXPECT_EQ(overlapping, 0);
        EXPECT_EQ(proven, pairs);  // a clean coverage is proven pair by pair
        // Defects: enlarged and shrunk cells, vertices nudged by a hair, midpoints inserted on
        // one side only (near-T-junctions, floating-point midpoints off the line).
        std::uniform_int_distribution<std::size_t> pick(0, cells.size() - 1);
        for (int d = 0; d < 12; ++d) {
            const std::size_t k = pick(rng);
            Ring& ring = cells[k].polygons[0].rings[0];
            switch (d % 4) {
                case 0:
                    cells[k] = scaled(cells[k], 1.05);
                    break;
                case 1:
                    cells[k] = scaled(cells[k], 0.97);
                    break;
                case 2:
                    ring[1].x += (d % 8 < 4 ? 1e-6 : -1e-6);
                    break;
                default: {
                    const Point m{0.5 * (ring[1].x + ring[2].x), 0.5 * (ring[1].y + ring[2].y)};
                    ring.insert(ring.begin() + 2, m);
                }
            }
        }
        int overlapping2 = 0;
        const auto [pairs2, proven2] = check_pairs(cells, &overlapping2);
        EXPECT_GT(overlapping2, 0);
        EXPECT_LT(proven2, pairs2);
        EXPECT_GT(proven2, pairs2 / 2);
    }
}

// A jittered n x n lattice whose cell sides are each cut into k + 1 edges by points both
// neighbours share (jittered across the side): cells of 4 (k + 1) edges, so pairs of them are
// tested through the sweep, not edge by edge.
std::vector<MultiPolygon> fine_lattice(std::mt19937& rng, int n, double side, int k) {
    std::uniform_real_distribution<double> across(-0.02 * side, 0.02 * side);
    const std::vector<Point> corner = lattice_corners(rng, n, side, 0.2);
    // The points between two corners, from p to q, shared by the cells on either side.
    auto cut = [&](const Point& p, const Point& q) {
        std::vector<Point> pts;
        const double dx = q.x - p.x, dy = q.y - p.y, len = std::hypot(dx, dy);
        for (int m = 1; m <= k; ++m) {
            const double t = static_cast<double>(m) / (k + 1), off = across(rng);
            pts.push_back(Point{p.x + t * dx - off * dy / len, p.y + t * dy + off * dx / len});
        }
        return pts;
    };
    std::vector<std::vector<Point>> horizontal((n + 1) * n), vertical(n * (n + 1));
    for (int j = 0; j <= n; ++j)
        for (int i = 0; i < n; ++i)
            horizontal[j * n + i] = cut(corner[j * (n + 1) + i], corner[j * (n + 1) + i + 1]);
    for (int j = 0; j < n; ++j)
        for (int i = 0; i <= n; ++i)
            vertical[j * (n + 1) + i] = cut(corner[j * (n + 1) + i], corner[(j + 1) * (n + 1) + i]);
    std::vector<MultiPolygon> cells;
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            std::vector<Point> ring{corner[j * (n + 1) + i]};
            for (const Point& p : horizontal[j * n + i]) ring.push_back(p);
            ring.push_back(corner[j * (n + 1) + i + 1]);
            for (const Point& p : vertical[j * (n + 1) + i + 1]) ring.push_back(p);
            ring.push_back(corner[(j + 1) * (n + 1) + i + 1]);
            const auto& top = horizontal[(j + 1) * n + i];
            for (auto it = top.rbegin(); it != top.rend(); ++it) ring.push_back(*it);
            ring.push_back(corner[(j + 1) * (n + 1) + i]);
            const auto& left = vertical[j * (n + 1) + i];
            for (auto it = left.rbegin(); it != left.rend(); ++it) ring.push_back(*it);
            cells.push_back(polygon({ring}));
        }
    return cells;
}

TEST(CoverageEdgesTest, ManyEdgedCellsGoThroughTheSweep) {
    std::mt19937 rng(23);
    std::vector<MultiPolygon> cells = fine_lattice(rng, 6, 100, 24);
    ASSERT_EQ(cells[0].num_points(), 4u * 25 + 1);  // a side alone: 625 edge pairs per pair
    int overlapping = 0;
    const auto [pairs, proven] = check_pairs(cells, &overlapping);
    EXPECT_EQ(overlapping, 0);
    EXPECT_EQ(proven, pairs);
    // A shrunk cell and an enlarged one: the neighbours of the enlarged one overlap it, and
    // the shrunk one's boundary meets none of its neighbours' (apart, decided by the sweep).
    cells[7] = scaled(cells[7], 1.04);
    cells[27] = scaled(cells[27], 0.9);
    overlapping = 0;
    const auto [pairs2, proven2] = check_pairs(cells, &overlapping);
    EXPECT_GT(overlapping, 0);
    EXPECT_EQ(proven2 + overlapping, pairs2);
    int disjoint = 0;
    for (std::size_t j = 0; j < cells.size(); ++j)
        if (j != 27 && cells[27].bounds().intersects(cells[j].bounds()) &&
            expect_apart(cells[27], cells[j]) == Apart::Disjoint)
            ++disjoint;
    EXPECT_GT(disjoint, 0);
    EXPECT_EQ(expect_apart(scaled(cells[14], 0.5), cells[14]), Apart::AInsideB);
}

TEST(CoverageEdgesTest, SyntheticSurveyAgainstGeos) {
    for (const std::int64_t defects : {std::int64_t{0}, std::int64_t{8}}) {
        SurveyOptions so;
        so.parcels = 900;
        so.zones = 6;
        so.defects = defects;
        const SurveyScene scene(so);
        std::vector<MultiPolygon> t0, t1;
        for (std::int64_t c = 0; c < scene.cells(); ++c) {
            t0.push_back(scene.parcel_t0(c).shape);
            for (auto& p : scene.parcels_t1(c)) t1.push_back(std::move(p.shape));
        }
        for (const auto* layer : {&t0, &t1}) {
            int overlapping = 0;
            const auto [pairs, proven] = check_pairs(*layer, &overlapping);
            if (defects == 0) {
                EXPECT_EQ(overlapping, 0);
                EXPECT_EQ(proven, pairs);
            } else {
                EXPECT_GT(overlapping, 0);
                EXPECT_EQ(proven + overlapping, pairs);  // every other pair is proven
            }
            // find_overlaps (proof + GEOS) finds exactly the oracle's overlapping pairs.
            OverlapOptions oo;
            oo.self = true;
            oo.threads = 2;
            std::vector<double> areas;
            for (const auto& p : *layer) areas.push_back(planar_area(p));
            const auto found = find_overlaps(
                *layer, {}, areas, {}, [](const MultiPolygon& mp) { return planar_area(mp); }, oo);
            EXPECT_EQ(static_cast<int>(found.size()), overlapping);
        }
        // The two years against each other (not a self check): the pairs whose interiors meet,
        // as GEOS finds them pair by pair; a parcel both years share is Equal with its own
        // geometry and area, and every piece has GEOS's intersection area.
        {
            const Geos g;
            std::vector<std::pair<std::size_t, std::size_t>> expected;
            for (std::size_t i = 0; i < t0.size(); ++i)
                for (std::size_t j = 0; j < t1.size(); ++j)
                    if (t0[i].bounds().intersects(t1[j].bounds()) && g.interiors_meet(t0[i], t1[j]))
                        expected.emplace_back(i, j);
            std::vector<double> a0, a1;
            for (const auto& p : t0) a0.push_back(planar_area(p));
            for (const auto& p : t1) a1.push_back(planar_area(p));
            for (int threads : {1, 2}) {
                OverlapOptions oo;
                oo.keep_pieces = true;
                oo.threads = threads;
                const auto found = find_overlaps(
                    t0, t1, a0, a1, [](const MultiPolygon& mp) { return planar_area(mp); }, oo);
                std::vector<std::pair<std::size_t, std::size_t>> got;
                int equal = 0;
                for (const auto& ov : found) {
                    got.emplace_back(ov.a, ov.b);
                    const bool same = rings_of(t0[ov.a]) == rings_of(t1[ov.b]);
                    if (same) {
                        ++equal;
                        EXPECT_EQ(ov.kind, OverlapKind::Equal);
                        EXPECT_EQ(ov.area_m2, a0[ov.a]);
                        EXPECT_TRUE(rings_of(ov.piece) == rings_of(t0[ov.a]));
                    }
                    if (ov.kind == OverlapKind::Equal) {
                        EXPECT_TRUE(g.predicate(t0[ov.a], t1[ov.b], Geos::Predicate::Equals));
                    }
                    EXPECT_NEAR(planar_area(ov.piece), g.intersection_area(t0[ov.a], t1[ov.b]),
                                1e-6 * a0[ov.a]);
                }
                EXPECT_EQ(got, expected);
                EXPECT_GT(equal, static_cast<int>(t0.size()) * 9 / 10);  // most parcels stay
            }
        }
        // Zones against parcels: polygons_apart's definite verdicts agree with GEOS.
        int definite = 0;
        for (const auto& [code, zone] : scene.zones())
            for (const auto& p : t0)
                if (p.bounds().intersects(zone.bounds()) && expect_apart(zone, p) != Apart::Unknown)
                    ++definite;
        EXPECT_GT(definite, 0);
        // Zones against the t0 parcels: covered_by_parts => GEOS finds nothing uncovered, and
        // a zone over a shrunk parcel (a gap) is never proven.
        const Geos g;
        int proven_zones = 0;
        for (const auto& [code, zone] : scene.zones()) {
            if (zone.polygons.size() != 1) continue;
            std::vector<const MultiPolygon*> parts;
            for (const auto& p : t0)
                if (p.bounds().intersects(zone.bounds()) && g.interiors_meet(p, zone))
                    parts.push_back(&p);
            if (parts.empty()) continue;
            const double gap = g.uncovered(zone, parts);
            if (covered_by_parts(zone, parts)) {
                ++proven_zones;
                EXPECT_EQ(gap, 0.0) << code;
            }
        }
        if (defects == 0) {
            EXPECT_GT(proven_zones, 0);
        }
    }
}

}  // namespace
}  // namespace redline
