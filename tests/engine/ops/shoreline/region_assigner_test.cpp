// Regions of shoreline pieces (region_assigner.hpp): containment first in layer order, else the
// nearest region within the snap distance (first in layer order on equal distances), else none.
#include "redline/ops/shoreline/region_assigner.hpp"

#include <gtest/gtest.h>

#include "ops/shoreline/shoreline_fixtures.hpp"

namespace redline {
namespace {

using test::kY0;

// Three regions 1000 m high: A x 499000-500000 and B x 499500-500500 overlap; C x 501000-502000.
const MultiPolygon kA = test::box(499000, kY0, 500000, kY0 + 1000);
const MultiPolygon kB = test::box(499500, kY0, 500500, kY0 + 1000);
const MultiPolygon kC = test::box(501000, kY0, 502000, kY0 + 1000);

int region_of(const std::vector<MultiPolygon>& regions, double snap_m, double x, double y) {
    const LineMeasurer meas(test::wkt_of(test::kTm), 100);
    const Point p{x, kY0 + y};
    return RegionAssigner(regions, snap_m).assign(p, meas.metric_at(p));
}

TEST(RegionAssignerTest, ContainingRegionFirstInLayerOrder) {
    EXPECT_EQ(region_of({kA, kB, kC}, 5000, 499700, 500), 0);  // in A and B
    EXPECT_EQ(region_of({kB, kA, kC}, 5000, 499700, 500), 0);  // in B and A
    EXPECT_EQ(region_of({kA, kB, kC}, 5000, 500200, 500), 1);  // in B only
    EXPECT_EQ(region_of({kA, kB, kC}, 0, 501500, 500), 2);     // in C, no snap needed
}

TEST(RegionAssignerTest, NearestRegionWithinTheSnapDistance) {
    // x = 500700: 200 m east of B, 300 m west of C, 700 m east of A.
    EXPECT_EQ(region_of({kA, kB, kC}, 5000, 500700, 500), 1);
    EXPECT_EQ(region_of({kA, kB, kC}, 250, 500700, 500), 1);
    EXPECT_EQ(region_of({kA, kC}, 250, 500700, 500), -1);  // C is 300 m away
    EXPECT_EQ(region_of({kA, kC}, 350, 500700, 500), 1);
    EXPECT_EQ(region_of({kA, kB, kC}, 150, 500700, 500), -1);
    EXPECT_EQ(region_of({kA, kB, kC}, 0, 500700, 500), -1);  // containment only
    // 100 m south of A and B (both bottom edges at kY0).
    EXPECT_EQ(region_of({kA, kB, kC}, 5000, 499700, -100), 0);
}

TEST(RegionAssignerTest, EqualDistancesGoToTheFirstInLayerOrder) {
    // x = 500750: 250 m from B and from C.
    EXPECT_EQ(region_of({kA, kB, kC}, 5000, 500750, 500), 1);
    EXPECT_EQ(region_of({kA, kC, kB}, 5000, 500750, 500), 1);  // now C
    EXPECT_EQ(region_of({kC, kB}, 5000, 500750, 500), 0);
}

TEST(RegionAssignerTest, NoRegions) {
    const RegionAssigner none({}, 5000);
    EXPECT_TRUE(none.empty());
    EXPECT_EQ(region_of({}, 5000, 500000, 0), -1);
}

}  // namespace
}  // namespace redline
