// Shoreline totals (shoreline_totals.hpp): total and share under the three estuary rules
// (docs/indicators.md#estuary-shoreline), the target comparison (docs/units.md), and the tally
// of piece lengths (island pieces apart, compensated sums).
#include "redline/ops/shoreline/shoreline_totals.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace redline {
namespace {

ShorelineTotals totals(EstuaryRule rule) {
    ShorelineTotals t;
    t.natural_m = 30;
    t.artificial_m = 60;
    t.estuary_m = 10;
    t.unclassified_m = 7;
    t.island_m = 5;
    t.estuary_rule = rule;
    return t;
}

TEST(ShorelineTotalsTest, EstuaryRules) {
    // Total (the default): estuary in the total only: 30 / 100.
    EXPECT_EQ(ShorelineTotals{}.estuary_rule, EstuaryRule::Total);
    EXPECT_EQ(totals(EstuaryRule::Total).total_m(), 100.0);
    EXPECT_DOUBLE_EQ(totals(EstuaryRule::Total).share_percent(), 30.0);
    // Natural: in both terms: 40 / 100.
    EXPECT_EQ(totals(EstuaryRule::Natural).total_m(), 100.0);
    EXPECT_DOUBLE_EQ(totals(EstuaryRule::Natural).share_percent(), 40.0);
    // Excluded: in neither: 30 / 90. Unclassified and island lengths never count.
    EXPECT_EQ(totals(EstuaryRule::Excluded).total_m(), 90.0);
    EXPECT_DOUBLE_EQ(totals(EstuaryRule::Excluded).share_percent(), 100.0 / 3.0);
}

TEST(ShorelineTotalsTest, ShareOfNothingIsUndefined) {
    ShorelineTotals t;
    t.unclassified_m = 12;
    t.island_m = 3;
    EXPECT_EQ(t.total_m(), 0.0);
    EXPECT_TRUE(std::isnan(t.share_percent()));
}

TEST(ShorelineTotalsTest, MeetsTargetToleranceAndEquality) {
    EXPECT_TRUE(meets_target(35.0, 35.0));
    EXPECT_TRUE(meets_target(35.0 * (1 - 1e-13), 35.0));
    EXPECT_FALSE(meets_target(35.0 * (1 - 1e-11), 35.0));
    EXPECT_FALSE(meets_target(34.999, 35.0));
    EXPECT_TRUE(meets_target(100.0, 35.0));
    EXPECT_TRUE(meets_target(0.0, 0.0));
    EXPECT_FALSE(meets_target(std::nan(""), 35.0));
}

TEST(ShorelineTotalsTest, TallyKeepsIslandPiecesApart) {
    ShorelineTally t;
    t.add(ShoreClass::Natural, true, 10);
    t.add(ShoreClass::Artificial, true, 20);
    t.add(ShoreClass::Estuary, true, 4);
    t.add(ShoreClass::Unclassified, true, 3);
    t.add(ShoreClass::Natural, false, 100);  // an island: its class does not matter
    t.add(ShoreClass::Artificial, false, 200);
    const ShorelineTotals s = t.totals();
    EXPECT_EQ(s.natural_m, 10.0);
    EXPECT_EQ(s.artificial_m, 20.0);
    EXPECT_EQ(s.estuary_m, 4.0);
    EXPECT_EQ(s.unclassified_m, 3.0);
    EXPECT_EQ(s.island_m, 300.0);
    EXPECT_EQ(t.length_m(), 337.0);
}

TEST(ShorelineTotalsTest, TallySumsAreCompensated) {
    // 1e16 + 1 rounds back to 1e16 (the spacing of doubles there is 2): a plain sum of
    // 1e16, 1, 1, -1e16 gives 0; the compensated sum gives the exact 2.
    ShorelineTally t;
    for (const double v : {1e16, 1.0, 1.0, -1e16}) t.add(ShoreClass::Natural, true, v);
    EXPECT_EQ(t.totals().natural_m, 2.0);
    EXPECT_EQ(t.length_m(), 2.0);
    double plain = 0;
    for (const double v : {1e16, 1.0, 1.0, -1e16}) plain += v;
    EXPECT_EQ(plain, 0.0);  // the premise
}

}  // namespace
}  // namespace redline
