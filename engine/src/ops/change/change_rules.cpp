#include "redline/ops/change/change_rules.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <fstream>

#include "redline/core/binary_codec.hpp"
#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/text.hpp"

namespace redline {
namespace {

std::set<std::int64_t> codes_of(const ClassTable& t, const std::string& group) {
    auto v = t.codes_of(group);
    return {v.begin(), v.end()};
}

std::string known_codes(const ClassTable& t) {
    std::vector<std::string> c;
    for (const auto& [k, info] : t.classes()) c.push_back(fmt::format("{} ({})", k, info.name));
    return text::join_limited(c, 20);
}

}  // namespace

ChangeRules ChangeRules::preset(const std::string& name, const ClassTable& table) {
    ChangeRules r;
    r.m_source = "preset " + name;
    if (name == "redline") {
        r.m_rules.push_back(ChangeRule{"natural-to-human", codes_of(table, "natural"),
                                       codes_of(table, "human"), false});
    } else if (name == "cropland") {
        const auto crop = codes_of(table, "cropland");
        r.m_rules.push_back(ChangeRule{"cropland-loss", crop, crop, true});
    } else {
        fail(ErrorKind::InvalidInput,
             fmt::format("unknown " REDLINE_OPTION_VALUE(
                             "preset", "'{}'") ": expected redline or cropland "
                                               "(or " REDLINE_OPTION("rules") " FILE.yaml)",
                         name));
    }
    for (const auto& rule : r.m_rules)
        if (rule.from.empty())
            fail(ErrorKind::InvalidInput,
                 fmt::format("class table '{}' has no codes for the 'from' classes of preset '{}'",
                             table.id(), name));
    return r;
}

namespace {

// One rule of a rules file, its items as written with their places ("rules file 'x' line 3").
struct RawItem {
    std::string text;
    std::string where;
};
struct RawRule {
    std::string name;
    std::string where;
    std::vector<RawItem> from, to;
    bool to_except = false;
};

// Parses the YAML rules file (docs/indicators.md#redline-change-rules) into rules whose items
// are still text; errors name the file and line (InvalidInput) or say it cannot be read (Io).
std::vector<RawRule> parse_rules_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) fail(ErrorKind::Io, fmt::format("cannot open rules file '{}'", path));
    YAML::Node doc;
    try {
        doc = YAML::Load(in);
    } catch (const YAML::Exception& e) {
        fail(ErrorKind::InvalidInput,
             fmt::format("rules file '{}' line {}: {}", path, e.mark.line + 1, e.msg));
    }
    // Any yaml-cpp conversion left unchecked below (a list or mapping where a scalar is expected)
    // is bad input, not an internal error (found by tests/fuzz/fuzz_config).
    try {
        auto where = [&](const YAML::Node& n) {
            return n.Mark().line >= 0
                       ? fmt::format("rules file '{}' line {}", path, n.Mark().line + 1)
                       : fmt::format("rules file '{}'", path);
        };
        if (!doc.IsMap() || !doc["rules"] || !doc["rules"].IsSequence() || doc["rules"].size() == 0)
            fail(ErrorKind::InvalidInput,
                 fmt::format(
                     "{}: expected a mapping with a non-empty list 'rules:' of items with name, "
                     "from and to (or to_except)",
                     where(doc)));
        for (auto it = doc.begin(); it != doc.end(); ++it)
            if (it->first.as<std::string>() != "rules")
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: unknown key '{}'; the file holds only 'rules:'",
                                 where(it->first), it->first.as<std::string>()));
        std::vector<RawRule> out;
        std::set<std::string> names;
        for (const auto& item : doc["rules"]) {
            if (!item.IsMap())
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: each rule must be a mapping", where(item)));
            for (auto it = item.begin(); it != item.end(); ++it) {
                const auto key = it->first.as<std::string>();
                if (key != "name" && key != "from" && key != "to" && key != "to_except")
                    fail(ErrorKind::InvalidInput,
                         fmt::format(
                             "{}: unknown key '{}' in a rule; expected name, from, to or to_except",
                             where(it->first), key));
            }
            RawRule rule;
            rule.where = where(item);
            if (!item["name"] || !item["name"].IsScalar())
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: a rule needs a 'name'", where(item)));
            rule.name = item["name"].as<std::string>();
            if (!names.insert(rule.name).second)
                fail(ErrorKind::InvalidInput, fmt::format("{}: rule name '{}' appears twice",
                                                          where(item["name"]), rule.name));
            const bool has_to = static_cast<bool>(item["to"]),
                       has_except = static_cast<bool>(item["to_except"]);
            if (!item["from"] || has_to == has_except)
                fail(
                    ErrorKind::InvalidInput,
                    fmt::format("{}: rule '{}' needs 'from' and exactly one of 'to' or 'to_except'",
                                where(item), rule.name));
            auto parse_list = [&](const YAML::Node& node, std::vector<RawItem>& out_items,
                                  const char* key) {
                // A scalar is a one-item list. (Not via `YAML::Node list = node; list =
                // Node(Sequence)`: yaml-cpp's assignment rebinds the referenced node, which turned
                // `from: natural` into a sequence containing itself and threw a bad conversion;
                // found by fuzz_config.)
                std::vector<YAML::Node> list;
                if (node.IsScalar())
                    list.push_back(node);
                else if (node.IsSequence())
                    for (const auto& v : node) list.push_back(v);
                if (list.empty())
                    fail(ErrorKind::InvalidInput,
                         fmt::format(
                             "{}: '{}' of rule '{}' must be a non-empty list of groups or codes",
                             where(node), key, rule.name));
                for (const auto& v : list) {
                    if (!v.IsScalar())
                        fail(ErrorKind::InvalidInput,
                             fmt::format("{}: '{}' of rule '{}' must list groups or codes, not "
                                         "nested lists or mappings",
                                         where(v), key, rule.name));
                    out_items.push_back(RawItem{text::trim(v.as<std::string>()), where(v)});
                }
            };
            parse_list(item["from"], rule.from, "from");
            if (has_to)
                parse_list(item["to"], rule.to, "to");
            else {
                parse_list(item["to_except"], rule.to, "to_except");
                rule.to_except = true;
            }
            out.push_back(std::move(rule));
        }
        return out;
    } catch (const YAML::Exception& e) {
        fail(ErrorKind::InvalidInput,
             fmt::format(
                 "rules file '{}'{}: a value of the wrong kind (a list or mapping where a single "
                 "value is "
                 "expected): {}",
                 path, e.mark.is_null() ? std::string() : fmt::format(" line {}", e.mark.line + 1),
                 e.msg));
    }
}

}  // namespace

namespace {

// The rules of a file, each item turned into codes by convert(item, rule name, codes).
template <class Rule, class Convert>
std::vector<Rule> load_rules(const std::string& path, const Convert& convert) {
    std::vector<Rule> out;
    for (const RawRule& raw : parse_rules_file(path)) {
        Rule rule;
        rule.name = raw.name;
        rule.to_except = raw.to_except;
        for (const auto& item : raw.from) convert(item, rule.name, rule.from);
        for (const auto& item : raw.to) convert(item, rule.name, rule.to);
        out.push_back(std::move(rule));
    }
    return out;
}

}  // namespace

ChangeRules ChangeRules::load(const std::string& path, const ClassTable& table) {
    ChangeRules r;
    r.m_source = path;
    r.m_rules = load_rules<ChangeRule>(path, [&](const RawItem& item, const std::string& rule,
                                                 std::set<std::int64_t>& out) {
        const auto& [s, where] = item;
        if (auto code = text::parse_int(s)) {
            if (!table.classes().count(*code))
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: unknown class code {} in rule '{}'; class table '{}' has {}",
                                 where, *code, rule, table.id(), known_codes(table)));
            out.insert(*code);
        } else if (ClassTable::is_group(s)) {
            for (auto c : table.codes_of(s)) out.insert(c);
        } else {
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}: '{}' in rule '{}' is neither a class code nor a group; groups "
                             "are {}, natural, human",
                             where, s, rule, fmt::join(ClassTable::group_names(), ", ")));
        }
    });
    return r;
}

std::string ChangeRules::serialize() const {
    BinaryWriter w;
    w.str("redline.rules.v1");
    w.str(m_source);
    w.u64(m_rules.size());
    for (const auto& r : m_rules) {
        w.str(r.name);
        w.u64(r.to_except ? 1 : 0);
        for (const auto* set : {&r.from, &r.to}) {
            w.u64(set->size());
            for (auto c : *set) w.i64(c);
        }
    }
    return w.take();
}

ChangeRules ChangeRules::deserialize(const std::string& bytes) {
    BinaryReader r(bytes);
    r.expect_magic("redline.rules.v1");
    ChangeRules out;
    out.m_source = r.str();
    out.m_rules.resize(r.count());
    for (auto& rule : out.m_rules) {
        rule.name = r.str();
        rule.to_except = r.u64() != 0;
        for (auto* set : {&rule.from, &rule.to}) {
            const std::size_t n = r.count();
            for (std::size_t i = 0; i < n; ++i) set->insert(r.i64());
        }
    }
    return out;
}

namespace {

bool starts_with_any(const std::string& code, const std::vector<std::string>& prefixes) {
    for (const auto& p : prefixes)
        if (code.compare(0, p.size(), p) == 0) return true;
    return false;
}

}  // namespace

bool SurveyChangeRule::matches(const std::string& c0, const std::string& c1) const {
    if (!starts_with_any(c0, from)) return false;
    return starts_with_any(c1, to) != to_except;
}

std::vector<std::string> SurveyChangeRules::group(const std::string& name) {
    if (name == "cropland") return {"01"};
    if (name == "garden") return {"02"};
    if (name == "forest") return {"03"};
    if (name == "grassland") return {"04"};
    if (name == "built_up") return {"05", "06", "07", "08", "09", "10"};
    if (name == "water") return {"11"};
    if (name == "other") return {"12"};
    if (name == "wetland")
        return {"00", "0303", "0304", "0306", "0402", "0603", "1105", "1106", "1108"};
    if (name == "natural")
        return {"00",   "03",   "04",   "1101", "1102", "1105", "1106",
                "1108", "1110", "1204", "1205", "1206", "1207"};
    if (name == "human") return {"01", "05", "06", "07", "08", "09", "10"};
    return {};
}

SurveyChangeRules SurveyChangeRules::preset(const std::string& name) {
    SurveyChangeRules r;
    r.m_source = "preset " + name;
    if (name == "redline")
        r.m_rules.push_back(
            SurveyChangeRule{"natural-to-human", group("natural"), group("human"), false});
    else if (name == "cropland")
        r.m_rules.push_back(SurveyChangeRule{"cropland-loss", {"01"}, {"01"}, true});
    else
        fail(ErrorKind::InvalidInput,
             fmt::format("unknown " REDLINE_OPTION_VALUE(
                             "preset", "'{}'") ": expected redline or cropland "
                                               "(or " REDLINE_OPTION("rules") " FILE.yaml)",
                         name));
    return r;
}

SurveyChangeRules SurveyChangeRules::load(const std::string& path) {
    SurveyChangeRules r;
    r.m_source = path;
    r.m_rules = load_rules<SurveyChangeRule>(path, [](const RawItem& item, const std::string& rule,
                                                      std::vector<std::string>& out) {
        const auto& [s, where] = item;
        const auto g = group(s);
        if (!g.empty()) {
            out.insert(out.end(), g.begin(), g.end());
            return;
        }
        if (s.size() < 2 || !std::isdigit(static_cast<unsigned char>(s[0])) ||
            !std::isdigit(static_cast<unsigned char>(s[1])))
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}: '{}' in rule '{}' is neither a land-use code (text starting "
                             "with two digits, e.g. 01, 0101, 0307K) nor a survey group; groups "
                             "are cropland, garden, forest, grassland, built_up, water, other, "
                             "wetland, natural, human",
                             where, s, rule));
        out.push_back(s);
    });
    return r;
}

TransitionStrata change_rule_strata(const ChangeRules& rules) {
    TransitionStrata t;
    t.names.push_back("stable");
    for (const auto& r : rules.rules()) t.names.push_back(r.name);
    t.identity = "change rules\n" + rules.serialize();
    t.stratum_of = [rs = rules.rules()](std::int64_t v0, std::int64_t v1) -> std::int64_t {
        for (std::size_t q = 0; q < rs.size(); ++q)
            if (rs[q].matches(v0, v1)) return static_cast<std::int64_t>(q + 1);
        return 0;
    };
    return t;
}

}  // namespace redline
