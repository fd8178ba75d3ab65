// Land-use codes of survey layers: the built-in 三调 working classification, CSV tables and
// aggregation to levels (docs/land-use-survey.md).
#include "redline/layers/land_use_codes.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "redline/core/error.hpp"

namespace redline {
namespace {

TEST(LandUseCodesTest, BuiltinSurveyClassification) {
    const LandUseCodes t = LandUseCodes::load("gbt21010");
    ASSERT_NE(t.find("0101"), nullptr);
    EXPECT_EQ(t.find("0101")->name, "水田");
    EXPECT_EQ(t.find("0101")->group, "01");
    EXPECT_EQ(t.find("0101")->group_name, "耕地");
    EXPECT_EQ(t.find("0305")->name, "灌木林地");
    EXPECT_EQ(t.find("0401")->name, "天然牧草地");
    EXPECT_EQ(t.find("1101")->name, "河流水面");
    // 三调 puts the wetland codes in 00 湿地, not in their GB/T 21010 first level.
    EXPECT_EQ(t.find("0303")->group, "00");
    EXPECT_EQ(t.find("0603")->group_name, "湿地");
    EXPECT_EQ(t.find("1108")->group, "00");
    EXPECT_EQ(t.find("0307K")->name, "可调整其他林地");
    EXPECT_EQ(t.find("05H1")->group_name, "商业服务业用地");
    EXPECT_EQ(t.find("01")->name, "耕地");
    EXPECT_EQ(t.find("9999"), nullptr);
    // Every second-level code's group is a first-level entry of the table.
    for (const auto& [code, c] : t.classes()) {
        ASSERT_NE(t.find(c.group), nullptr) << code;
        EXPECT_FALSE(c.group_name.empty()) << code;
    }
}

TEST(LandUseCodesTest, Levels) {
    EXPECT_EQ(land_use_code_at_level("0101", 0), "0101");
    EXPECT_EQ(land_use_code_at_level("101", 0), "101");  // as written
    EXPECT_EQ(land_use_code_at_level("101", 2), "0101");
    EXPECT_EQ(land_use_code_at_level("101", 1), "01");
    EXPECT_EQ(land_use_code_at_level("0307K", 2), "0307");
    EXPECT_EQ(land_use_code_at_level("307K", 2), "0307");
    EXPECT_EQ(land_use_code_at_level("1104A", 1), "11");
    EXPECT_EQ(land_use_code_at_level("05H1", 2), "05H1");
    EXPECT_EQ(land_use_code_at_level("05H1", 1), "05");
    EXPECT_EQ(land_use_code_at_level("09", 2), "09");
    EXPECT_FALSE(land_use_code_at_level("abc", 1).has_value());
    EXPECT_FALSE(land_use_code_at_level("1", 2).has_value());
}

TEST(LandUseCodesTest, CsvTable) {
    const auto path = std::filesystem::temp_directory_path() / "redline_land_use_codes_test.csv";
    {
        std::ofstream out(path);
        out << "\xEF\xBB\xBF"
            << "code,name,group\n01,Cropland,\n0101,Paddy,\n0102,Irrigated,01\nX1,Other,X\n";
    }
    const LandUseCodes t = LandUseCodes::load(path.string());
    EXPECT_EQ(t.find("0101")->group, "01");  // derived from the code
    EXPECT_EQ(t.find("0101")->group_name, "Cropland");
    EXPECT_EQ(t.find("0102")->group_name, "Cropland");
    EXPECT_EQ(t.find("X1")->group, "X");
    EXPECT_EQ(t.find("X1")->group_name, "");
    {
        std::ofstream out(path);
        out << "code,label\n0101,Paddy\n";
    }
    try {
        LandUseCodes::load(path.string());
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("lacks a 'code' and a 'name' column"),
                  std::string::npos);
    }
    {
        std::ofstream out(path);
        out << "code,name\n0101,Paddy\n0101,Again\n";
    }
    EXPECT_THROW(LandUseCodes::load(path.string()), Error);
    std::filesystem::remove(path);
    try {
        LandUseCodes::load("gb2017");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    }
    try {
        LandUseCodes::load("/nonexistent/codes.csv");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Io);
    }
}

}  // namespace
}  // namespace redline
