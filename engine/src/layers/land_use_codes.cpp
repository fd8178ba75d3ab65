#include "redline/layers/land_use_codes.hpp"

#include <fmt/format.h>

#include <cctype>
#include <fstream>

#include "redline/core/error.hpp"
#include "redline/core/text.hpp"

namespace redline {
namespace {

struct BuiltinCode {
    const char* code;
    const char* name;
    const char* group;
};

// 三调工作分类 (TD/T 1055-2019 appendix A; docs/land-use-survey.md#the-built-in-table). First-level
// classes first (their own group), then the second-level codes with their 三调 group.
constexpr BuiltinCode kGbt21010[] = {
    {"00", "湿地", "00"},
    {"01", "耕地", "01"},
    {"02", "种植园用地", "02"},
    {"03", "林地", "03"},
    {"04", "草地", "04"},
    {"05", "商业服务业用地", "05"},
    {"06", "工矿用地", "06"},
    {"07", "住宅用地", "07"},
    {"08", "公共管理与公共服务用地", "08"},
    {"09", "特殊用地", "09"},
    {"10", "交通运输用地", "10"},
    {"11", "水域及水利设施用地", "11"},
    {"12", "其他土地", "12"},
    {"0303", "红树林地", "00"},
    {"0304", "森林沼泽", "00"},
    {"0306", "灌丛沼泽", "00"},
    {"0402", "沼泽草地", "00"},
    {"0603", "盐田", "00"},
    {"1105", "沿海滩涂", "00"},
    {"1106", "内陆滩涂", "00"},
    {"1108", "沼泽地", "00"},
    {"0101", "水田", "01"},
    {"0102", "水浇地", "01"},
    {"0103", "旱地", "01"},
    {"0201", "果园", "02"},
    {"0201K", "可调整果园", "02"},
    {"0202", "茶园", "02"},
    {"0202K", "可调整茶园", "02"},
    {"0203", "橡胶园", "02"},
    {"0203K", "可调整橡胶园", "02"},
    {"0204", "其他园地", "02"},
    {"0204K", "可调整其他园地", "02"},
    {"0301", "乔木林地", "03"},
    {"0301K", "可调整乔木林地", "03"},
    {"0302", "竹林地", "03"},
    {"0302K", "可调整竹林地", "03"},
    {"0305", "灌木林地", "03"},
    {"0307", "其他林地", "03"},
    {"0307K", "可调整其他林地", "03"},
    {"0401", "天然牧草地", "04"},
    {"0403", "人工牧草地", "04"},
    {"0403K", "可调整人工牧草地", "04"},
    {"0404", "其他草地", "04"},
    {"05H1", "商业服务业设施用地", "05"},
    {"0508", "物流仓储用地", "05"},
    {"0601", "工业用地", "06"},
    {"0602", "采矿用地", "06"},
    {"0701", "城镇住宅用地", "07"},
    {"0702", "农村宅基地", "07"},
    {"08H1", "机关团体新闻出版用地", "08"},
    {"08H2", "科教文卫用地", "08"},
    {"0809", "公用设施用地", "08"},
    {"0810", "公园与绿地", "08"},
    {"0810A", "广场用地", "08"},
    {"1001", "铁路用地", "10"},
    {"1002", "轨道交通用地", "10"},
    {"1003", "公路用地", "10"},
    {"1004", "城镇村道路用地", "10"},
    {"1005", "交通服务场站用地", "10"},
    {"1006", "农村道路", "10"},
    {"1007", "机场用地", "10"},
    {"1008", "港口码头用地", "10"},
    {"1009", "管道运输用地", "10"},
    {"1101", "河流水面", "11"},
    {"1102", "湖泊水面", "11"},
    {"1103", "水库水面", "11"},
    {"1104", "坑塘水面", "11"},
    {"1104A", "养殖坑塘", "11"},
    {"1104K", "可调整养殖坑塘", "11"},
    {"1107", "沟渠", "11"},
    {"1109", "水工建筑用地", "11"},
    {"1110", "冰川及永久积雪", "11"},
    {"1201", "空闲地", "12"},
    {"1202", "设施农用地", "12"},
    {"1203", "田坎", "12"},
    {"1204", "盐碱地", "12"},
    {"1205", "沙地", "12"},
    {"1206", "裸土地", "12"},
    {"1207", "裸岩石砾地", "12"},
};

bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Fills group_name from the table's own first-level entries where a row leaves it empty.
void name_groups(std::map<std::string, LandUseClass>& classes) {
    for (auto& [code, c] : classes) {
        if (!c.group_name.empty() || c.group.empty()) continue;
        auto it = classes.find(c.group);
        if (it != classes.end()) c.group_name = it->second.name;
    }
}

}  // namespace

LandUseCodes::LandUseCodes(std::string id, std::map<std::string, LandUseClass> classes)
    : m_id(std::move(id)), m_classes(std::move(classes)) {
    name_groups(m_classes);
}

LandUseCodes LandUseCodes::builtin(const std::string& id) {
    if (id != "gbt21010")
        fail(ErrorKind::InvalidInput,
             fmt::format("unknown land-use code table '{}': expected gbt21010 or the path of a "
                         "CSV file with columns code,name[,group[,group_name]]",
                         id));
    std::map<std::string, LandUseClass> classes;
    for (const auto& c : kGbt21010) classes[c.code] = LandUseClass{c.name, c.group, ""};
    return LandUseCodes(id, std::move(classes));
}

LandUseCodes LandUseCodes::load(const std::string& spec) {
    if (spec == "gbt21010") return builtin(spec);
    std::ifstream in(spec);
    if (!in) {
        if (spec.find('.') == std::string::npos && spec.find('/') == std::string::npos)
            builtin(spec);  // throws the "unknown table" message
        fail(ErrorKind::Io, fmt::format("cannot open land-use code table '{}': no such readable "
                                        "file; expected gbt21010 or a CSV path",
                                        spec));
    }
    std::string line;
    int line_no = 0;
    bool have_header = false;
    int c_code = -1, c_name = -1, c_group = -1, c_group_name = -1;
    std::map<std::string, LandUseClass> classes;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line_no == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0)
            line.erase(0, 3);  // UTF-8 BOM
        if (text::trim(line).empty()) continue;
        const auto cells = text::split_csv_line(line);
        if (!have_header) {
            have_header = true;
            for (int i = 0; i < static_cast<int>(cells.size()); ++i) {
                const auto h = text::lower(text::trim(cells[i]));
                if (h == "code")
                    c_code = i;
                else if (h == "name")
                    c_name = i;
                else if (h == "group")
                    c_group = i;
                else if (h == "group_name")
                    c_group_name = i;
            }
            if (c_code < 0 || c_name < 0)
                fail(ErrorKind::InvalidInput,
                     fmt::format("land-use code table '{}' line 1: header '{}' lacks a 'code' and "
                                 "a 'name' column; expected e.g. 'code,name,group,group_name'",
                                 spec, line));
            continue;
        }
        auto cell = [&](int i) {
            return i >= 0 && i < static_cast<int>(cells.size()) ? text::trim(cells[i])
                                                                : std::string();
        };
        const std::string code = cell(c_code);
        if (code.empty())
            fail(ErrorKind::InvalidInput,
                 fmt::format("land-use code table '{}' line {}: empty code", spec, line_no));
        if (classes.count(code))
            fail(ErrorKind::InvalidInput,
                 fmt::format("land-use code table '{}' line {}: code '{}' appears twice", spec,
                             line_no, code));
        LandUseClass c{cell(c_name), cell(c_group), cell(c_group_name)};
        if (c.group.empty()) c.group = land_use_code_at_level(code, 1).value_or("");
        classes[code] = std::move(c);
    }
    if (classes.empty())
        fail(ErrorKind::InvalidInput,
             fmt::format("land-use code table '{}' has no classes; expected a header "
                         "'code,name[,group[,group_name]]' and one line per class",
                         spec));
    return LandUseCodes(spec, std::move(classes));
}

const LandUseClass* LandUseCodes::find(const std::string& code) const {
    auto it = m_classes.find(code);
    return it == m_classes.end() ? nullptr : &it->second;
}

std::optional<std::string> land_use_code_at_level(const std::string& code, int level) {
    if (level <= 0) return code;
    std::string c = code;
    // An integer field drops the leading zero of 01-09: 101 -> 0101 (3 digits, then the end or
    // a suffix letter).
    if (c.size() >= 3 && digit(c[0]) && digit(c[1]) && digit(c[2]) &&
        (c.size() == 3 || !digit(c[3])))
        c = "0" + c;
    if (c.size() < 2 || !digit(c[0]) || !digit(c[1])) return std::nullopt;
    if (level == 1) return c.substr(0, 2);
    if (c.size() <= 4) return c;
    return c.substr(0, 4);  // 0307K -> 0307, 1104A -> 1104
}

}  // namespace redline
