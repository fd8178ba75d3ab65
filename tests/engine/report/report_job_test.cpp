// compute_report's indicator loop: an indicator whose input the config lacks; the verdict of an
// estimate's confidence interval.
#include "redline/report/report_job.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>

#include "redline/report/indicator.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

ReportConfig config_without_inputs(const std::string& indicators_yaml) {
    const std::string dir = test::temp_dir("report_job-" + std::to_string(::getpid()));
    std::ofstream(dir + "/indicators.yaml")
        << "version: 1\nyear: 2020\ninputs:\n  classes: clcd\n" + indicators_yaml;
    return ReportConfig::load(dir + "/indicators.yaml");
}

TEST(ComputeReportTest, AListedIndicatorWithoutItsInputIsRefusedByItsOwnName) {
    // It used to name forest_coverage for a config listing only cropland_cover.
    const ReportConfig cfg = config_without_inputs("indicators:\n  - id: cropland_cover\n");
    ReportRunOptions ro;
    ro.threads = 1;
    const std::string msg =
        test::error_message(ErrorKind::InvalidInput, [&] { compute_report(cfg, ro); });
    EXPECT_TRUE(test::has(msg,
                          "indicators.yaml': indicator 'cropland_cover' needs "
                          "inputs.landcover_t1, which the config does not give"));
}

TEST(ComputeReportTest, DefaultIndicatorsWithoutTheirInputsAreNotComputed) {
    const ReportConfig cfg = config_without_inputs("");
    ReportRunOptions ro;
    ro.threads = 1;
    const ReportResult res = compute_report(cfg, ro);
    // The eight national indicators; the two survey indicators only come with inputs.landuse.
    ASSERT_EQ(res.indicators.size(), 8u);
    ASSERT_EQ(default_indicators().size(), 10u);
    for (std::size_t i = 0; i < res.indicators.size(); ++i) {
        const IndicatorResult& r = res.indicators[i];
        EXPECT_EQ(r.spec.id, default_indicators()[i].id);  // in the config's (default) order
        EXPECT_FALSE(r.computed);
    }
    EXPECT_EQ(res.indicators[0].reason, "not computed: the config gives no inputs.redline");
    EXPECT_EQ(res.indicators[2].reason, "not computed: the config gives no inputs.landcover_t1");
    EXPECT_TRUE(res.regions.empty());
    EXPECT_TRUE(res.change_matrix.is_null());
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

TEST(IntervalVerdictTest, MetNotMetUndecided) {
    IndicatorSpec ge;
    ge.target = 26.0;
    ge.comparator = ">=";
    EXPECT_EQ(interval_verdict(ge, 26.0, 27.0), "met");  // equality passes
    EXPECT_EQ(interval_verdict(ge, 24.0, 25.9), "not met");
    EXPECT_EQ(interval_verdict(ge, 25.0, 27.0), "undecided");
    EXPECT_EQ(interval_verdict(ge, std::nan(""), 27.0), "undecided");
    IndicatorSpec le;
    le.target = 0.0;
    le.comparator = "<=";
    EXPECT_EQ(interval_verdict(le, 0.0, 0.0), "met");
    EXPECT_EQ(interval_verdict(le, 1.0, 5.0), "not met");
    EXPECT_EQ(interval_verdict(le, -1.0, 5.0), "undecided");
    IndicatorSpec reported;  // no target
    EXPECT_EQ(interval_verdict(reported, 1.0, 2.0), "");
    IndicatorEstimate e;
    e.value = 25.0;
    e.half_width = 1.5;
    e.verdict = interval_verdict(ge, e.low(), e.high());
    EXPECT_EQ(e.verdict, "undecided");
    const nlohmann::json j = e.to_json();
    EXPECT_EQ(j["ci_low"], 23.5);
    EXPECT_EQ(j["ci_high"], 26.5);
    EXPECT_EQ(j["verdict"], "undecided");
}

}  // namespace
}  // namespace redline
