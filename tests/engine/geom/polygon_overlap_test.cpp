// Candidate pairs (STRtree) against brute force; overlaps and unions of rectangles against exact
// hand computations (products of extents, coordinate-compressed union areas); kinds of overlap;
// independence from the thread count.
#include "redline/geom/polygon_overlap.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/geom/candidate_pairs.hpp"
#include "redline/geom/polygon_union.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

using test::box;

std::vector<Box> random_boxes(std::mt19937& rng, int n, double extent, double max_size) {
    std::uniform_real_distribution<double> pos(0, extent), size(0, max_size);
    std::vector<Box> out;
    for (int i = 0; i < n; ++i) {
        Box b;
        const double x = std::round(pos(rng)), y = std::round(pos(rng));
        b.expand(Point{x, y});
        b.expand(Point{x + std::round(size(rng)) + 1, y + std::round(size(rng)) + 1});
        out.push_back(b);
    }
    return out;
}

MultiPolygon to_mp(const Box& b) { return box(b.xmin, b.ymin, b.xmax, b.ymax); }

std::vector<double> planar_areas(const std::vector<MultiPolygon>& g) {
    std::vector<double> out;
    for (const auto& m : g) out.push_back(planar_area(m));
    return out;
}

// Exact area of a union of axis-aligned rectangles (coordinate compression).
double union_area_of_boxes(const std::vector<Box>& boxes) {
    std::vector<double> xs, ys;
    for (const auto& b : boxes) {
        xs.push_back(b.xmin);
        xs.push_back(b.xmax);
        ys.push_back(b.ymin);
        ys.push_back(b.ymax);
    }
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    std::sort(ys.begin(), ys.end());
    ys.erase(std::unique(ys.begin(), ys.end()), ys.end());
    double area = 0;
    for (std::size_t i = 0; i + 1 < xs.size(); ++i)
        for (std::size_t j = 0; j + 1 < ys.size(); ++j) {
            const double cx = 0.5 * (xs[i] + xs[i + 1]), cy = 0.5 * (ys[j] + ys[j + 1]);
            for (const auto& b : boxes)
                if (cx > b.xmin && cx < b.xmax && cy > b.ymin && cy < b.ymax) {
                    area += (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j]);
                    break;
                }
        }
    return area;
}

TEST(CandidatePairsTest, MatchesBruteForceIncludingTouchingAndEmptyBoxes) {
    std::mt19937 rng(42);
    auto a = random_boxes(rng, 300, 1000, 60);
    auto b = random_boxes(rng, 200, 1000, 60);
    a.push_back(Box{});  // empty geometry
    Box touch;
    touch.expand(Point{b[0].xmax, b[0].ymin});
    touch.expand(Point{b[0].xmax + 5, b[0].ymin + 5});
    a.push_back(touch);
    std::vector<IndexPair> expected;
    for (std::size_t i = 0; i < a.size(); ++i)
        for (std::size_t j = 0; j < b.size(); ++j)
            if (a[i].intersects(b[j])) expected.emplace_back(i, j);
    EXPECT_EQ(candidate_pairs(a, b), expected);
    EXPECT_NE(std::find(expected.begin(), expected.end(), IndexPair{a.size() - 1, 0}),
              expected.end());

    std::vector<IndexPair> self_expected;
    for (std::size_t i = 0; i < a.size(); ++i)
        for (std::size_t j = i + 1; j < a.size(); ++j)
            if (a[i].intersects(a[j])) self_expected.emplace_back(i, j);
    EXPECT_EQ(candidate_pairs_self(a), self_expected);
    EXPECT_TRUE(candidate_pairs({}, b).empty());
    EXPECT_TRUE(candidate_pairs(a, {}).empty());
}

TEST(CandidatePairsTest, MatchesBruteForceOnAManyLevelTree) {
    // Thousands of boxes (a tree of four levels), a few huge ones and duplicates.
    std::mt19937 rng(7);
    auto boxes = random_boxes(rng, 4000, 5000, 40);
    for (auto& b : random_boxes(rng, 5, 5000, 3000)) boxes.push_back(b);
    boxes.push_back(boxes[17]);
    std::vector<IndexPair> expected;
    for (std::size_t i = 0; i < boxes.size(); ++i)
        for (std::size_t j = i + 1; j < boxes.size(); ++j)
            if (boxes[i].intersects(boxes[j])) expected.emplace_back(i, j);
    EXPECT_EQ(candidate_pairs_self(boxes), expected);
    const std::vector<Box> few(boxes.begin(), boxes.begin() + 50);
    std::vector<IndexPair> cross;
    for (std::size_t i = 0; i < few.size(); ++i)
        for (std::size_t j = 0; j < boxes.size(); ++j)
            if (few[i].intersects(boxes[j])) cross.emplace_back(i, j);
    EXPECT_EQ(candidate_pairs(few, boxes), cross);
}

TEST(CandidatePairsTest, SameForAnyNumberOfThreads) {
    // Enough boxes for several query blocks (4,096 each) and a tree sorted in parallel (more
    // than 16,384 boxes).
    std::mt19937 rng(11);
    auto boxes = random_boxes(rng, 17000, 20000, 80);
    boxes.push_back(Box{});
    for (auto& b : random_boxes(rng, 3, 20000, 6000)) boxes.push_back(b);
    std::vector<IndexPair> expected;
    for (std::size_t i = 0; i < boxes.size(); ++i)
        for (std::size_t j = i + 1; j < boxes.size(); ++j)
            if (boxes[i].intersects(boxes[j])) expected.emplace_back(i, j);
    ASSERT_GT(expected.size(), 2000u);
    const std::vector<Box> few(boxes.begin(), boxes.begin() + 300);
    std::vector<IndexPair> cross, cross_back;
    for (std::size_t i = 0; i < few.size(); ++i)
        for (std::size_t j = 0; j < boxes.size(); ++j)
            if (few[i].intersects(boxes[j])) cross.emplace_back(i, j);
    for (std::size_t i = 0; i < boxes.size(); ++i)
        for (std::size_t j = 0; j < few.size(); ++j)
            if (boxes[i].intersects(few[j])) cross_back.emplace_back(i, j);
    for (int threads : {1, 2, 3, 0}) {
        SCOPED_TRACE(threads);
        EXPECT_EQ(candidate_pairs_self(boxes, threads), expected);
        EXPECT_EQ(candidate_pairs(few, boxes, threads), cross);
        EXPECT_EQ(candidate_pairs(boxes, few, threads), cross_back);
    }
}

TEST(PolygonOverlapTest, ClassifiesEqualInsidePartialAndTouching) {
    const std::vector<MultiPolygon> a = {box(0, 0, 10, 10), box(20, 0, 30, 10), box(40, 0, 50, 10),
                                         box(60, 0, 70, 10), box(80, 0, 90, 10)};
    const std::vector<MultiPolygon> b = {box(0, 0, 10, 10),     // equal to a0
                                         box(22, 2, 25, 5),     // inside a1
                                         box(35, -5, 55, 15),   // contains a2
                                         box(65, 5, 75, 15),    // crosses a3: 5 x 5
                                         box(90, 0, 95, 10),    // touches a4 along an edge
                                         box(70, 10, 75, 15)};  // touches a3 at a corner
    OverlapOptions opts;
    opts.keep_pieces = true;
    opts.locate = true;
    const auto ov = find_overlaps(
        a, b, planar_areas(a), planar_areas(b),
        [](const MultiPolygon& m) { return planar_area(m); }, opts);
    ASSERT_EQ(ov.size(), 4u);
    EXPECT_EQ(ov[0].kind, OverlapKind::Equal);
    EXPECT_EQ(ov[0].area_m2, 100);
    EXPECT_EQ(ov[1].kind, OverlapKind::BInsideA);
    EXPECT_EQ(ov[1].area_m2, 9);
    EXPECT_EQ(ov[2].kind, OverlapKind::AInsideB);
    EXPECT_EQ(ov[2].area_m2, 100);
    EXPECT_EQ(ov[3].kind, OverlapKind::Partial);
    EXPECT_EQ(ov[3].a, 3u);
    EXPECT_EQ(ov[3].b, 3u);
    EXPECT_DOUBLE_EQ(ov[3].area_m2, 25);
    EXPECT_DOUBLE_EQ(planar_area(ov[3].piece), 25);
    EXPECT_GT(ov[3].location.x, 65);
    EXPECT_LT(ov[3].location.x, 70);
    EXPECT_GT(ov[3].location.y, 5);
    EXPECT_LT(ov[3].location.y, 10);
    EXPECT_DOUBLE_EQ(planar_area(ov[1].piece), 9);
}

TEST(PolygonOverlapTest, SameVerticesAreEqualInEveryMode) {
    // Shared between the layers: a square with a hole, two parts, and a square whose ring
    // starts at another corner in b (the same point set: Equal through GEOS); b's last square
    // only touches a's first.
    MultiPolygon holed =
        test::polygon({{{0, 0}, {10, 0}, {10, 10}, {0, 10}}, {{2, 2}, {2, 4}, {4, 4}}});
    MultiPolygon parts = box(20, 0, 25, 5);
    parts.polygons.push_back(box(27, 0, 30, 3).polygons[0]);
    const MultiPolygon square = box(40, 0, 50, 10);
    const MultiPolygon rotated = test::polygon({{{50, 0}, {50, 10}, {40, 10}, {40, 0}}});
    const std::vector<MultiPolygon> a = {holed, parts, square};
    const std::vector<MultiPolygon> b = {holed, parts, rotated, box(-5, 0, 0, 10)};
    const std::vector<double> area_a = planar_areas(a), area_b = planar_areas(b);
    EXPECT_EQ(area_a[0], 98);
    EXPECT_EQ(area_a[1], 34);
    for (const bool keep : {false, true})
        for (const bool locate : {false, true}) {
            SCOPED_TRACE(testing::Message() << "keep_pieces " << keep << " locate " << locate);
            OverlapOptions opts;
            opts.keep_pieces = keep;
            opts.locate = locate;
            const auto ov = find_overlaps(
                a, b, area_a, area_b, [](const MultiPolygon& m) { return planar_area(m); }, opts);
            ASSERT_EQ(ov.size(), 3u);  // not the touching pair
            for (std::size_t k = 0; k < 3; ++k) {
                EXPECT_EQ(ov[k].a, k);
                EXPECT_EQ(ov[k].b, k);
                EXPECT_EQ(ov[k].kind, OverlapKind::Equal);
                EXPECT_EQ(ov[k].area_m2, area_a[k]);
                if (keep) {
                    EXPECT_EQ(planar_area(ov[k].piece), area_a[k]);
                    EXPECT_EQ(ov[k].piece.polygons.size(), a[k].polygons.size());
                }
            }
            if (locate) {
                EXPECT_GT(ov[2].location.x, 40);
                EXPECT_LT(ov[2].location.x, 50);
            }
        }
}

TEST(PolygonOverlapTest, RandomRectangleOverlapsEqualHandComputedAreasForAnyThreadCount) {
    std::mt19937 rng(7);
    const auto ba = random_boxes(rng, 400, 2000, 120);
    const auto bb = random_boxes(rng, 300, 2000, 120);
    std::vector<MultiPolygon> a, b;
    for (const auto& x : ba) a.push_back(to_mp(x));
    for (const auto& x : bb) b.push_back(to_mp(x));
    const AreaFunction measure = [](const MultiPolygon& m) { return planar_area(m); };
    std::map<IndexPair, double> expected;
    for (std::size_t i = 0; i < ba.size(); ++i)
        for (std::size_t j = 0; j < bb.size(); ++j) {
            const double w = std::min(ba[i].xmax, bb[j].xmax) - std::max(ba[i].xmin, bb[j].xmin);
            const double h = std::min(ba[i].ymax, bb[j].ymax) - std::max(ba[i].ymin, bb[j].ymin);
            if (w > 0 && h > 0) expected[{i, j}] = w * h;
        }
    ASSERT_GT(expected.size(), 50u);
    std::vector<std::vector<PolygonOverlap>> runs;
    for (int threads : {1, 4}) {
        OverlapOptions opts;
        opts.threads = threads;
        runs.push_back(find_overlaps(a, b, planar_areas(a), planar_areas(b), measure, opts));
    }
    const auto& ov = runs[0];
    ASSERT_EQ(ov.size(), expected.size());
    std::size_t k = 0;
    for (const auto& [ij, area] : expected) {
        EXPECT_EQ(ov[k].a, ij.first);
        EXPECT_EQ(ov[k].b, ij.second);
        EXPECT_NEAR(ov[k].area_m2 / area - 1, 0, 1e-9);
        EXPECT_EQ(runs[1][k].area_m2, ov[k].area_m2);
        EXPECT_EQ(runs[1][k].b, ov[k].b);
        ++k;
    }
}

TEST(PolygonOverlapTest, SelfOverlapsReportEachPairOnce) {
    const std::vector<MultiPolygon> g = {box(0, 0, 10, 10), box(5, 0, 15, 10), box(0, 0, 10, 10),
                                         box(15, 0, 20, 10)};
    OverlapOptions opts;
    opts.self = true;
    const auto ov = find_overlaps(
        g, {}, planar_areas(g), {}, [](const MultiPolygon& m) { return planar_area(m); }, opts);
    ASSERT_EQ(ov.size(), 3u);  // (0,1) 50, (0,2) equal 100, (1,2) 50; (1,3) only touches
    EXPECT_EQ(ov[0].a, 0u);
    EXPECT_EQ(ov[0].b, 1u);
    EXPECT_DOUBLE_EQ(ov[0].area_m2, 50);
    EXPECT_EQ(ov[1].kind, OverlapKind::Equal);
    EXPECT_EQ(ov[2].a, 1u);
    EXPECT_EQ(ov[2].b, 2u);
    EXPECT_DOUBLE_EQ(ov[2].area_m2, 50);
}

TEST(PolygonOverlapTest, InvalidInputIsAnErrorNamingThePair) {
    // A bow-tie: GEOS's overlay refuses it (TopologyException), which must surface as an error
    // naming the pair and GEOS's reason, never as a silent zero.
    const std::vector<MultiPolygon> a = {test::polygon({{{0, 0}, {10, 10}, {10, 0}, {0, 10}}})};
    const std::vector<MultiPolygon> b = {box(2, 2, 8, 8)};
    OverlapOptions opts;
    opts.describe_pair = [](std::size_t, std::size_t) {
        return std::string("feature 'bow' and feature 'sq'");
    };
    try {
        find_overlaps(
            a, b, {0.0}, {36.0}, [](const MultiPolygon& m) { return planar_area(m); }, opts);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        const std::string msg = render_for_cli(e.what());
        EXPECT_NE(msg.find("feature 'bow' and feature 'sq'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("Self-intersection"), std::string::npos) << msg;
        EXPECT_NE(msg.find("--make-valid"), std::string::npos) << msg;
    }
}

TEST(PolygonUnionTest, UnionOfRandomRectanglesEqualsExactArea) {
    std::mt19937 rng(11);
    const auto boxes = random_boxes(rng, 700, 3000, 200);  // > 2 chunks of 256
    std::vector<MultiPolygon> geoms;
    for (const auto& b : boxes) geoms.push_back(to_mp(b));
    std::vector<const MultiPolygon*> parts;
    for (const auto& g : geoms) parts.push_back(&g);
    const double exact = union_area_of_boxes(boxes);
    const MultiPolygon u1 = union_all(parts, 1);
    const MultiPolygon u4 = union_all(parts, 4);
    EXPECT_NEAR(planar_area(u1) / exact - 1, 0, 1e-9);
    EXPECT_EQ(planar_area(u1), planar_area(u4));
    double sum = 0;
    for (const auto& g : geoms) sum += planar_area(g);
    EXPECT_GT(sum - planar_area(u1), 0);  // overlaps counted once
}

}  // namespace
}  // namespace redline
