// The shoreline vocabulary (shore_class.hpp): class and estuary-rule names as written in the
// outputs and accepted by --estuary-rule, and the default value lists of
// docs/indicators.md#shoreline-retention.
#include "redline/ops/shoreline/shore_class.hpp"

#include <gtest/gtest.h>

#include "redline/core/error.hpp"

namespace redline {
namespace {

TEST(ShoreClassTest, ClassNames) {
    EXPECT_STREQ(shore_class_name(ShoreClass::Natural), "natural");
    EXPECT_STREQ(shore_class_name(ShoreClass::Artificial), "artificial");
    EXPECT_STREQ(shore_class_name(ShoreClass::Estuary), "estuary");
    EXPECT_STREQ(shore_class_name(ShoreClass::Unclassified), "unclassified");
}

TEST(ShoreClassTest, EstuaryRulesRoundTripAndUnknownRulesAreErrors) {
    for (const EstuaryRule r : {EstuaryRule::Total, EstuaryRule::Natural, EstuaryRule::Excluded}) {
        EXPECT_EQ(parse_estuary_rule(estuary_rule_name(r)), r);
        EXPECT_STRNE(estuary_rule_meaning(r), "?");
    }
    EXPECT_STREQ(estuary_rule_name(EstuaryRule::Total), "total");
    EXPECT_STREQ(estuary_rule_name(EstuaryRule::Natural), "natural");
    EXPECT_STREQ(estuary_rule_name(EstuaryRule::Excluded), "excluded");
    for (const char* bad : {"half", "Total", ""}) {
        try {
            parse_estuary_rule(bad);
            FAIL() << "expected an error for '" << bad << "'";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
            EXPECT_EQ(std::string(e.what()), "unknown estuary rule '" + std::string(bad) +
                                                 "'; use total, natural or excluded");
        }
    }
}

TEST(ShoreClassTest, DefaultValuesAreThoseOfTheDocs) {
    // docs/indicators.md: natural, bedrock, sandy, muddy, biological, restored and their Chinese
    // names; estuary and 河口岸线 (docs/indicators.md#estuary-shoreline).
    const std::vector<std::string> natural = {
        "natural",  "bedrock",  "sandy",    "muddy",      "biological", "restored",
        "自然岸线", "基岩岸线", "砂质岸线", "淤泥质岸线", "生物岸线",   "整治修复岸线"};
    EXPECT_EQ(default_natural_values(), natural);
    EXPECT_EQ(default_estuary_values(), (std::vector<std::string>{"estuary", "河口岸线"}));
}

}  // namespace
}  // namespace redline
