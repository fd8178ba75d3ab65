// Dissolve by connected components: exact union areas of rectangles (coordinate compression),
// components counted by hand, touching parts merged, thread independence.
#include "redline/geom/polygon_dissolve.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "redline/geom/validity.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

using test::box;

double exact_union_of_boxes(const std::vector<Box>& boxes) {
    std::vector<double> xs, ys;
    for (const auto& b : boxes) {
        xs.insert(xs.end(), {b.xmin, b.xmax});
        ys.insert(ys.end(), {b.ymin, b.ymax});
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

TEST(PolygonDissolveTest, CountsComponentsAndMergesTouchingParts) {
    const std::vector<MultiPolygon> g = {
        box(0, 0, 10, 10),  box(10, 0, 20, 10),  // touch: one component
        box(30, 0, 40, 10), box(35, 5, 45, 15),  // overlap: one component
        box(60, 0, 70, 10), MultiPolygon{}};     // alone; empty ignored
    std::vector<const MultiPolygon*> parts;
    for (const auto& x : g) parts.push_back(&x);
    DissolveStats st;
    const MultiPolygon d = dissolve(parts, 2, &st);
    EXPECT_EQ(st.parts, 5u);
    EXPECT_EQ(st.components, 3u);
    EXPECT_EQ(st.largest, 2u);
    EXPECT_DOUBLE_EQ(planar_area(d), 200 + 175 + 100);
    ASSERT_EQ(d.polygons.size(), 3u);  // the touching squares became one polygon
    EXPECT_TRUE(check_validity({d}).empty());
}

TEST(PolygonDissolveTest, RandomRectanglesMatchExactUnionForAnyThreadCount) {
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> pos(0, 4000), size(1, 150);
    std::vector<Box> boxes;
    std::vector<MultiPolygon> geoms;
    for (int i = 0; i < 900; ++i) {
        Box b;
        const double x = std::round(pos(rng)), y = std::round(pos(rng));
        b.expand(Point{x, y});
        b.expand(Point{x + std::round(size(rng)), y + std::round(size(rng))});
        boxes.push_back(b);
        geoms.push_back(box(b.xmin, b.ymin, b.xmax, b.ymax));
    }
    std::vector<const MultiPolygon*> parts;
    for (const auto& x : geoms) parts.push_back(&x);
    DissolveStats st;
    const MultiPolygon d1 = dissolve(parts, 1, &st);
    const MultiPolygon d4 = dissolve(parts, 4);
    EXPECT_GT(st.components, 100u);
    EXPECT_LT(st.components, 900u);
    const double exact = exact_union_of_boxes(boxes);
    EXPECT_NEAR(planar_area(d1) / exact - 1, 0, 1e-9);
    ASSERT_EQ(d1.polygons.size(), d4.polygons.size());
    for (std::size_t i = 0; i < d1.polygons.size(); ++i)
        EXPECT_EQ(d1.polygons[i].rings, d4.polygons[i].rings);
    EXPECT_TRUE(check_validity({d1}).empty());
}

}  // namespace
}  // namespace redline
