#include "redline/ops/shoreline/shore_class.hpp"

#include <fmt/format.h>

#include "redline/core/error.hpp"

namespace redline {

const char* shore_class_name(ShoreClass c) {
    switch (c) {
        case ShoreClass::Natural:
            return "natural";
        case ShoreClass::Artificial:
            return "artificial";
        case ShoreClass::Estuary:
            return "estuary";
        case ShoreClass::Unclassified:
            return "unclassified";
    }
    return "?";
}

EstuaryRule parse_estuary_rule(const std::string& s) {
    if (s == "total") return EstuaryRule::Total;
    if (s == "natural") return EstuaryRule::Natural;
    if (s == "excluded") return EstuaryRule::Excluded;
    fail(ErrorKind::InvalidInput,
         fmt::format("unknown estuary rule '{}'; use total, natural or excluded", s));
}

const char* estuary_rule_name(EstuaryRule r) {
    switch (r) {
        case EstuaryRule::Total:
            return "total";
        case EstuaryRule::Natural:
            return "natural";
        case EstuaryRule::Excluded:
            return "excluded";
    }
    return "?";
}

const char* estuary_rule_meaning(EstuaryRule r) {
    switch (r) {
        case EstuaryRule::Total:
            return "in total_m, not in the natural share (the default)";
        case EstuaryRule::Natural:
            return "in total_m and in the natural share";
        case EstuaryRule::Excluded:
            return "in neither total_m nor the share (estuary_m still reported)";
    }
    return "?";
}

const std::vector<std::string>& default_natural_values() {
    static const std::vector<std::string> v = {
        "natural",  "bedrock",  "sandy",    "muddy",      "biological", "restored",
        "自然岸线", "基岩岸线", "砂质岸线", "淤泥质岸线", "生物岸线",   "整治修复岸线"};
    return v;
}

const std::vector<std::string>& default_estuary_values() {
    static const std::vector<std::string> v = {"estuary", "河口岸线"};
    return v;
}

}  // namespace redline
