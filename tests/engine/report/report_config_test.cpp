// Report config from YAML: regressions found by tests/fuzz/fuzz_config.
#include "redline/report/report_config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "redline/core/error.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

// ctest runs tests as separate processes in parallel: one folder per call.
std::string unique_name(const char* base) {
    static int n = 0;
    return std::string(base) + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

ErrorKind error_kind_of(const std::string& yaml) {
    const std::string dir = test::temp_dir(unique_name("report_config"));
    std::ofstream(dir + "/lc.tif") << "x";
    std::ofstream(dir + "/indicators.yaml") << yaml;
    try {
        ReportConfig::load(dir + "/indicators.yaml");
    } catch (const Error& e) {
        return e.kind();
    }
    return ErrorKind::Internal;  // no error: the test fails on the comparison
}

TEST(ReportConfigTest, ListsOrMappingsWhereScalarsAreExpectedAreInvalidInput) {
    // Each used to escape as a YAML::BadConversion (an internal error, exit 1).
    EXPECT_EQ(error_kind_of("version: [1]\ninputs:\n  landcover_t1: lc.tif\n"),
              ErrorKind::InvalidInput);
    EXPECT_EQ(error_kind_of("version: 1\ntitle: {a: b}\ninputs:\n  landcover_t1: lc.tif\n"),
              ErrorKind::InvalidInput);
    EXPECT_EQ(error_kind_of("version: 1\n[x]: 1\ninputs:\n  landcover_t1: lc.tif\n"),
              ErrorKind::InvalidInput);
    EXPECT_EQ(error_kind_of("version: 1\ninputs:\n  [landcover_t1]: lc.tif\n"),
              ErrorKind::InvalidInput);
    EXPECT_EQ(
        error_kind_of("version: 1\ninputs:\n  landcover_t1: lc.tif\n  shoreline_natural: [[a]]\n"),
        ErrorKind::InvalidInput);
    EXPECT_EQ(error_kind_of(
                  "version: 1\ninputs:\n  landcover_t1: lc.tif\nindicators:\n  - id: [ecr_area]\n"),
              ErrorKind::InvalidInput);
}

TEST(ReportConfigTest, EncodingOption) {
    const std::string dir = test::temp_dir(unique_name("report_config_enc"));
    std::ofstream(dir + "/lc.tif") << "x";
    std::ofstream(dir + "/a.yaml") << "version: 1\ninputs:\n  landcover_t1: lc.tif\n";
    EXPECT_EQ(ReportConfig::load(dir + "/a.yaml").options().encoding, "");  // DEFAULT: none
    std::ofstream(dir + "/b.yaml")
        << "version: 1\ninputs:\n  landcover_t1: lc.tif\noptions:\n  encoding: CP936\n";
    EXPECT_EQ(ReportConfig::load(dir + "/b.yaml").options().encoding, "CP936");
    EXPECT_EQ(
        error_kind_of("version: 1\ninputs:\n  landcover_t1: lc.tif\noptions:\n  encoding: \"\"\n"),
        ErrorKind::InvalidInput);
    EXPECT_EQ(
        error_kind_of("version: 1\ninputs:\n  landcover_t1: lc.tif\noptions:\n  encoding: [a]\n"),
        ErrorKind::InvalidInput);
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

std::string accuracy_error(const std::string& accuracy_yaml) {
    const std::string dir = test::temp_dir(unique_name("report_config_acc"));
    std::ofstream(dir + "/lc.tif") << "x";
    std::ofstream(dir + "/s.gpkg") << "x";
    std::ofstream(dir + "/a.yaml") << "version: 1\ninputs:\n  landcover_t1: lc.tif\naccuracy:\n"
                                   << accuracy_yaml;
    try {
        ReportConfig::load(dir + "/a.yaml");
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        return e.what();
    }
    return "";
}

TEST(ReportConfigTest, AccuracySamplesAttachToMapDerivedIndicators) {
    const std::string dir = test::temp_dir(unique_name("report_config_acc_ok"));
    std::ofstream(dir + "/lc.tif") << "x";
    std::ofstream(dir + "/s.gpkg") << "x";
    std::ofstream(dir + "/s.gpkg.design.json") << "{}";
    std::ofstream(dir + "/a.yaml")
        << "version: 1\ninputs:\n  landcover_t1: lc.tif\naccuracy:\n  forest_coverage:\n"
           "    sample: s.gpkg\n    reference_field: truth\n    confidence: 0.9\n"
           "  cropland_cover: {sample: 's.gpkg:sample'}\n";
    const ReportConfig c = ReportConfig::load(dir + "/a.yaml");
    const IndicatorSample* f = c.sample_for("forest_coverage");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->reference_field, "truth");
    EXPECT_EQ(f->stratum_field, "stratum");  // DEFAULT
    EXPECT_EQ(f->confidence, 0.9);
    EXPECT_EQ(f->design, c.dir() + "/s.gpkg.design.json");
    const IndicatorSample* k = c.sample_for("cropland_cover");
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->sample, c.dir() + "/s.gpkg:sample");
    EXPECT_EQ(k->confidence, 0.95);  // DEFAULT
    EXPECT_EQ(c.sample_for("ecr_area"), nullptr);
    // The sample and its design are inputs of the manifest.
    int files = 0;
    for (const auto& [role, path] : c.input_files())
        files += role.rfind("accuracy.", 0) == 0 ? 1 : 0;
    EXPECT_EQ(files, 4);
    EXPECT_NE(c.where("accuracy.forest_coverage").find("line 6"), std::string::npos)
        << c.where("accuracy.forest_coverage");
}

TEST(ReportConfigTest, AccuracyBadInputNamesTheLine) {
    EXPECT_NE(accuracy_error("  ecr_area: {sample: s.gpkg}\n")
                  .find("line 5: accuracy.ecr_area: a labelled sample can be attached to the "
                        "map-derived indicators only"),
              std::string::npos);
    EXPECT_NE(accuracy_error("  forest_coverage: {reference_field: r}\n")
                  .find("accuracy.forest_coverage needs 'sample: PATH'"),
              std::string::npos);
    EXPECT_NE(accuracy_error("  forest_coverage: {sample: s.gpkg, confidence: 1.5}\n")
                  .find("accuracy.forest_coverage.confidence must be a number in (0, 1)"),
              std::string::npos);
    EXPECT_NE(accuracy_error("  forest_coverage: {sample: s.gpkg, confidence: high}\n")
                  .find("confidence must be a number in (0, 1)"),
              std::string::npos);
    EXPECT_NE(accuracy_error("  forest_coverage: {sample: s.gpkg, seed: 3}\n")
                  .find("unknown key 'seed' in accuracy.forest_coverage"),
              std::string::npos);
    EXPECT_NE(accuracy_error("  forest_coverage: {sample: missing.gpkg}\n")
                  .find("input 'accuracy.forest_coverage' names 'missing.gpkg', which does not "
                        "exist"),
              std::string::npos);
    EXPECT_NE(accuracy_error("  forest_coverage: {sample: ../s.gpkg}\n").find("does not exist"),
              std::string::npos);
    EXPECT_NE(accuracy_error("  - forest_coverage\n").find("accuracy must be a mapping"),
              std::string::npos);
}

}  // namespace
}  // namespace redline
