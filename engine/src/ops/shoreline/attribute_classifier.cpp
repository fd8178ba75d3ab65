#include "redline/ops/shoreline/attribute_classifier.hpp"

#include <fmt/format.h>

#include <set>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/text.hpp"

namespace redline {
namespace {

std::string norm(const std::string& s) { return text::lower(text::trim(s)); }

}  // namespace

AttributeClassifier::AttributeClassifier(const std::vector<std::string>& natural_values,
                                         const std::vector<std::string>& estuary_values,
                                         const std::vector<std::string>& artificial_values) {
    std::map<std::string, std::string> source;  // normalised value -> option that listed it
    auto add = [&](const std::vector<std::string>& vals, ShoreClass k, const char* option) {
        for (const auto& v : vals) {
            const std::string key = norm(v);
            if (key.empty()) continue;
            auto [it, inserted] = m_classes.emplace(key, k);
            if (!inserted && it->second != k)
                fail(
                    ErrorKind::InvalidInput,
                    fmt::format("value '{}' is listed both in {} and in {}; a value belongs to one "
                                "class only",
                                v, source[key], option));
            source[key] = option;
        }
    };
    add(natural_values, ShoreClass::Natural, REDLINE_OPTION("natural"));
    add(estuary_values, ShoreClass::Estuary, REDLINE_OPTION("estuary"));
    add(artificial_values, ShoreClass::Artificial, REDLINE_OPTION("artificial"));
    m_explicit_artificial = !artificial_values.empty();
}

std::optional<ShoreClass> AttributeClassifier::listed_class(const std::string& value) const {
    auto it = m_classes.find(norm(value));
    if (it == m_classes.end()) return std::nullopt;
    return it->second;
}

AttributeClassifier::Features AttributeClassifier::classify(const std::vector<std::string>& values,
                                                            const std::vector<std::int64_t>& fids,
                                                            const std::string& layer_label,
                                                            const std::string& field) const {
    Features out;
    std::vector<std::string> missing, unknown;
    std::set<std::string> unknown_seen, default_seen;
    out.classes.resize(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const std::string& raw = values[i];
        const std::string key = norm(raw);
        const std::int64_t fid = fids.empty() ? static_cast<std::int64_t>(i) : fids[i];
        if (key.empty()) {
            missing.push_back(std::to_string(fid));
            continue;
        }
        auto it = m_classes.find(key);
        if (it != m_classes.end()) {
            out.classes[i] = it->second;
        } else if (m_explicit_artificial) {
            if (unknown_seen.insert(raw).second) unknown.push_back("'" + raw + "'");
        } else {
            out.classes[i] = ShoreClass::Artificial;
            if (default_seen.insert(raw).second) out.artificial_by_default.push_back(raw);
        }
    }
    if (!missing.empty())
        fail(
            ErrorKind::InvalidInput,
            fmt::format("layer '{}': {} feature(s) have no value in " REDLINE_OPTION_VALUE(
                            "class_field",
                            "'{}'") " (feature ids "
                                    "{}); fill the field so that every shoreline piece has a class",
                        layer_label, missing.size(), field, text::join_limited(missing)));
    if (!unknown.empty())
        fail(
            ErrorKind::InvalidInput,
            fmt::format(
                "layer '{}': " REDLINE_OPTION_VALUE(
                    "class_field",
                    "'{}'") " has value(s) in none "
                            "of " REDLINE_OPTION(
                                "na"
                                "tu"
                                "ra"
                                "l") ", " REDLINE_OPTION("estuary") " "
                                                                    "and"
                                                                    " " REDLINE_OPTION(
                                                                        "artificia"
                                                                        "l") ": "
                                                                             "{}; "
                                                                             "add "
                                                                             "them "
                                                                             "to "
                                                                             "one "
                                                                             "of "
                                                                             "the "
                                                                             "lists"
                                                                             " (or "
                                                                             "omit"
                                                                             " " REDLINE_OPTION(
                                                                                 "a"
                                                                                 "r"
                                                                                 "t"
                                                                                 "i"
                                                                                 "f"
                                                                                 "i"
                                                                                 "c"
                                                                                 "i"
                                                                                 "a"
                                                                                 "l") " "
                                                                                      "to count "
                                                                                      "every other "
                                                                                      "value as "
                                                                                      "artificial)",
                layer_label, field, text::join_limited(unknown)));
    return out;
}

}  // namespace redline
