#pragma once
// Land-use codes of a vector survey layer as text ("0101", "0307K", "05H1"): names, first-level
// groups, and aggregation to a level (docs/land-use-survey.md).
//
// Built-in table "gbt21010": the working classification of the Third National Land Survey
// (三调工作分类, TD/T 1055-2019 appendix A), which regroups GB/T 21010-2017 into 13 first-level
// classes (00 湿地 ... 12 其他土地) and adds second-level working codes (05H1, 08H1, 08H2, the
// "K" codes of adjustable land, 1104A). A CSV table has a header with `code,name` and optionally
// `group` (the first-level code) and `group_name`.
// Thread-safety: immutable after construction.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace redline {

struct LandUseClass {
    std::string name;        // e.g. "水田"
    std::string group;       // first-level code, e.g. "01" (三调: "00" for wetland codes)
    std::string group_name;  // e.g. "耕地"
};

class LandUseCodes {
  public:
    LandUseCodes() = default;
    LandUseCodes(std::string id, std::map<std::string, LandUseClass> classes);
    // "gbt21010" or the path of a CSV file. Throws InvalidInput (unknown table, bad CSV) or Io.
    static LandUseCodes load(const std::string& spec);
    static LandUseCodes builtin(const std::string& id);

    const std::string& id() const { return m_id; }
    // The class of a code, or nullopt when the table does not list it.
    const LandUseClass* find(const std::string& code) const;
    const std::map<std::string, LandUseClass>& classes() const { return m_classes; }

  private:
    std::string m_id;
    std::map<std::string, LandUseClass> m_classes;
};

// A code aggregated to `level` (docs/land-use-survey.md#levels): 0 = as written; 2 = the
// GB/T 21010 second-level code (a leading zero lost by an integer field restored: 101 -> 0101;
// a 三调 suffix dropped: 0307K -> 0307, 1104A -> 1104; 05H1 and 08H1/08H2 kept); 1 = the
// first-level code, its first two digits (0101 -> 01). Returns nullopt when level > 0 and the
// code does not start with two digits (e.g. "abc").
std::optional<std::string> land_use_code_at_level(const std::string& code, int level);

}  // namespace redline
