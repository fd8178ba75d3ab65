// measure_union: the union area of `redline area --dissolve` and of the report's layers.
#include <gtest/gtest.h>

#include "redline/geodesy/polygon_area.hpp"
#include "redline/geom/polygon_dissolve.hpp"
#include "redline/ops/overlay/area.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

using test::box;

TEST(MeasureUnionTest, OverlapsCountOnceInTheUnionAndTwiceInTheSum) {
    const ConcurrentAreaCalculator calc(test::crs_of(test::kAlbers));
    const std::vector<MultiPolygon> geoms = {box(0, 0, 10, 10), box(5, 0, 15, 10),
                                             box(100, 0, 101, 1)};
    std::vector<const MultiPolygon*> parts;
    ExactAreaSum sum;
    for (const auto& g : geoms) parts.push_back(&g);
    for (const auto& s : measure_area_sums(geoms, calc, 1)) sum.add(s);
    const UnionArea u = measure_union(parts, sum, calc, 1);
    EXPECT_DOUBLE_EQ(u.area_m2, 151.0);
    EXPECT_DOUBLE_EQ(u.sum_m2, 201.0);
    EXPECT_DOUBLE_EQ(u.overlap_m2(), 50.0);
    EXPECT_EQ(u.pieces.size(), 2u);
    EXPECT_EQ(u.pieces.area_m2(), u.area_m2);
    // The same bits as measuring the dissolved union polygon by polygon, for any thread count.
    EXPECT_EQ(u.area_m2, measure_area(dissolve(parts, 1), calc, 1));
    EXPECT_EQ(measure_union(parts, sum, calc, 2).area_m2, u.area_m2);
}

}  // namespace
}  // namespace redline
