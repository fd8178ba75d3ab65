// ZoneSet built consuming its zones (the CLI's local runs, the report's dissolved redline) is
// the same zone set as one built from a copy, and leaves the zones freed.
#include "redline/coverage/zone_set.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace redline {
namespace {

class CountingProgress : public ProgressSink {
  public:
    void update(std::uint64_t done, std::uint64_t total, const std::string& label) override {
        last_done = done;
        last_total = total;
        this->label = label;
        ++calls;
    }
    std::uint64_t last_done = 0, last_total = 0;
    std::string label;
    int calls = 0;
};

TEST(ZoneSetTest, ConsumingTheZonesGivesTheSameZoneSet) {
    const Grid g(0, 1, 100, -1, 100, 100);
    std::vector<MultiPolygon> zones;
    // Zone 0: one dissolved zone of many polygons (freed polygon by polygon), one with a hole.
    MultiPolygon many;
    for (int i = 0; i < 40; ++i)
        many.polygons.push_back(test::box(i * 2.0, 10, i * 2.0 + 1, 20).polygons[0]);
    many.polygons.push_back(
        test::polygon({test::box_ring(0, 30, 50, 80), test::box_ring(10, 40, 20, 50)}).polygons[0]);
    zones.push_back(many);
    zones.push_back(test::box(60, 60, 90.5, 95.5));
    const std::vector<std::string> names{"all", "b"};
    const ZoneSet copied(g, zones, names);
    CountingProgress progress;
    std::vector<MultiPolygon> owned = zones;
    const ZoneSet consumed(g, std::move(owned), names, &progress);
    EXPECT_TRUE(owned.empty());
    EXPECT_EQ(consumed.xs(), copied.xs());
    EXPECT_EQ(consumed.ys(), copied.ys());
    ASSERT_EQ(consumed.size(), copied.size());
    for (std::size_t z = 0; z < copied.size(); ++z) {
        EXPECT_EQ(consumed.zone(z).ring_begin, copied.zone(z).ring_begin);
        EXPECT_EQ(consumed.zone(z).ring_end, copied.zone(z).ring_end);
        EXPECT_EQ(consumed.zone(z).edges, copied.zone(z).edges);
        EXPECT_EQ(consumed.zone(z).window.cols, copied.zone(z).window.cols);
        for (std::size_t r = copied.zone(z).ring_begin; r < copied.zone(z).ring_end; ++r)
            EXPECT_EQ(consumed.ring(r).sign, copied.ring(r).sign);
    }
    // 40 boxes + a shell and a hole + a box: 43 rings of 5 points.
    EXPECT_EQ(copied.xs().size(), 43u * 5u);
    EXPECT_EQ(progress.label, "index");
    EXPECT_EQ(progress.last_done, progress.last_total);
    EXPECT_EQ(progress.last_total, 43u * 5u);
    EXPECT_GE(progress.calls, 2);
}

}  // namespace
}  // namespace redline
