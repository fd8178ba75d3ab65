// Byte-structure validators against hand-computed sequences and against glibc's iconv as an
// independent decoder (exhaustive over two-byte sequences, sweeps over three- and four-byte ones).
#include "redline/core/text_encoding.hpp"

#include <gtest/gtest.h>
#include <iconv.h>

#include <string>

namespace redline {
namespace {

// True when iconv converts `bytes` from `from` to UTF-32 without an error.
class IconvOracle {
  public:
    explicit IconvOracle(const char* from) : m_cd(iconv_open("UTF-32LE", from)) {
        EXPECT_NE(m_cd, reinterpret_cast<iconv_t>(-1));
    }
    ~IconvOracle() { iconv_close(m_cd); }
    bool decodes(std::string bytes) {
        iconv(m_cd, nullptr, nullptr, nullptr, nullptr);
        char* in = bytes.data();
        std::size_t in_left = bytes.size();
        char out[64];
        char* o = out;
        std::size_t out_left = sizeof out;
        if (iconv(m_cd, &in, &in_left, &o, &out_left) == static_cast<std::size_t>(-1)) return false;
        return in_left == 0;
    }

  private:
    iconv_t m_cd;
};

std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int x : b) s += static_cast<char>(x);
    return s;
}

TEST(TextEncodingTest, HandComputedUtf8) {
    EXPECT_TRUE(text::is_valid_utf8(""));
    EXPECT_TRUE(text::is_valid_utf8("code"));
    EXPECT_TRUE(text::is_valid_utf8("名称"));                            // E5 90 8D E7 A7 B0
    EXPECT_TRUE(text::is_valid_utf8(bytes({0xF0, 0x9F, 0x98, 0x80})));   // U+1F600
    EXPECT_TRUE(text::is_valid_utf8(bytes({0xF4, 0x8F, 0xBF, 0xBF})));   // U+10FFFF
    EXPECT_FALSE(text::is_valid_utf8(bytes({0xC3, 0xFB, 0xB3, 0xC6})));  // 名称 in GBK
    EXPECT_FALSE(text::is_valid_utf8(bytes({0xC0, 0xAF})));              // overlong '/'
    EXPECT_FALSE(text::is_valid_utf8(bytes({0xE0, 0x80, 0xAF})));        // overlong
    EXPECT_FALSE(text::is_valid_utf8(bytes({0xED, 0xA0, 0x80})));        // surrogate D800
    EXPECT_FALSE(text::is_valid_utf8(bytes({0xF4, 0x90, 0x80, 0x80})));  // U+110000
    EXPECT_FALSE(text::is_valid_utf8(bytes({0xE5, 0x90})));              // truncated
    EXPECT_FALSE(text::is_valid_utf8(bytes({0x80})));                    // lone continuation
}

TEST(TextEncodingTest, HandComputedGb18030) {
    EXPECT_TRUE(text::is_valid_gb18030("ascii only"));
    EXPECT_TRUE(text::is_valid_gb18030(bytes({0xC3, 0xFB, 0xB3, 0xC6})));   // 名称
    EXPECT_TRUE(text::is_valid_gb18030(bytes({0xC9, 0xFA, 0xCC, 0xAC})));   // 生态
    EXPECT_TRUE(text::is_valid_gb18030(bytes({0x81, 0x30, 0x81, 0x30})));   // U+0080
    EXPECT_TRUE(text::is_valid_gb18030(bytes({0x84, 0x31, 0xA4, 0x39})));   // U+FFFF, index 39419
    EXPECT_FALSE(text::is_valid_gb18030(bytes({0x84, 0x31, 0xA5, 0x30})));  // index 39420
    EXPECT_TRUE(text::is_valid_gb18030(bytes({0x90, 0x30, 0x81, 0x30})));   // U+10000
    EXPECT_TRUE(text::is_valid_gb18030(bytes({0xE3, 0x32, 0x9A, 0x35})));   // U+10FFFF
    EXPECT_FALSE(text::is_valid_gb18030(bytes({0xE3, 0x32, 0x9A, 0x36})));  // beyond U+10FFFF
    EXPECT_FALSE(text::is_valid_gb18030(bytes({0x80})));
    EXPECT_FALSE(text::is_valid_gb18030(bytes({0xFF})));
    EXPECT_FALSE(text::is_valid_gb18030(bytes({0xC3})));              // truncated
    EXPECT_FALSE(text::is_valid_gb18030(bytes({0xA1, 0x7F})));        // 0x7F is no trail
    EXPECT_FALSE(text::is_valid_gb18030(bytes({0x81, 0x30, 0x81})));  // truncated four-byte
    // UTF-8 text may happen to be valid GB18030 too (E5 90 | 8D E7 | A7 B0), which is why UTF-8
    // is tried first; one character alone (E5 90 | 8D) is not.
    EXPECT_TRUE(text::is_valid_gb18030("名称"));
    EXPECT_FALSE(text::is_valid_gb18030("名"));  // E5 90 8D: the last lead byte has no trail
}

TEST(TextEncodingTest, Gb18030AgreesWithIconvOnEveryTwoByteSequence) {
    IconvOracle gb("GB18030");
    for (int b1 = 0x80; b1 <= 0xFF; ++b1)
        for (int b2 = 0; b2 <= 0xFF; ++b2) {
            const std::string s = bytes({b1, b2});
            ASSERT_EQ(text::is_valid_gb18030(s), gb.decodes(s)) << std::hex << b1 << " " << b2;
        }
}

TEST(TextEncodingTest, Gb18030AgreesWithIconvOnFourByteSequences) {
    IconvOracle gb("GB18030");
    // First bytes at and around the boundaries of the BMP and supplementary ranges.
    EXPECT_FALSE(text::is_valid_gb18030(bytes({0x82, 0x35, 0x90, 0x37})));  // U+9FB4 (2022)
    EXPECT_TRUE(text::is_valid_gb18030(bytes({0x82, 0x35, 0x90, 0x36})));   // U+9FB3
    for (int b1 : {0x81, 0x82, 0x84, 0x85, 0x8F, 0x90, 0xE3, 0xE4, 0xFE})
        for (int b2 = 0x30; b2 <= 0x39; ++b2)
            for (int b3 = 0x81; b3 <= 0xFE; ++b3)
                for (int b4 = 0x30; b4 <= 0x39; ++b4) {
                    const std::string s = bytes({b1, b2, b3, b4});
                    ASSERT_EQ(text::is_valid_gb18030(s), gb.decodes(s))
                        << std::hex << b1 << " " << b2 << " " << b3 << " " << b4;
                }
}

TEST(TextEncodingTest, Utf8AgreesWithIconv) {
    IconvOracle utf8("UTF-8");
    for (int b1 = 0x80; b1 <= 0xFF; ++b1)
        for (int b2 = 0; b2 <= 0xFF; ++b2) {
            const std::string s = bytes({b1, b2});
            ASSERT_EQ(text::is_valid_utf8(s), utf8.decodes(s)) << std::hex << b1 << " " << b2;
        }
    for (int b1 = 0xE0; b1 <= 0xF4; ++b1)
        for (int b2 = 0x70; b2 <= 0xC0; ++b2)
            for (int b3 : {0x7F, 0x80, 0xBF, 0xC0}) {
                const std::string s3 = bytes({b1, b2, b3});
                ASSERT_EQ(text::is_valid_utf8(s3), utf8.decodes(s3))
                    << std::hex << b1 << " " << b2 << " " << b3;
                const std::string s4 = bytes({b1, b2, b3, 0x80});
                ASSERT_EQ(text::is_valid_utf8(s4), utf8.decodes(s4))
                    << std::hex << b1 << " " << b2 << " " << b3 << " 80";
            }
}

TEST(TextEncodingTest, EscapeBytes) {
    EXPECT_EQ(text::escape_bytes(bytes({'a', 0xC3, 0xFB, ' ', '\\'})), "a\\xc3\\xfb \\x5c");
    EXPECT_TRUE(text::is_ascii("abc"));
    EXPECT_FALSE(text::is_ascii("名"));
}

}  // namespace
}  // namespace redline
