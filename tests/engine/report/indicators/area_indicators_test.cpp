// Indicators computed from hand-made layers in memory (Albers metres: plane m2 = ellipsoidal m2),
// against hand-computed values.
#include <gtest/gtest.h>

#include "redline/core/units.hpp"
#include "redline/report/indicators/cropland_area.hpp"
#include "redline/report/indicators/ecr_area.hpp"
#include "redline/report/indicators/indicator.hpp"
#include "redline/report/indicators/protected_area_share.hpp"
#include "report/report_fixture.hpp"

namespace redline {
namespace {

using test::box;
using test::memory_layer;

// Land: two 100 x 100 squares overlapping by 50 x 100, union 150 x 100 = 15,000 m2.
PolygonLayer land() { return memory_layer("land", {box(0, 0, 100, 100), box(50, 0, 150, 100)}); }

TEST(EcrAreaTest, UnionAreaOverlapAndLandPartByHand) {
    const ReportConfig cfg = test::report_config({"redline", "land"});
    ReportContext ctx(cfg, test::one_thread());
    ctx.use_layer("land", land());
    // Two squares overlapping by 5 x 10 (union 150, parts 200) and a 20 x 10 box half off land.
    ctx.use_layer("redline", memory_layer("redline", {box(0, 0, 10, 10), box(5, 0, 15, 10),
                                                      box(140, 0, 160, 10)}));
    const IndicatorSpec& spec = *find_default_indicator("ecr_area");
    const IndicatorResult r = EcrArea().compute(ctx, spec);
    ASSERT_TRUE(r.computed);
    EXPECT_DOUBLE_EQ(r.value, 350.0 / 1e6);  // km2
    EXPECT_EQ(r.details["union_m2"].get<double>(), 350.0);
    EXPECT_EQ(r.details["sum_of_parts_m2"].get<double>(), 400.0);
    EXPECT_EQ(r.details["overlap_m2"].get<double>(), 50.0);
    EXPECT_EQ(r.details["features"].get<std::size_t>(), 3u);
    // On land: the two squares (150) and 10 x 10 of the box (100).
    EXPECT_NEAR(r.details["land_part_km2"].get<double>(), 250.0 / 1e6, 1e-18);
    EXPECT_NEAR(r.details["marine_part_km2"].get<double>(), 100.0 / 1e6, 1e-18);
    EXPECT_NEAR(r.details["land_part_share_of_land_percent"].get<double>(), 100.0 * 250 / 15000,
                1e-12);
    // 3.5e-4 km2 against 3,150,000 km2: fails by the difference.
    ASSERT_TRUE(r.pass.has_value());
    EXPECT_FALSE(*r.pass);
    EXPECT_DOUBLE_EQ(*r.margin, 350.0 / 1e6 - 3150000.0);
    EXPECT_EQ(r.spec.id, "ecr_area");
}

TEST(EcrAreaTest, WithoutLandOnlyTheUnion) {
    const ReportConfig cfg = test::report_config({"redline"});
    ReportContext ctx(cfg, test::one_thread());
    ctx.use_layer("redline", memory_layer("redline", {box(0, 0, 2000, 1000)}));
    IndicatorSpec spec = *find_default_indicator("ecr_area");
    spec.target = 1.0;  // km2: the 2 km2 redline passes by 1 km2
    const IndicatorResult r = EcrArea().compute(ctx, spec);
    EXPECT_DOUBLE_EQ(r.value, 2.0);
    EXPECT_FALSE(r.details.contains("land_part_km2"));
    EXPECT_TRUE(*r.pass);
    EXPECT_DOUBLE_EQ(*r.margin, 1.0);
}

TEST(CroplandAreaTest, UnionInKm2MuAndYiMuByHand) {
    const ReportConfig cfg = test::report_config({"cropland"});
    ReportContext ctx(cfg, test::one_thread());
    // 30 x 20 and 30 x 20 overlapping by 20 x 20: union 40 x 20 = 800 m2, parts 1,200 m2.
    ctx.use_layer("cropland", memory_layer("cropland", {box(0, 0, 30, 20), box(10, 0, 40, 20)}));
    ctx.read_planning_layers();  // its union is released; the indicator needs only its areas
    const IndicatorResult r = CroplandArea().compute(ctx, *find_default_indicator("cropland_area"));
    EXPECT_DOUBLE_EQ(r.value, 800.0 / 1e6);
    EXPECT_EQ(r.details["union_m2"].get<double>(), 800.0);
    EXPECT_EQ(r.details["sum_of_parts_m2"].get<double>(), 1200.0);
    EXPECT_DOUBLE_EQ(r.details["mu"].get<double>(), 1.2);  // 1 mu = 2000/3 m2
    EXPECT_DOUBLE_EQ(r.details["yi_mu"].get<double>(), 1.2e-8);
    EXPECT_EQ(ctx.unions_computed("cropland"), 1u);
}

TEST(ProtectedAreaShareTest, ProtectedOnLandOverLandByHand) {
    const ReportConfig cfg = test::report_config({"protected", "land"});
    ReportContext ctx(cfg, test::one_thread());
    ctx.use_layer("land", land());
    // 100 x 100, of which 50 x 50 on land; a duplicate feature counts once.
    ctx.use_layer("protected",
                  memory_layer("protected", {box(100, 50, 200, 150), box(100, 50, 200, 150)}));
    const IndicatorResult r =
        ProtectedAreaShare().compute(ctx, *find_default_indicator("protected_area_share"));
    EXPECT_NEAR(r.value, 100.0 * 2500 / 15000, 1e-12);
    EXPECT_NEAR(r.details["protected_union_km2"].get<double>(), 0.01, 1e-18);
    EXPECT_NEAR(r.details["protected_on_land_km2"].get<double>(), 0.0025, 1e-18);
    EXPECT_NEAR(r.details["land_area_km2"].get<double>(), 0.015, 1e-18);
    EXPECT_NEAR(r.details["share_of_reference_land_percent"].get<double>(),
                100.0 * 0.0025 / 9600000.0, 1e-24);
    EXPECT_FALSE(*r.pass);  // 16.7 % < 18 %
}

TEST(IndicatorRegistryTest, EveryDefaultIndicatorOnceWithItsSpec) {
    EXPECT_EQ(report_indicators().size(), default_indicators().size());
    for (const auto& spec : default_indicators()) {
        const Indicator* ind = find_indicator(spec.id);
        ASSERT_NE(ind, nullptr) << spec.id;
        EXPECT_EQ(ind->id(), spec.id);
        EXPECT_FALSE(ind->needs().empty()) << spec.id;
    }
    EXPECT_EQ(find_indicator("nope"), nullptr);
    // Computed first (reads its own layers) and last (consumes the redline's union).
    EXPECT_EQ(report_indicators().front()->id(), "three_lines_overlap");
    EXPECT_TRUE(report_indicators().front()->reads_own_inputs());
    EXPECT_EQ(report_indicators().back()->id(), "ecr_nature_unchanged");
}

}  // namespace
}  // namespace redline
