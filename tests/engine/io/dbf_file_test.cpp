// DbfFile on .dbf files written byte by byte here (the dBASE III layout, not GDAL's writer), and
// StrictDecoder on sequences glibc's GBK/CP936 tables lack but GB18030 maps.
#include "redline/io/dbf_file.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "redline/core/error.hpp"
#include "redline/io/strict_decoder.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

struct FieldSpec {
    std::string name;
    char type;
    int width;
};

std::string le16(int v) { return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)}; }

// A dBASE III table: records are the fields' raw values (padded with blanks here); `deleted`
// marks records with '*'.
std::string write_dbf(const std::string& path, int ldid, const std::vector<FieldSpec>& fields,
                      const std::vector<std::vector<std::string>>& records,
                      const std::vector<bool>& deleted = {}) {
    const int header_len = 32 + 32 * static_cast<int>(fields.size()) + 1;
    int record_len = 1;
    for (const auto& f : fields) record_len += f.width;
    std::string h(32, '\0');
    h[0] = 0x03;
    const auto n = static_cast<std::uint32_t>(records.size());
    for (int i = 0; i < 4; ++i) h[4 + i] = static_cast<char>((n >> (8 * i)) & 0xFF);
    h.replace(8, 2, le16(header_len));
    h.replace(10, 2, le16(record_len));
    h[29] = static_cast<char>(ldid);
    for (const auto& f : fields) {
        std::string d(32, '\0');
        d.replace(0, f.name.size(), f.name);
        d[11] = f.type;
        d[16] = static_cast<char>(f.width & 0xFF);
        if (f.type == 'C') d[17] = static_cast<char>(f.width >> 8);
        h += d;
    }
    h += '\x0d';
    for (std::size_t r = 0; r < records.size(); ++r) {
        h += (r < deleted.size() && deleted[r]) ? '*' : ' ';
        for (std::size_t i = 0; i < fields.size(); ++i) {
            std::string v = records[r][i];
            v.resize(static_cast<std::size_t>(fields[i].width), ' ');
            h += v;
        }
    }
    h += '\x1a';
    std::ofstream(path, std::ios::binary) << h;
    return path;
}

const std::string kMingCheng = "\xc3\xfb\xb3\xc6";         // 名称 in GBK
const std::string kShengTai = "\xc9\xfa\xcc\xac\xba\xec";  // 生态红 in GBK

TEST(DbfFileTest, ReadsHeaderFieldsAndText) {
    const std::string dir = test::temp_dir("dbf_file");
    const std::string path =
        write_dbf(dir + "/a.dbf", 0x4D, {{kMingCheng, 'C', 20}, {"code", 'N', 5}},
                  {{kShengTai, "7"}, {"abc", "8"}, {"gone", "9"}}, {false, false, true});
    const DbfFile d = DbfFile::open(path);
    EXPECT_EQ(d.language_driver(), 0x4D);
    EXPECT_EQ(d.record_count(), 3u);
    ASSERT_EQ(d.fields().size(), 2u);
    EXPECT_EQ(d.fields()[0].name_bytes, kMingCheng);
    EXPECT_EQ(d.fields()[0].type, 'C');
    EXPECT_EQ(d.fields()[0].offset, 1u);
    EXPECT_EQ(d.fields()[0].width, 20u);
    EXPECT_EQ(d.fields()[1].name_bytes, "code");
    EXPECT_EQ(d.fields()[1].offset, 21u);
    std::vector<std::string> seen;
    std::vector<std::uint64_t> records;
    d.for_each_text({}, [&](std::size_t f, std::uint64_t r, std::string_view v) {
        EXPECT_EQ(f, 0u);  // the only text field
        seen.emplace_back(v);
        records.push_back(r);
        return true;
    });
    EXPECT_EQ(seen, (std::vector<std::string>{kShengTai, "abc"}));  // blanks trimmed, '*' skipped
    EXPECT_EQ(records, (std::vector<std::uint64_t>{0, 1}));
    int calls = 0;
    d.for_each_text({0}, [&](std::size_t, std::uint64_t, std::string_view) { return ++calls < 1; });
    EXPECT_EQ(calls, 1);  // stops when asked
}

TEST(DbfFileTest, WideTextFieldsAndTruncation) {
    const std::string dir = test::temp_dir("dbf_file_wide");
    const std::string wide(300, 'x');
    const std::string path = write_dbf(dir + "/w.dbf", 0, {{"note", 'C', 300}}, {{wide}});
    const DbfFile d = DbfFile::open(path);
    EXPECT_EQ(d.language_driver(), 0);
    EXPECT_EQ(d.fields()[0].width, 300u);  // byte 16 + 256 x byte 17
    std::string got;
    d.for_each_text({}, [&](std::size_t, std::uint64_t, std::string_view v) {
        got = v;
        return true;
    });
    EXPECT_EQ(got, wide);
    // A table claiming more records than it holds.
    std::string bytes;
    {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    bytes[4] = 5;
    std::ofstream(dir + "/t.dbf", std::ios::binary) << bytes;
    const DbfFile t = DbfFile::open(dir + "/t.dbf");
    try {
        t.for_each_text({}, [](std::size_t, std::uint64_t, std::string_view) { return true; });
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Io);
        EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos);
    }
}

TEST(DbfFileTest, NotADbf) {
    const std::string dir = test::temp_dir("dbf_file_bad");
    std::ofstream(dir + "/x.dbf", std::ios::binary) << "short";
    EXPECT_THROW(DbfFile::open(dir + "/x.dbf"), Error);
    EXPECT_THROW(DbfFile::open(dir + "/missing.dbf"), Error);
}

TEST(StrictDecoderTest, RefusesWhatTheEncodingDoesNotMap) {
    StrictDecoder gbk("CP936", "--encoding");
    EXPECT_TRUE(gbk.decodes(kMingCheng));
    EXPECT_TRUE(gbk.decodes("ascii"));
    EXPECT_FALSE(gbk.decodes("\xaa\xa1"));               // user-defined area: not in CP936
    EXPECT_FALSE(gbk.decodes("\x81\x30\x81\x30"));       // a GB18030 four-byte sequence
    EXPECT_FALSE(gbk.decodes(kMingCheng.substr(0, 3)));  // truncated
    StrictDecoder gb("GB18030", "--encoding");
    EXPECT_TRUE(gb.decodes("\xaa\xa1"));
    EXPECT_TRUE(gb.decodes("\x81\x30\x81\x30"));
    StrictDecoder utf8("UTF-8", "--encoding");
    EXPECT_FALSE(utf8.decodes(kMingCheng));
    EXPECT_TRUE(utf8.decodes("名称"));
    // A long value (several output buffers).
    std::string long_text;
    for (int i = 0; i < 2000; ++i) long_text += kMingCheng;
    EXPECT_TRUE(gbk.decodes(long_text));
    EXPECT_FALSE(gbk.decodes(long_text + "\xff"));
}

TEST(StrictDecoderTest, UnknownNameNamesTheOption) {
    EXPECT_TRUE(StrictDecoder::known("GBK"));
    EXPECT_FALSE(StrictDecoder::known("NO-SUCH-ENCODING"));
    try {
        StrictDecoder d("NO-SUCH-ENCODING", "--encoding");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        EXPECT_NE(std::string(e.what()).find("--encoding 'NO-SUCH-ENCODING'"), std::string::npos);
    }
}

}  // namespace
}  // namespace redline
