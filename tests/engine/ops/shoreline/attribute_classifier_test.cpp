// Shoreline classes from an attribute (attribute_classifier.hpp): the three lists, trimmed and
// case-insensitive matching, the "every other value is artificial" default and its warning
// list, and the errors for missing values, unlisted values and values in two lists.
#include "redline/ops/shoreline/attribute_classifier.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"

namespace redline {
namespace {

const AttributeClassifier kDefaults(default_natural_values(), default_estuary_values(), {});

void expect_invalid(const std::function<void()>& f, const std::string& text) {
    try {
        f();
        FAIL() << "expected an error containing: " << text;
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        EXPECT_NE(render_for_cli(e.what()).find(text), std::string::npos) << e.what();
    }
}

TEST(AttributeClassifierTest, ValuesMatchTrimmedAndCaseInsensitive) {
    EXPECT_EQ(kDefaults.listed_class(" Natural "), ShoreClass::Natural);
    EXPECT_EQ(kDefaults.listed_class("SANDY"), ShoreClass::Natural);
    EXPECT_EQ(kDefaults.listed_class("砂质岸线"), ShoreClass::Natural);
    EXPECT_EQ(kDefaults.listed_class("Estuary"), ShoreClass::Estuary);
    EXPECT_EQ(kDefaults.listed_class("河口岸线 "), ShoreClass::Estuary);
    EXPECT_FALSE(kDefaults.listed_class("port").has_value());
    EXPECT_FALSE(kDefaults.listed_class("  ").has_value());
    EXPECT_FALSE(kDefaults.explicit_artificial());
}

TEST(AttributeClassifierTest, EveryOtherValueIsArtificialAndListed) {
    const auto f = kDefaults.classify({"sandy", "dike", "estuary", "Dike", "port", "dike"}, {},
                                      "coast", "type");
    const std::vector<ShoreClass> want = {ShoreClass::Natural,    ShoreClass::Artificial,
                                          ShoreClass::Estuary,    ShoreClass::Artificial,
                                          ShoreClass::Artificial, ShoreClass::Artificial};
    EXPECT_EQ(f.classes, want);
    // Distinct values as written, first seen first.
    EXPECT_EQ(f.artificial_by_default, (std::vector<std::string>{"dike", "Dike", "port"}));
}

TEST(AttributeClassifierTest, ExplicitArtificialListMakesOtherValuesErrors) {
    const AttributeClassifier c({"natural"}, {"estuary"}, {"Dike", "port"});
    EXPECT_TRUE(c.explicit_artificial());
    const auto f = c.classify({"natural", "dike", " PORT", "estuary"}, {}, "coast", "type");
    EXPECT_EQ(f.classes, (std::vector<ShoreClass>{ShoreClass::Natural, ShoreClass::Artificial,
                                                  ShoreClass::Artificial, ShoreClass::Estuary}));
    EXPECT_TRUE(f.artificial_by_default.empty());
    expect_invalid(
        [&] {
            c.classify({"natural", "harbour", "sandy", "harbour"}, {}, "coast", "type");
        },
        "layer 'coast': --class-field 'type' has value(s) in none of --natural, --estuary and "
        "--artificial: 'harbour', 'sandy'; add them to one of the lists");
}

TEST(AttributeClassifierTest, FeaturesWithoutValueAreErrorsNamedByFeatureId) {
    expect_invalid(
        [&] {
            kDefaults.classify({"natural", " ", "", "dike"}, {7, 8, 9, 10}, "coast", "type");
        },
        "layer 'coast': 2 feature(s) have no value in --class-field 'type' (feature ids "
        "8, 9); fill the field");
    // Without feature ids, features are numbered from 0.
    expect_invalid(
        [&] {
            kDefaults.classify({"natural", ""}, {}, "coast", "kind");
        },
        "1 feature(s) have no value in --class-field 'kind' (feature ids 1)");
}

TEST(AttributeClassifierTest, ValueInTwoListsIsAnError) {
    expect_invalid(
        [] { AttributeClassifier(default_natural_values(), default_estuary_values(), {"Sandy"}); },
        "value 'Sandy' is listed both in --natural and in --artificial; a value belongs to one "
        "class only");
    expect_invalid([] { AttributeClassifier({"a"}, {" A"}, {}); },
                   "value ' A' is listed both in --natural and in --estuary");
    // The same value twice in one list is fine.
    EXPECT_EQ(AttributeClassifier({"a", "A"}, {}, {}).listed_class("a"), ShoreClass::Natural);
}

}  // namespace
}  // namespace redline
