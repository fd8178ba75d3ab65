// ReportContext: each layer is read and united once, whichever indicators ask for it; released
// unions keep their areas; regions and intersections are cached; layers built in memory.
#include "redline/report/report_context.hpp"

#include <gtest/gtest.h>

#include "redline/report/indicators/ecr_area.hpp"
#include "redline/report/indicators/protected_area_share.hpp"
#include "report_fixture.hpp"

namespace redline {
namespace {

using test::box;
using test::memory_layer;

TEST(ReportContextTest, AUnionTwoIndicatorsNeedIsComputedOnce) {
    const ReportConfig cfg = test::report_config({"redline", "protected", "land"});
    ReportContext ctx(cfg, test::one_thread());
    ctx.use_layer("land", memory_layer("land", {box(0, 0, 100, 100), box(50, 0, 150, 100)}));
    ctx.use_layer("redline", memory_layer("redline", {box(0, 0, 10, 10)}));
    ctx.use_layer("protected", memory_layer("protected", {box(100, 50, 200, 150)}));
    EXPECT_EQ(ctx.unions_computed("land"), 0u);

    // Both indicators need the land's union (ecr_area for the redline's land part).
    const IndicatorResult ecr = EcrArea().compute(ctx, *find_default_indicator("ecr_area"));
    EXPECT_EQ(ctx.unions_computed("land"), 1u);
    const IndicatorResult pa =
        ProtectedAreaShare().compute(ctx, *find_default_indicator("protected_area_share"));
    EXPECT_EQ(ctx.unions_computed("land"), 1u);
    EXPECT_EQ(ctx.unions_computed("redline"), 1u);
    EXPECT_EQ(ctx.unions_computed("protected"), 1u);
    EXPECT_TRUE(ecr.computed);
    EXPECT_TRUE(pa.computed);

    // Asking again (as the region table and the map do) reuses them.
    EXPECT_DOUBLE_EQ(ctx.layer("land").union_m2, 15000.0);
    EXPECT_DOUBLE_EQ(ctx.layer("redline").union_m2, 100.0);
    EXPECT_EQ(ctx.unions_computed("land"), 1u);
    EXPECT_EQ(ctx.unions_computed("redline"), 1u);
    // The intersection protected ∩ land is computed once too: the same object.
    const DisjointUnion* first = &ctx.intersection("protected", "land");
    EXPECT_EQ(&ctx.intersection("protected", "land"), first);
    EXPECT_DOUBLE_EQ(first->area_m2(), 2500.0);
}

TEST(ReportContextTest, TheFirstLayerReadGivesTheReferenceCrsWithoutARaster) {
    const ReportConfig cfg = test::report_config({"land"});
    ReportContext ctx(cfg, test::one_thread());
    EXPECT_TRUE(ctx.reference_crs().empty());
    ctx.use_layer("land", memory_layer("land", {box(0, 0, 10, 10)}));
    ctx.layer("land");
    EXPECT_EQ(ctx.reference_crs().label, test::crs_of(test::kAlbers).label);
    EXPECT_EQ(ctx.reference_name(), "layer 'land' in '<memory>'");
}

TEST(ReportContextTest, PlanningLayersKeepTheirAreasWhenTheirUnionsAreReleased) {
    const ReportConfig cfg = test::report_config({"redline", "cropland", "urban"});
    ReportContext ctx(cfg, test::one_thread());
    ctx.use_layer("redline", memory_layer("redline", {box(0, 0, 10, 10), box(5, 0, 15, 10)}));
    ctx.use_layer("cropland", memory_layer("cropland", {box(0, 0, 30, 20)}));
    ctx.use_layer("urban", memory_layer("urban", {box(0, 0, 1, 1), box(0, 0, 1, 1)}));
    ctx.read_planning_layers();
    // The redline's union is kept (ecr_area, change, map), cropland's and urban's are freed.
    EXPECT_FALSE(ctx.layer("redline").released);
    EXPECT_EQ(ctx.layer("redline").uni.size(), 1u);
    EXPECT_TRUE(ctx.layer("cropland").released);
    EXPECT_TRUE(ctx.layer("cropland").uni.empty());
    EXPECT_TRUE(ctx.layer("urban").released);
    EXPECT_DOUBLE_EQ(ctx.layer("cropland").union_m2, 600.0);
    EXPECT_DOUBLE_EQ(ctx.layer("urban").union_m2, 1.0);
    EXPECT_DOUBLE_EQ(ctx.layer("urban").sum_m2, 2.0);
    EXPECT_DOUBLE_EQ(ctx.layer("redline").union_m2, 150.0);
    EXPECT_DOUBLE_EQ(ctx.layer("redline").sum_m2, 200.0);
    // The features are freed once united.
    EXPECT_TRUE(ctx.layer("redline").layer.geoms.empty());
    EXPECT_EQ(ctx.layer("redline").layer.features, 2u);
    for (const char* k : {"redline", "cropland", "urban"}) EXPECT_EQ(ctx.unions_computed(k), 1u);
    // No regions: no per-region areas, and nothing is read for them.
    EXPECT_TRUE(ctx.regions().empty());
    EXPECT_TRUE(ctx.region_areas("redline").empty());
    // Reading them again is a no-op.
    ctx.read_planning_layers();
    for (const char* k : {"redline", "cropland", "urban"}) EXPECT_EQ(ctx.unions_computed(k), 1u);
}

TEST(ReportContextTest, ALayerHandedOverConformedIsUnitedWithoutReadingOrCheckingAgain) {
    // The config's plan.gpkg is a placeholder: reading it would fail, so success proves the
    // layer handed over (as the conflicts stage does) was taken as it is.
    const ReportConfig cfg = test::report_config({"land", "redline"});
    ReportContext ctx(cfg, test::one_thread());
    ctx.use_layer("land", memory_layer("land", {box(0, 0, 100, 100)}));
    ctx.layer("land");  // the reference CRS: Albers
    // A self-intersecting ring: conforming it again would fail its validity check.
    ctx.use_conformed_layer(
        "redline",
        memory_layer("redline",
                     {box(0, 0, 10, 10), box(5, 0, 15, 10),
                      test::polygon({{{50, 50}, {60, 60}, {60, 50}, {50, 60}, {50, 50}}})}));
    EXPECT_NO_THROW(ctx.layer("redline"));
    EXPECT_EQ(ctx.layer("redline").layer.features, 3u);
    EXPECT_EQ(ctx.unions_computed("redline"), 1u);
}

TEST(ReportContextTest, ALayerHandedOverInAnotherCrsIsDroppedAndReadAgain) {
    const ReportConfig cfg = test::report_config({"land", "redline", "cropland"});
    ReportContext ctx(cfg, test::one_thread());
    ctx.use_layer("land", memory_layer("land", {box(0, 0, 100, 100)}));
    ctx.layer("land");
    PolygonLayer lonlat = memory_layer("redline", {box(100, 30, 101, 31)});
    lonlat.crs = test::crs_of("EPSG:4490");
    ctx.use_conformed_layer("redline", lonlat);  // not the reference CRS: refused at hand-over
    std::string msg = test::error_message(ErrorKind::Io, [&] { ctx.layer("redline"); });
    EXPECT_TRUE(test::has(msg, "(redline): cannot open")) << msg;  // the placeholder file
    // A layer the step transformed is read again (a fresh read names the reference CRS).
    PolygonLayer moved = memory_layer("cropland", {box(0, 0, 1, 1)});
    moved.reprojected = true;
    ctx.use_conformed_layer("cropland", moved);
    msg = test::error_message(ErrorKind::Io, [&] { ctx.layer("cropland"); });
    EXPECT_TRUE(test::has(msg, "(cropland): cannot open")) << msg;
    // A layer given for a key already read is ignored.
    ctx.use_conformed_layer("land", memory_layer("land", {box(0, 0, 1, 1)}));
    EXPECT_DOUBLE_EQ(ctx.layer("land").union_m2, 10000.0);
    // Handed over before the reference CRS exists, then the reference turns out to differ.
    const ReportConfig cfg2 = test::report_config({"land", "cropland"});
    ReportContext ctx2(cfg2, test::one_thread());
    ctx2.use_conformed_layer("cropland", lonlat);
    ctx2.use_layer("land", memory_layer("land", {box(0, 0, 100, 100)}));
    ctx2.layer("land");
    msg = test::error_message(ErrorKind::Io, [&] { ctx2.layer("cropland"); });
    EXPECT_TRUE(test::has(msg, "(cropland): cannot open")) << msg;
}

TEST(ReportContextTest, ARegionsInputWithoutItsIdFieldIsRefused) {
    const ReportConfig cfg = test::report_config({"regions"});
    ReportContext ctx(cfg, test::one_thread());
    const std::string msg = test::error_message(ErrorKind::InvalidInput, [&] { ctx.regions(); });
    EXPECT_TRUE(test::has(msg, "inputs.regions needs inputs.regions_id"));
    EXPECT_TRUE(test::has(msg, "indicators.yaml"));
}

TEST(ReportContextTest, ALayerTheConfigDoesNotGiveIsAnError) {
    const ReportConfig cfg = test::report_config({"land"});
    ReportContext ctx(cfg, test::one_thread());
    const std::string msg =
        test::error_message(ErrorKind::InvalidInput, [&] { ctx.layer("redline"); });
    EXPECT_TRUE(test::has(msg, "needs inputs.redline, which the config does not give"));
}

TEST(ReportContextTest, ErrorsOfAStepNameTheConfigLineOfItsInput) {
    // An invalid (self-intersecting) redline without options.make_valid.
    const ReportConfig cfg = test::report_config({"redline"});
    ReportContext ctx(cfg, test::one_thread());
    ctx.use_layer(
        "redline",
        memory_layer("redline", {test::polygon({{{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}})}));
    const std::string msg =
        test::error_message(ErrorKind::InvalidInput, [&] { ctx.layer("redline"); });
    EXPECT_TRUE(test::has(msg, "indicators.yaml' line 4 (redline): layer 'redline' in '<memory>'"));
    EXPECT_TRUE(test::has(msg, "Self-intersection at (5, 5)"));
}

}  // namespace
}  // namespace redline
