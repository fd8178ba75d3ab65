#include "redline/core/class_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "redline/core/binary_codec.hpp"
#include "redline/core/error.hpp"
#include "redline/core/text.hpp"

namespace redline {
namespace {

const std::vector<std::string> kGroups = {"cropland", "forest",   "grassland", "shrub",   "wetland",
                                          "water",    "built_up", "bare",      "snow_ice"};
const std::vector<std::string> kNatural = {"forest", "grassland", "shrub",   "wetland",
                                           "water",  "bare",      "snow_ice"};
const std::vector<std::string> kHuman = {"cropland", "built_up"};

ClassTable make(
    const std::string& id,
    std::initializer_list<std::tuple<std::int64_t, const char*, std::vector<std::string>>> rows,
    std::vector<std::int64_t> nodata) {
    std::map<std::int64_t, ClassInfo> m;
    for (const auto& [code, name, groups] : rows) m[code] = ClassInfo{name, groups};
    return ClassTable(id, std::move(m), std::move(nodata));
}

}  // namespace

ClassTable::ClassTable(std::string id, std::map<std::int64_t, ClassInfo> classes,
                       std::vector<std::int64_t> nodata_codes)
    : m_id(std::move(id)), m_classes(std::move(classes)), m_nodata(std::move(nodata_codes)) {}

const std::vector<std::string>& ClassTable::builtin_ids() {
    static const std::vector<std::string> ids = {"clcd", "worldcover", "globeland30"};
    return ids;
}

const std::vector<std::string>& ClassTable::group_names() { return kGroups; }

bool ClassTable::is_group(const std::string& g) {
    return g == "natural" || g == "human" ||
           std::find(kGroups.begin(), kGroups.end(), g) != kGroups.end();
}

ClassTable ClassTable::builtin(const std::string& id) {
    // docs/classes.md
    if (id == "clcd")
        return make("clcd",
                    {{1, "Cropland", {"cropland"}},
                     {2, "Forest", {"forest"}},
                     {3, "Shrub", {"shrub"}},
                     {4, "Grassland", {"grassland"}},
                     {5, "Water", {"water"}},
                     {6, "Snow/Ice", {"snow_ice"}},
                     {7, "Barren", {"bare"}},
                     {8, "Impervious", {"built_up"}},
                     {9, "Wetland", {"wetland"}}},
                    {0});
    if (id == "worldcover")
        return make("worldcover",
                    {{10, "Tree cover", {"forest"}},
                     {20, "Shrubland", {"shrub"}},
                     {30, "Grassland", {"grassland"}},
                     {40, "Cropland", {"cropland"}},
                     {50, "Built-up", {"built_up"}},
                     {60, "Bare / sparse vegetation", {"bare"}},
                     {70, "Snow and ice", {"snow_ice"}},
                     {80, "Permanent water bodies", {"water"}},
                     {90, "Herbaceous wetland", {"wetland"}},
                     {95, "Mangroves", {"forest", "wetland"}},
                     {100, "Moss and lichen", {"grassland"}}},
                    {0});
    if (id == "globeland30")
        return make("globeland30",
                    {{10, "Cultivated land", {"cropland"}},
                     {20, "Forest", {"forest"}},
                     {30, "Grassland", {"grassland"}},
                     {40, "Shrubland", {"shrub"}},
                     {50, "Wetland", {"wetland"}},
                     {60, "Water bodies", {"water"}},
                     {70, "Tundra", {"grassland"}},
                     {80, "Artificial surfaces", {"built_up"}},
                     {90, "Bareland", {"bare"}},
                     {100, "Permanent snow and ice", {"snow_ice"}}},
                    {0, 255});
    fail(ErrorKind::InvalidInput,
         fmt::format("unknown class table '{}': expected clcd, worldcover, globeland30 or the "
                     "path of a CSV file with columns code,name[,group]",
                     id));
}

ClassTable ClassTable::load(const std::string& spec) {
    const auto& ids = builtin_ids();
    if (std::find(ids.begin(), ids.end(), spec) != ids.end()) return builtin(spec);
    std::ifstream in(spec);
    if (!in) {
        if (spec.find('.') == std::string::npos && spec.find('/') == std::string::npos)
            builtin(spec);  // throws the "unknown class table" message
        fail(ErrorKind::Io, fmt::format("cannot open class table '{}': no such readable file; "
                                        "expected clcd, worldcover, globeland30 or a CSV path",
                                        spec));
    }
    std::string line;
    int line_no = 0;
    std::vector<std::string> header;
    int c_code = -1, c_name = -1, c_group = -1;
    std::map<std::int64_t, ClassInfo> classes;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line_no == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0)
            line.erase(0, 3);  // UTF-8 BOM
        if (text::trim(line).empty()) continue;
        auto cells = text::split_csv_line(line);
        if (header.empty()) {
            header = cells;
            for (int i = 0; i < static_cast<int>(header.size()); ++i) {
                auto h = text::lower(text::trim(header[i]));
                if (h == "code" || h == "value")
                    c_code = i;
                else if (h == "name" || h == "label")
                    c_name = i;
                else if (h == "group" || h == "groups")
                    c_group = i;
            }
            if (c_code < 0 || c_name < 0)
                fail(ErrorKind::InvalidInput,
                     fmt::format("class table '{}' line 1: header '{}' lacks a 'code' and a "
                                 "'name' column; expected e.g. 'code,name,group'",
                                 spec, line));
            continue;
        }
        auto cell = [&](int i) {
            return i < static_cast<int>(cells.size()) ? text::trim(cells[i]) : std::string();
        };
        auto code = text::parse_int(cell(c_code));
        if (!code)
            fail(ErrorKind::InvalidInput,
                 fmt::format("class table '{}' line {}: code '{}' is not an integer", spec, line_no,
                             cell(c_code)));
        if (classes.count(*code))
            fail(ErrorKind::InvalidInput,
                 fmt::format("class table '{}' line {}: code {} appears twice", spec, line_no,
                             *code));
        ClassInfo info;
        info.name = cell(c_name);
        if (c_group >= 0) {
            for (auto g : text::split(cell(c_group), ';')) {
                g = text::lower(text::trim(g));
                if (g.empty()) continue;
                if (std::find(kGroups.begin(), kGroups.end(), g) == kGroups.end())
                    fail(ErrorKind::InvalidInput,
                         fmt::format("class table '{}' line {}: unknown group '{}'; groups are "
                                     "{}",
                                     spec, line_no, g, fmt::join(kGroups, ", ")));
                info.groups.push_back(g);
            }
        }
        classes[*code] = std::move(info);
    }
    if (classes.empty())
        fail(ErrorKind::InvalidInput,
             fmt::format("class table '{}' has no classes; expected a header 'code,name[,group]' "
                         "and one line per class",
                         spec));
    return ClassTable(spec, std::move(classes));
}

std::string ClassTable::serialize() const {
    BinaryWriter w;
    w.str("redline.classes.v1");
    w.str(m_id);
    w.u64(m_classes.size());
    for (const auto& [code, info] : m_classes) {
        w.i64(code);
        w.str(info.name);
        w.u64(info.groups.size());
        for (const auto& g : info.groups) w.str(g);
    }
    w.u64(m_nodata.size());
    for (auto c : m_nodata) w.i64(c);
    return w.take();
}

ClassTable ClassTable::deserialize(const std::string& bytes) {
    BinaryReader r(bytes);
    r.expect_magic("redline.classes.v1");
    ClassTable t;
    t.m_id = r.str();
    const std::size_t n = r.count();
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t code = r.i64();
        ClassInfo info;
        info.name = r.str();
        info.groups.resize(r.count());
        for (auto& g : info.groups) g = r.str();
        t.m_classes[code] = std::move(info);
    }
    t.m_nodata.resize(r.count());
    for (auto& c : t.m_nodata) c = r.i64();
    return t;
}

std::optional<std::string> ClassTable::name_of(std::int64_t code) const {
    auto it = m_classes.find(code);
    if (it == m_classes.end()) return std::nullopt;
    return it->second.name;
}

bool ClassTable::in_group(std::int64_t code, const std::string& group) const {
    auto it = m_classes.find(code);
    if (it == m_classes.end()) return false;
    const auto& gs = it->second.groups;
    auto has = [&](const std::string& g) { return std::find(gs.begin(), gs.end(), g) != gs.end(); };
    if (group == "natural")
        return std::any_of(kNatural.begin(), kNatural.end(), has) &&
               !std::any_of(kHuman.begin(), kHuman.end(), has);
    if (group == "human") return std::any_of(kHuman.begin(), kHuman.end(), has);
    return has(group);
}

std::vector<std::int64_t> ClassTable::codes_of(const std::string& group) const {
    std::vector<std::int64_t> out;
    for (const auto& [code, info] : m_classes)
        if (in_group(code, group)) out.push_back(code);
    return out;
}

}  // namespace redline
