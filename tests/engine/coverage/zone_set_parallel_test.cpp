// ZoneSet built on several threads (issue 19): the flat arrays, rings, signs, bounds, windows and
// edge counts are those of one thread, consuming the geometry or not, and a bad coordinate is
// reported for the first zone in order whatever the number of threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "redline/core/error.hpp"
#include "redline/coverage/zone_set.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

Grid grid_100() { return Grid(0, 1, 100, -1, 100, 100); }

// 3000 zones: a box, a box with a hole (clockwise outer ring), a two-part zone, a zone with
// only a degenerate ring, and zones outside the grid.
std::vector<MultiPolygon> zones_of(std::size_t n) {
    std::vector<MultiPolygon> zs;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = static_cast<double>(i % 90) + 0.25, y = static_cast<double>(i % 80) + 0.5;
        MultiPolygon mp = test::box(x, y, x + 3.5, y + 2.25);
        switch (i % 5) {
            case 1: {
                std::reverse(mp.polygons[0].rings[0].begin(), mp.polygons[0].rings[0].end());
                mp.polygons[0].rings.push_back(test::box_ring(x + 1, y + 1, x + 2, y + 2));
                break;
            }
            case 2:
                mp.polygons.push_back(test::box(x + 200, y, x + 201, y + 1).polygons[0]);
                break;
            case 3:
                mp.polygons[0].rings[0] = Ring{{x, y}, {x + 1, y}, {x, y}};
                break;
            case 4:
                mp = test::box(x - 500, y, x - 499, y + 1);
                break;
            default:
                break;
        }
        zs.push_back(mp);
    }
    return zs;
}

void expect_same(const ZoneSet& a, const ZoneSet& b) {
    ASSERT_EQ(a.size(), b.size());
    ASSERT_EQ(a.xs().size(), b.xs().size());
    for (std::size_t i = 0; i < a.xs().size(); ++i) {
        ASSERT_EQ(a.xs()[i], b.xs()[i]) << i;
        ASSERT_EQ(a.ys()[i], b.ys()[i]) << i;
    }
    for (std::size_t z = 0; z < a.size(); ++z) {
        const auto &za = a.zone(z), &zb = b.zone(z);
        ASSERT_EQ(za.ring_begin, zb.ring_begin) << z;
        ASSERT_EQ(za.ring_end, zb.ring_end) << z;
        EXPECT_EQ(za.cmin, zb.cmin);
        EXPECT_EQ(za.cmax, zb.cmax);
        EXPECT_EQ(za.rmin, zb.rmin);
        EXPECT_EQ(za.rmax, zb.rmax);
        EXPECT_EQ(za.edges, zb.edges);
        EXPECT_EQ(za.window.col0, zb.window.col0);
        EXPECT_EQ(za.window.row0, zb.window.row0);
        EXPECT_EQ(za.window.cols, zb.window.cols);
        EXPECT_EQ(za.window.rows, zb.window.rows);
        for (std::size_t r = za.ring_begin; r < za.ring_end; ++r) {
            EXPECT_EQ(a.ring(r).begin, b.ring(r).begin);
            EXPECT_EQ(a.ring(r).end, b.ring(r).end);
            EXPECT_EQ(a.ring(r).sign, b.ring(r).sign);
        }
    }
}

TEST(ZoneSetParallel, SameZoneSetForAnyThreadsConsumingOrNot) {
    const auto zones = zones_of(3000);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < zones.size(); ++i) names.push_back("z" + std::to_string(i));
    const ZoneSet one(grid_100(), zones, names, 1);
    // Hand-checked values of the serial set: zone 0 is the box (0.25, 0.5)-(3.75, 2.75), rows
    // counted down from y = 100; zone 1 has two rings (+1 outer, -1 hole); zone 3 none.
    EXPECT_EQ(one.zone(0).cmin, 0.25);
    EXPECT_EQ(one.zone(0).cmax, 3.75);
    EXPECT_EQ(one.zone(0).rmin, 97.25);
    EXPECT_EQ(one.zone(0).rmax, 99.5);
    EXPECT_EQ(one.zone(0).edges, 4u);
    ASSERT_EQ(one.zone(1).ring_end - one.zone(1).ring_begin, 2u);
    // The outer ring is clockwise and the hole counter-clockwise: fed as they are, the same
    // multiplier makes the one add and the other subtract.
    EXPECT_EQ(one.ring(one.zone(1).ring_begin).sign, one.ring(one.zone(1).ring_begin + 1).sign);
    EXPECT_EQ(one.ring(one.zone(0).ring_begin).sign, -one.ring(one.zone(1).ring_begin).sign);
    EXPECT_EQ(one.zone(3).ring_end, one.zone(3).ring_begin);
    EXPECT_TRUE(one.zone(4).window.empty());
    EXPECT_EQ(one.zone(2).edges, 8u);
    for (int threads : {2, 4}) {
        SCOPED_TRACE(threads);
        expect_same(one, ZoneSet(grid_100(), zones, names, threads));
        auto copy = zones;
        expect_same(one, ZoneSet(grid_100(), std::move(copy), names, nullptr, threads));
    }
}

TEST(ZoneSetParallel, AZoneOfManyPolygonsIsSplitIntoRunsWithTheSameResult) {
    // One zone of 30,000 squares (150,000 points: several runs of 65,536) between two others.
    MultiPolygon big;
    for (int i = 0; i < 30000; ++i) {
        const double x = (i % 300) * 0.3, y = (i / 300) * 0.9;
        big.polygons.push_back(test::box(x, y, x + 0.2, y + 0.5).polygons[0]);
    }
    const std::vector<MultiPolygon> zones = {test::box(1, 1, 2, 2), big, test::box(3, 3, 4, 4)};
    const std::vector<std::string> names = {"a", "big", "c"};
    const ZoneSet one(grid_100(), zones, names, 1);
    EXPECT_EQ(one.xs().size(), 150010u);
    EXPECT_EQ(one.zone(1).edges, 120000u);
    EXPECT_EQ(one.zone(1).ring_end - one.zone(1).ring_begin, 30000u);
    EXPECT_EQ(one.zone(1).cmin, 0.0);
    EXPECT_DOUBLE_EQ(one.zone(1).cmax, 299 * 0.3 + 0.2);
    EXPECT_EQ(one.zone(2).ring_begin, 30001u);
    for (int threads : {2, 4}) {
        SCOPED_TRACE(threads);
        auto copy = zones;
        expect_same(one, ZoneSet(grid_100(), std::move(copy), names, nullptr, threads));
    }
}

TEST(ZoneSetParallel, FirstBadZoneInOrderIsNamed) {
    auto zones = zones_of(3000);
    zones[1700].polygons[0].rings[0][2] = Point{1e300, 5};
    zones[2900].polygons[0].rings[0][1] = Point{NAN, 5};
    std::vector<std::string> names;
    for (std::size_t i = 0; i < zones.size(); ++i) names.push_back("z" + std::to_string(i));
    for (int threads : {1, 2, 4}) {
        SCOPED_TRACE(threads);
        const std::string msg = test::error_message(
            ErrorKind::InvalidInput, [&] { ZoneSet(grid_100(), zones, names, threads); });
        EXPECT_NE(msg.find("zone 'z1700' has a coordinate (1e+300, 5) that is not finite"),
                  std::string::npos)
            << msg;
        auto copy = zones;
        EXPECT_EQ(test::error_message(
                      ErrorKind::InvalidInput,
                      [&] { ZoneSet(grid_100(), std::move(copy), names, nullptr, threads); }),
                  msg);
    }
}

}  // namespace
}  // namespace redline
