// json_text: nlohmann::json's dump(indent) layout, with floats written by format_double.
// Oracles: dump() itself on documents whose numbers both write alike, and nlohmann's parser.
#include "redline/core/json_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

#include "redline/core/number_text.hpp"

namespace redline {
namespace {

using nlohmann::json;

json sample_document() {
    json j;
    j["name"] = "名称 \"quoted\"\n\ttab \x01 control";
    j["count"] = -42;
    j["big"] = std::numeric_limits<std::uint64_t>::max();
    j["flag"] = true;
    j["off"] = false;
    j["none"] = nullptr;
    j["empty_object"] = json::object();
    j["empty_array"] = json::array();
    j["list"] = {1, "two", json::array({json::object(), json::array({3, 4})}), {{"k", "v"}}};
    j["nested"] = {{"a", {{"b", {{"c", json::array({nullptr, false})}}}}}, {"z", "末"}};
    return j;
}

TEST(JsonText, LayoutIsDumpsForEveryIndent) {
    const json j = sample_document();
    for (int indent : {-1, 0, 1, 2, 4}) EXPECT_EQ(json_text(j, indent), j.dump(indent)) << indent;
    for (const json& scalar : {json(1), json("s"), json(nullptr), json::array(), json::object()})
        EXPECT_EQ(json_text(scalar, 1), scalar.dump(1));
}

TEST(JsonText, FloatsWhereDumpIsAlreadyShortestAreUnchanged) {
    json j = sample_document();
    j["reals"] = {0.5, 100.0, -2.25, 1e-05, 1e+22, 0.1, -0.0, 12345.678};
    j["nan"] = std::numeric_limits<double>::quiet_NaN();
    j["inf"] = -std::numeric_limits<double>::infinity();
    for (int indent : {-1, 1}) EXPECT_EQ(json_text(j, indent), j.dump(indent)) << indent;
}

TEST(JsonText, FloatsAreTheTableText) {
    // Where nlohmann's text differs from the shortest fixed form (Grisu2 switches to exponent
    // notation from 1e15), the JSON holds the same text as a CSV cell of the same double.
    EXPECT_EQ(json_text(json(1e15)), "1000000000000000.0");
    EXPECT_EQ(json(1e15).dump(), "1e+15");
    std::mt19937_64 rng(7);
    json arr = json::array();
    for (int i = 0; i < 20000; ++i) {
        const std::uint64_t b = rng();
        double v;
        std::memcpy(&v, &b, sizeof v);
        if (!std::isfinite(v)) continue;
        ASSERT_EQ(json_text(json(v)), format_double(v));
        arr.push_back(v);
    }
    const json back = json::parse(json_text({{"values", arr}}, 1));
    ASSERT_EQ(back["values"].size(), arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i) {
        const double a = arr[i].get<double>(), c = back["values"][i].get<double>();
        ASSERT_EQ(std::memcmp(&a, &c, sizeof a), 0) << json_text(arr[i]);
    }
}

}  // namespace
}  // namespace redline
