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

// The rules as strata of transitions (for the accuracy sample of a change map): stratum k >= 1
// is the k-th rule (the first rule a transition matches), stratum 0 "stable" the transitions
// that match none. The strata hold a copy of the rules.
TransitionStrata change_rule_strata(const ChangeRules& rules);

}  // namespace redline
