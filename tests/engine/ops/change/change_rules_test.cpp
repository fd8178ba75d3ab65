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

}  // namespace
}  // namespace redline
