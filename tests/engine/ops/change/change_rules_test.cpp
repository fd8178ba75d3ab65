// Change rules from YAML: regressions found by tests/fuzz/fuzz_config.
#include "redline/ops/change/change_rules.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "redline/core/class_table.hpp"
#include "redline/core/error.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

// ctest runs tests as separate processes in parallel: one folder per call.
std::string unique_name(const char* base) {
    static int n = 0;
    return std::string(base) + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

ChangeRules load_rules(const std::string& yaml) {
    const std::string path = test::temp_dir(unique_name("change_rules")) + "/rules.yaml";
    std::ofstream(path) << yaml;
    return ChangeRules::load(path, ClassTable::builtin("clcd"));
}

ErrorKind error_kind_of(const std::string& yaml) {
    try {
        load_rules(yaml);
    } catch (const Error& e) {
        return e.kind();
    }
    return ErrorKind::Internal;  // no error: the test fails on the comparison
}

TEST(ChangeRulesTest, ScalarFromAndToAreOneItemLists) {
    // Used to throw YAML::BadConversion: yaml-cpp's Node assignment rebound the rule's node.
    const auto scalar = load_rules("rules:\n  - name: a\n    from: natural\n    to: cropland\n");
    const auto listed =
        load_rules("rules:\n  - name: a\n    from: [natural]\n    to: [cropland]\n");
    ASSERT_EQ(scalar.rules().size(), 1u);
    EXPECT_EQ(scalar.rules()[0].from, listed.rules()[0].from);
    EXPECT_EQ(scalar.rules()[0].to, listed.rules()[0].to);
    EXPECT_FALSE(scalar.rules()[0].from.empty());
}

TEST(ChangeRulesTest, WrongKindsOfYamlValuesAreInvalidInput) {
    EXPECT_EQ(error_kind_of("rules:\n  - name: a\n    from: [[forest]]\n    to: [1]\n"),
              ErrorKind::InvalidInput);
    EXPECT_EQ(error_kind_of("rules:\n  - name: a\n    from: {x: 1}\n    to: [1]\n"),
              ErrorKind::InvalidInput);
    EXPECT_EQ(error_kind_of("[a]: 1\nrules:\n  - name: a\n    from: [2]\n    to: [1]\n"),
              ErrorKind::InvalidInput);
    EXPECT_EQ(error_kind_of("rules:\n  - {[name]: a, from: [2], to: [1]}\n"),
              ErrorKind::InvalidInput);
}

TEST(ChangeRulesTest, RulesAsTransitionStrataForTheAccuracySample) {
    const ClassTable clcd = ClassTable::builtin("clcd");
    const TransitionStrata r = change_rule_strata(ChangeRules::preset("redline", clcd));
    ASSERT_EQ(r.names.size(), 2u);
    EXPECT_EQ(r.names[0], "stable");
    EXPECT_EQ(r.stratum_of(2, 8), 1);  // forest -> impervious breaks the rule
    EXPECT_EQ(r.stratum_of(9, 1), 1);  // wetland -> cropland
    EXPECT_EQ(r.stratum_of(2, 2), 0);  // unchanged
    EXPECT_EQ(r.stratum_of(1, 8), 0);  // cropland -> impervious: not this rule
    EXPECT_EQ(r.stratum_of(2, 4), 0);  // natural -> natural
    const TransitionStrata c = change_rule_strata(ChangeRules::preset("cropland", clcd));
    EXPECT_EQ(c.stratum_of(1, 8), 1);
    EXPECT_NE(c.identity, r.identity);
}

// Rules on the text codes of survey layers (change --t0-layer/--t1-layer).
SurveyChangeRules load_survey_rules(const std::string& yaml) {
    const std::string path = test::temp_dir(unique_name("survey_rules")) + "/rules.yaml";
    std::ofstream(path) << yaml;
    return SurveyChangeRules::load(path);
}

TEST(SurveyChangeRulesTest, PrefixesAndGroupsOnTextCodes) {
    // An unquoted 01 stays the text "01": a prefix of every 01xx code.
    const auto r = load_survey_rules(
        "rules:\n  - name: loss\n    from: [01]\n    to_except: [cropland]\n"
        "  - name: k\n    from: '0307'\n    to: [built_up, '1109']\n");
    ASSERT_EQ(r.rules().size(), 2u);
    const auto& loss = r.rules()[0];
    EXPECT_TRUE(loss.matches("0101", "0702"));
    EXPECT_TRUE(loss.matches("0103", "0301"));
    EXPECT_FALSE(loss.matches("0101", "0102"));  // cropland -> cropland
    EXPECT_FALSE(loss.matches("0201", "0702"));
    const auto& k = r.rules()[1];
    EXPECT_TRUE(k.matches("0307K", "1003"));  // 0307 is a prefix of 0307K
    EXPECT_TRUE(k.matches("0307", "1109"));
    EXPECT_FALSE(k.matches("0307", "1101"));
    EXPECT_FALSE(k.matches("0301", "0702"));
}

TEST(SurveyChangeRulesTest, PresetsAndGroups) {
    const auto red = SurveyChangeRules::preset("redline").rules().at(0);
    EXPECT_EQ(red.name, "natural-to-human");
    EXPECT_TRUE(red.matches("0301", "0103"));   // forest -> cropland
    EXPECT_TRUE(red.matches("1106", "0702"));   // inland flat -> rural housing
    EXPECT_TRUE(red.matches("0402", "1003"));   // marsh grassland -> road
    EXPECT_FALSE(red.matches("1104", "0702"));  // a pond is not natural land
    EXPECT_FALSE(red.matches("0301", "0201"));  // forest -> orchard: not human
    EXPECT_FALSE(red.matches("0101", "0702"));  // cropland is not natural
    const auto crop = SurveyChangeRules::preset("cropland").rules().at(0);
    EXPECT_TRUE(crop.matches("0102", "0601"));
    EXPECT_FALSE(crop.matches("0102", "0103"));
    EXPECT_TRUE(SurveyChangeRules::group("nature").empty());
    EXPECT_EQ(SurveyChangeRules::group("built_up").size(), 6u);
    EXPECT_THROW(SurveyChangeRules::preset("urban"), Error);
}

TEST(SurveyChangeRulesTest, AnItemThatIsNoCodeIsInvalidInputNamingTheLine) {
    try {
        load_survey_rules("rules:\n  - name: a\n    from: [forest]\n    to: [town]\n");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        EXPECT_NE(
            std::string(e.what()).find("line 4: 'town' in rule 'a' is neither a land-use code"),
            std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace redline
