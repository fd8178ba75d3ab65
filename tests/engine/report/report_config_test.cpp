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
