#pragma once
// Land-use class tables: raster code -> name and engine groups (docs/classes.md).
//
// Engine groups: cropland, forest, grassland, shrub, wetland, water, built_up, bare, snow_ice.
// A code may belong to several groups (WorldCover 95 mangroves: forest and wetland). The group
// sets "natural" (forest, grassland, shrub, wetland, water, bare, snow_ice) and "human"
// (cropland, built_up) are derived (docs/classes.md#natural-and-human).
//
// Built-in tables: "clcd", "worldcover", "globeland30". A CSV table has a header with at least
// `code,name` and optionally `group` (several groups separated by ';').
// Thread-safety: immutable after construction.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace redline {

struct ClassInfo {
    std::string name;
    std::vector<std::string> groups;
};

class ClassTable {
  public:
    ClassTable() = default;
    ClassTable(std::string id, std::map<std::int64_t, ClassInfo> classes,
               std::vector<std::int64_t> nodata_codes = {});

    // "clcd" | "worldcover" | "globeland30" | path to a CSV file. Throws InvalidInput / Io.
    static ClassTable load(const std::string& spec);
    static ClassTable builtin(const std::string& id);  // throws InvalidInput for unknown ids
    static const std::vector<std::string>& builtin_ids();
    static const std::vector<std::string>& group_names();  // the nine engine groups

    const std::string& id() const { return m_id; }
    // Name of a code, or nullopt when the table does not know it.
    std::optional<std::string> name_of(std::int64_t code) const;
    bool in_group(std::int64_t code, const std::string& group) const;
    // Codes of a group ("natural" and "human" are accepted too), ascending.
    std::vector<std::int64_t> codes_of(const std::string& group) const;
    // True for a known group name (the nine, "natural", "human").
    static bool is_group(const std::string& group);
    const std::map<std::int64_t, ClassInfo>& classes() const { return m_classes; }
    const std::vector<std::int64_t>& nodata_codes() const { return m_nodata; }
    bool empty() const { return m_classes.empty(); }
    // Exact binary form (for jobs sent to other processes).
    std::string serialize() const;
    static ClassTable deserialize(const std::string& bytes);

  private:
    std::string m_id;
    std::map<std::int64_t, ClassInfo> m_classes;
    std::vector<std::int64_t> m_nodata;
};

}  // namespace redline
