// ClassTable. The built-in tables are checked against docs/classes.md, read here: the published
// codes and names of each product (CLCD's table, WorldCover's and GlobeLand30's code lists) and
// the group table, so the code and the documentation cannot drift apart. CSV tables are checked
// on hand-written files, including the bad rows and their messages.
#include "redline/core/class_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "test_support.hpp"

namespace redline {
namespace {

using test::error_message;
using test::has;

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The text of a "## Title" section of a markdown file, up to the next "## ".
std::string section(const std::string& md, const std::string& title) {
    const auto b = md.find("\n## " + title);
    if (b == std::string::npos) return {};
    const auto e = md.find("\n## ", b + 1);
    return md.substr(b, e == std::string::npos ? std::string::npos : e - b);
}

// (std::regex is not used in this file: GCC 12's <regex> trips -Wmaybe-uninitialized in the
// ASan build, which treats warnings as errors.)
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// The whole-word runs of digits in s, in order ("10, 20 (x2)" -> 10, 20; "x2" is not one).
std::vector<std::int64_t> integers_in(const std::string& s) {
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < s.size();) {
        if (!is_digit(s[i]) || (i > 0 && is_word(s[i - 1]))) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < s.size() && is_digit(s[j])) ++j;
        if (j == s.size() || !is_word(s[j])) out.push_back(std::stoll(s.substr(i, j - i)));
        i = j;
    }
    return out;
}

// s without bracketed parts: "(...)" and "[...]" removed.
std::string without_brackets(const std::string& s) {
    std::string out;
    char close = 0;
    for (char c : s) {
        if (close) {
            if (c == close) close = 0;
        } else if (c == '(') {
            close = ')';
        } else if (c == '[') {
            close = ']';
        } else {
            out += c;
        }
    }
    return out;
}

// s with runs of spaces collapsed to one.
std::string single_spaced(const std::string& s) {
    std::string out;
    for (char c : s)
        if (!(c == ' ' && !out.empty() && out.back() == ' ')) out += c;
    return out;
}

// "<digits> <text>" -> (code, text); false for anything else.
bool split_item(const std::string& t, std::int64_t& code, std::string& name) {
    std::size_t j = 0;
    while (j < t.size() && is_digit(t[j])) ++j;
    if (j == 0 || j + 1 >= t.size() || t[j] != ' ') return false;
    code = std::stoll(t.substr(0, j));
    name = t.substr(j + 1);
    return true;
}

std::string trim(std::string s) {
    s.erase(0, s.find_first_not_of(" \n"));
    s.erase(s.find_last_not_of(" \n") + 1);
    return s;
}

// "10 Tree cover, 20 Shrubland (note) [source]; 30 Grassland" -> {10: "Tree cover", ...}.
std::map<std::int64_t, std::string> code_list(std::string text) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    text = without_brackets(text);
    std::map<std::int64_t, std::string> out;
    std::stringstream ss(text);
    std::string part;
    while (std::getline(ss, part, ',')) {
        std::stringstream ss2(part);
        std::string p;
        while (std::getline(ss2, p, ';')) {
            const std::string t = single_spaced(trim(p));
            std::int64_t code = 0;
            std::string name;
            if (split_item(t, code, name)) out[code] = name;
        }
    }
    return out;
}

struct Documented {
    std::map<std::int64_t, std::string> names;
    std::map<std::int64_t, std::set<std::string>> groups;
    std::set<std::int64_t> nodata;
};

std::map<std::string, Documented> documented_tables() {
    const std::string md = read_text(std::string(REDLINE_SOURCE_DIR) + "/docs/classes.md");
    std::map<std::string, Documented> docs;
    // The group table: | group | CLCD | ESA WorldCover | GlobeLand30 | GB/T 21010 |
    const std::string groups = section(md, "Engine groups");
    const char* ids[] = {"clcd", "worldcover", "globeland30"};
    std::stringstream ss(groups);
    std::string line;
    while (std::getline(ss, line)) {
        if (line.rfind("| ", 0) != 0) continue;
        std::vector<std::string> cells;
        std::stringstream ls(line.substr(1));
        std::string cell;
        while (std::getline(ls, cell, '|')) cells.push_back(trim(cell));
        if (cells.size() < 4) continue;
        const bool nodata = cells[0] == "no data";
        if (!nodata && !ClassTable::is_group(cells[0])) continue;
        for (int k = 0; k < 3; ++k)
            for (auto code : integers_in(cells[static_cast<std::size_t>(k) + 1])) {
                if (nodata)
                    docs[ids[k]].nodata.insert(code);
                else
                    docs[ids[k]].groups[code].insert(cells[0]);
            }
    }
    // CLCD: a | code | class | table.
    std::stringstream cs(section(md, "CLCD"));
    while (std::getline(cs, line)) {
        // "| <digits> | <name> |" exactly: three bars, a code cell of digits alone.
        if (line.size() < 7 || line.rfind("| ", 0) != 0 || line.back() != '|') continue;
        if (std::count(line.begin(), line.end(), '|') != 3) continue;
        const auto bar = line.find(" | ", 2);
        if (bar == std::string::npos) continue;
        const std::string code = line.substr(2, bar - 2);
        const std::string name = line.substr(bar + 3, line.size() - 1 - (bar + 3));
        if (code.empty() || !std::all_of(code.begin(), code.end(), is_digit)) continue;
        if (name.empty() || name.find("no data") != std::string::npos) continue;
        docs["clcd"].names[std::stoll(code)] = trim(name);
    }
    // WorldCover: "Codes (URL) [source]:\n10 Tree cover, ..., 100 Moss and lichen; 0 no data."
    const std::string wc = section(md, "ESA WorldCover");
    const auto wb = wc.find("[source]:", wc.find("Codes ("));
    docs["worldcover"].names = code_list(wc.substr(wb + 9, wc.find("; 0 no data") - wb - 9));
    // GlobeLand30: "Codes: 10 Cultivated land, 20 Forest (...) [source]; 30 ...; 0 and 255 no data"
    const std::string gl = section(md, "GlobeLand30");
    const auto gb = gl.find("Codes:");
    docs["globeland30"].names = code_list(gl.substr(gb + 6, gl.find("; 0 and 255") - gb - 6));
    return docs;
}

TEST(ClassTable, BuiltInTablesAreThePublishedCodesOfDocsClasses) {
    const auto docs = documented_tables();
    ASSERT_EQ(docs.size(), 3u);
    for (const auto& id : ClassTable::builtin_ids()) {
        SCOPED_TRACE(id);
        const Documented& d = docs.at(id);
        ASSERT_GE(d.names.size(), 9u);  // the docs were parsed
        const ClassTable t = ClassTable::builtin(id);
        EXPECT_EQ(t.id(), id);
        std::map<std::int64_t, std::string> names;
        std::map<std::int64_t, std::set<std::string>> groups;
        for (const auto& [code, info] : t.classes()) {
            names[code] = info.name;
            groups[code] = std::set<std::string>(info.groups.begin(), info.groups.end());
        }
        EXPECT_EQ(names, d.names);
        EXPECT_EQ(groups, d.groups);
        EXPECT_EQ(std::set<std::int64_t>(t.nodata_codes().begin(), t.nodata_codes().end()),
                  d.nodata);
        EXPECT_EQ(ClassTable::load(id).classes().size(), t.classes().size());
    }
    // Spot checks against the published lists, written out.
    EXPECT_EQ(ClassTable::builtin("clcd").name_of(8), "Impervious");
    EXPECT_EQ(ClassTable::builtin("worldcover").name_of(95), "Mangroves");
    EXPECT_EQ(ClassTable::builtin("globeland30").name_of(100), "Permanent snow and ice");
    EXPECT_EQ(ClassTable::builtin("globeland30").nodata_codes(),
              (std::vector<std::int64_t>{0, 255}));
}

// natural = in a natural group and in no human group; human = cropland or built_up
// (docs/classes.md#natural-and-human), derived here from each code's groups.
TEST(ClassTable, NaturalAndHumanFollowTheGroups) {
    const std::set<std::string> natural = {"forest", "grassland", "shrub",   "wetland",
                                           "water",  "bare",      "snow_ice"};
    const std::set<std::string> human = {"cropland", "built_up"};
    for (const auto& id : ClassTable::builtin_ids()) {
        const ClassTable t = ClassTable::builtin(id);
        std::vector<std::int64_t> nat, hum;
        for (const auto& [code, info] : t.classes()) {
            bool n = false, h = false;
            for (const auto& g : info.groups) {
                n = n || natural.count(g);
                h = h || human.count(g);
            }
            if (n && !h) nat.push_back(code);
            if (h) hum.push_back(code);
        }
        EXPECT_EQ(t.codes_of("natural"), nat) << id;
        EXPECT_EQ(t.codes_of("human"), hum) << id;
    }
    const ClassTable wc = ClassTable::builtin("worldcover");
    EXPECT_TRUE(wc.in_group(95, "forest"));  // mangroves count in both groups
    EXPECT_TRUE(wc.in_group(95, "wetland"));
    EXPECT_EQ(wc.codes_of("forest"), (std::vector<std::int64_t>{10, 95}));
    EXPECT_FALSE(wc.in_group(0, "natural"));  // no data is in no group
    EXPECT_FALSE(wc.in_group(12345, "forest"));
    EXPECT_EQ(wc.name_of(12345), std::nullopt);
    EXPECT_TRUE(ClassTable::is_group("snow_ice"));
    EXPECT_TRUE(ClassTable::is_group("natural"));
    EXPECT_FALSE(ClassTable::is_group("Forest"));
    EXPECT_EQ(ClassTable::group_names().size(), 9u);
}

TEST(ClassTable, SerializeRoundTrips) {
    for (const auto& id : ClassTable::builtin_ids()) {
        const ClassTable t = ClassTable::builtin(id);
        const ClassTable u = ClassTable::deserialize(t.serialize());
        EXPECT_EQ(u.id(), t.id());
        EXPECT_EQ(u.nodata_codes(), t.nodata_codes());
        ASSERT_EQ(u.classes().size(), t.classes().size());
        for (const auto& [code, info] : t.classes()) {
            EXPECT_EQ(u.classes().at(code).name, info.name);
            EXPECT_EQ(u.classes().at(code).groups, info.groups);
        }
    }
}

class ClassTableCsv : public ::testing::Test {
  protected:
    std::string write(const std::string& name, const std::string& text) {
        const std::string path = m_dir + "/" + name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
    // One folder per test: ctest runs the tests of this fixture as parallel processes.
    std::string m_dir =
        test::temp_dir(std::string("class_table_csv_") +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
};

TEST_F(ClassTableCsv, ReadsCodesNamesAndGroups) {
    // BOM, CRLF, a blank line, header aliases in another order, a quoted name with a comma,
    // several groups with blanks and capitals, an empty group cell, a UTF-8 name.
    const std::string path = write("t.csv",
                                   "\xEF\xBB\xBFLabel, Value ,Groups\r\n"
                                   "\"Paddy, irrigated\",101,cropland\r\n"
                                   "\r\n"
                                   "Mangrove,303, Forest ; wetland \r\n"
                                   "\xE5\x9B\xAD\xE5\x9C\xB0,201,\r\n");
    const ClassTable t = ClassTable::load(path);
    EXPECT_EQ(t.id(), path);
    ASSERT_EQ(t.classes().size(), 3u);
    EXPECT_EQ(t.name_of(101), "Paddy, irrigated");
    EXPECT_EQ(t.classes().at(101).groups, (std::vector<std::string>{"cropland"}));
    EXPECT_EQ(t.classes().at(303).groups, (std::vector<std::string>{"forest", "wetland"}));
    EXPECT_EQ(t.name_of(201), "\xE5\x9B\xAD\xE5\x9C\xB0");  // 园地: no group
    EXPECT_TRUE(t.classes().at(201).groups.empty());
    EXPECT_TRUE(t.nodata_codes().empty());
    EXPECT_EQ(t.codes_of("natural"), (std::vector<std::int64_t>{303}));
    // Without a group column every class is in no group.
    const ClassTable v = ClassTable::load(write("v.csv", "code,name\n-5,minus five\n"));
    EXPECT_EQ(v.name_of(-5), "minus five");
    EXPECT_TRUE(v.codes_of("human").empty());
}

TEST_F(ClassTableCsv, BadRowsNameTheFileTheLineAndTheFix) {
    const std::string p1 = write("h.csv", "id,label\n1,a\n");
    EXPECT_TRUE(has(
        error_message(ErrorKind::InvalidInput, [&] { ClassTable::load(p1); }),
        "class table '" + p1 + "' line 1: header 'id,label' lacks a 'code' and a 'name' column"));
    const std::string p2 = write("c.csv", "code,name\n1,a\n\nx1,b\n");
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [&] { ClassTable::load(p2); }),
                    "class table '" + p2 + "' line 4: code 'x1' is not an integer"));
    const std::string p3 = write("d.csv", "code,name\n7,a\n8,b\n7,c\n");
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [&] { ClassTable::load(p3); }),
                    "class table '" + p3 + "' line 4: code 7 appears twice"));
    const std::string p4 = write("g.csv", "code,name,group\n1,a,forest;forrest\n");
    const std::string m4 = error_message(ErrorKind::InvalidInput, [&] { ClassTable::load(p4); });
    EXPECT_TRUE(has(m4, "class table '" + p4 + "' line 2: unknown group 'forrest'"));
    EXPECT_TRUE(has(m4,
                    "groups are cropland, forest, grassland, shrub, wetland, water, "
                    "built_up, bare, snow_ice"));
    const std::string p5 = write("e.csv", "code,name\n\n");
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [&] { ClassTable::load(p5); }),
                    "class table '" + p5 + "' has no classes"));
    const std::string p6 = write("b.csv", "code,name\n,empty code\n");
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [&] { ClassTable::load(p6); }),
                    "line 2: code '' is not an integer"));
}

TEST_F(ClassTableCsv, UnknownIdsAndMissingFiles) {
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [] { ClassTable::load("corine"); }),
                    "unknown class table 'corine': expected clcd, worldcover, globeland30 or "
                    "the path of a CSV file"));
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [] { ClassTable::builtin("CLCD"); }),
                    "unknown class table 'CLCD'"));
    const std::string missing = m_dir + "/none.csv";
    EXPECT_TRUE(has(error_message(ErrorKind::Io, [&] { ClassTable::load(missing); }),
                    "cannot open class table '" + missing + "': no such readable file"));
}

}  // namespace
}  // namespace redline
