#pragma once
// Rules of a change audit: which (t0 class, t1 class) transitions break a rule
// (docs/indicators.md#redline-change-rules).
//
// A rule has a name, a set of t0 codes ("from") and a set of t1 codes ("to"), each given as
// engine groups of the class table (cropland, forest, ..., natural, human) or integer codes;
// `to_except` gives the complement instead (any valid code outside the list). Nodata never
// matches. Presets:
//   redline  : natural -> human   (forest, shrub, grassland, wetland, water, bare, snow/ice turned
//              into built-up or cropland)
//   cropland : cropland -> anything but cropland
// YAML file:
//   rules:
//     - name: natural-to-built
//       from: [natural]
//       to: [built_up, cropland]
//     - name: cropland-loss
//       from: [cropland]
//       to_except: [cropland]
// Thread-safety: immutable after construction.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "redline/core/class_table.hpp"
#include "redline/ops/transition_strata.hpp"

namespace redline {

struct ChangeRule {
    std::string name;
    std::set<std::int64_t> from;
    std::set<std::int64_t> to;
    bool to_except = false;  // `to` lists the codes that do NOT match
    bool matches(std::int64_t v0, std::int64_t v1) const {
        if (!from.count(v0)) return false;
        return to_except ? !to.count(v1) : to.count(v1) > 0;
    }
};

class ChangeRules {
  public:
    // "redline" | "cropland"; throws InvalidInput otherwise.
    static ChangeRules preset(const std::string& name, const ClassTable& table);
    // Parses a YAML rules file; errors name the file and line (InvalidInput) or say it cannot be
    // read (Io). Unknown groups and codes absent from the class table are errors.
    static ChangeRules load(const std::string& path, const ClassTable& table);

    const std::vector<ChangeRule>& rules() const { return m_rules; }
    const std::string& source() const { return m_source; }
    std::string serialize() const;
    static ChangeRules deserialize(const std::string& bytes);

  private:
    std::vector<ChangeRule> m_rules;
    std::string m_source;
};

// Rules over the text codes of a land-use survey layer (`change` with vector layers, 三调 DLBM
// codes such as 0101, 0307K, 05H1). The same YAML file as above; an item is a code prefix --
// it matches every code that starts with it ("01" every 01xx code, "0307" 0307 and 0307K) --
// and must start with two digits, or one of the survey groups:
//   cropland 01, garden 02, forest 03, grassland 04, built_up 05-10 (commercial, industrial and
//   mining, residential, public, special, transport), water 11, other 12, wetland (00 and the
//   wetland codes 0303 0304 0306 0402 0603 1105 1106 1108),
//   natural: 00, 03, 04, 1101 1102 1105 1106 1108 1110 (rivers, lakes, tidal and inland flats,
//   marsh, glaciers), 1204-1207 (saline, sand, bare soil, bare rock) -- reservoirs, ponds and
//   ditches (1103 1104 1107), hydraulic land (1109) and 1201-1203 are not natural;
//   human: cropland and built_up.
// Presets: redline (natural -> human, as the raster preset), cropland (01 -> anything else).
struct SurveyChangeRule {
    std::string name;
    std::vector<std::string> from, to;  // code prefixes
    bool to_except = false;
    bool matches(const std::string& c0, const std::string& c1) const;
};

class SurveyChangeRules {
  public:
    static SurveyChangeRules preset(const std::string& name);
    static SurveyChangeRules load(const std::string& path);
    // The prefixes of a survey group, or empty when `name` is not one.
    static std::vector<std::string> group(const std::string& name);

    const std::vector<SurveyChangeRule>& rules() const { return m_rules; }
    const std::string& source() const { return m_source; }

  private:
    std::vector<SurveyChangeRule> m_rules;
    std::string m_source;
};

// The rules as strata of transitions (for the accuracy sample of a change map): stratum k >= 1
// is the k-th rule (the first rule a transition matches), stratum 0 "stable" the transitions
// that match none. The strata hold a copy of the rules.
TransitionStrata change_rule_strata(const ChangeRules& rules);

}  // namespace redline
