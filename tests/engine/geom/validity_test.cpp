// find_validity_issues (certificate first, GEOS for the rest) reports exactly what GEOS's
// check_validity reports, with the same indices, reasons and locations.
#include "redline/geom/validity.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace redline {
namespace {

using test::box;
using test::polygon;

TEST(Validity, FastCheckFindsWhatGeosFinds) {
    std::vector<MultiPolygon> g;
    g.push_back(box(0, 0, 10, 10));                                        // 0 valid, certified
    g.push_back(polygon({{{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}}));  // 1 bow-tie
    g.push_back(
        polygon({test::box_ring(0, 0, 10, 10), test::box_ring(2, 2, 4, 4)}));  // 2 hole: GEOS
    g.push_back(MultiPolygon{});                                               // 3 empty: valid
    g.push_back(
        polygon({test::box_ring(0, 0, 10, 10), test::box_ring(20, 20, 30, 30)}));  // 4 hole outside
    g.push_back(polygon({{{0, 0}, {5, 0}, {5, 0}, {5, 5}, {0, 0}}}));  // 5 repeated point: valid
    const auto geos = check_validity(g, 1);
    const auto fast = find_validity_issues(g, 2);
    ASSERT_EQ(geos.size(), 2u);
    ASSERT_EQ(fast.size(), geos.size());
    for (std::size_t i = 0; i < geos.size(); ++i) {
        EXPECT_EQ(fast[i].index, geos[i].index);
        EXPECT_EQ(fast[i].reason, geos[i].reason);
        EXPECT_EQ(fast[i].location, geos[i].location);
    }
    EXPECT_EQ(fast[0].index, 1u);
    EXPECT_EQ(fast[0].reason, "Self-intersection");
    EXPECT_EQ(fast[0].location, (Point{5, 5}));
    EXPECT_EQ(fast[1].index, 4u);
}

}  // namespace
}  // namespace redline
