#include "redline/core/text_encoding.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace redline::text {
namespace {

using Byte = std::uint8_t;

Byte at(std::string_view s, std::size_t i) { return static_cast<Byte>(s[i]); }

bool in(Byte b, Byte lo, Byte hi) { return b >= lo && b <= hi; }

}  // namespace

bool is_ascii(std::string_view bytes) {
    for (char c : bytes)
        if (static_cast<Byte>(c) >= 0x80) return false;
    return true;
}

bool is_valid_utf8(std::string_view s) {
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const Byte b = at(s, i);
        if (b < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        Byte lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (in(b, 0xC2, 0xDF)) {
            len = 2;
        } else if (in(b, 0xE0, 0xEF)) {
            len = 3;
            if (b == 0xE0) lo = 0xA0;  // no overlong forms
            if (b == 0xED) hi = 0x9F;  // no surrogates
        } else if (in(b, 0xF0, 0xF4)) {
            len = 4;
            if (b == 0xF0) lo = 0x90;  // no overlong forms
            if (b == 0xF4) hi = 0x8F;  // nothing beyond U+10FFFF
        } else {
            return false;  // continuation byte first, C0/C1 (overlong) or F5..FF
        }
        if (n - i < len) return false;
        if (!in(at(s, i + 1), lo, hi)) return false;
        for (std::size_t k = 2; k < len; ++k)
            if (!in(at(s, i + k), 0x80, 0xBF)) return false;
        i += len;
    }
    return true;
}

bool is_valid_gb18030(std::string_view s) {
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const Byte b1 = at(s, i);
        if (b1 < 0x80) {
            ++i;
            continue;
        }
        if (!in(b1, 0x81, 0xFE) || i + 1 >= n) return false;
        const Byte b2 = at(s, i + 1);
        if (in(b2, 0x40, 0x7E) || in(b2, 0x80, 0xFE)) {
            i += 2;
            continue;
        }
        if (!in(b2, 0x30, 0x39) || i + 3 >= n) return false;
        const Byte b3 = at(s, i + 2), b4 = at(s, i + 3);
        if (!in(b3, 0x81, 0xFE) || !in(b4, 0x30, 0x39)) return false;
        // Linear index of a four-byte sequence: 10 x 126 x 10 values per first byte.
        const long linear =
            ((static_cast<long>(b1 - 0x81) * 10 + (b2 - 0x30)) * 126 + (b3 - 0x81)) * 10 +
            (b4 - 0x30);
        constexpr long kBmpLast = 39419;  // 0x84 31 A4 39 = U+FFFF
        constexpr long kSupplementaryFirst = static_cast<long>(0x90 - 0x81) * 12600;  // 90 30 81 30
        constexpr long kSupplementaryCount = 0x10FFFF - 0x10000 + 1;
        const bool bmp = linear <= kBmpLast;
        const bool supplementary =
            linear >= kSupplementaryFirst && linear < kSupplementaryFirst + kSupplementaryCount;
        if (!bmp && !supplementary) return false;
        // GB 18030-2022 gave U+9FB4..U+9FBB and U+FE10..U+FE19 two-byte codes; their four-byte
        // sequences are unmapped since (as in glibc's converter, which GDAL uses).
        if ((linear >= 19057 && linear <= 19064) || (linear >= 39076 && linear <= 39085))
            return false;
        i += 4;
    }
    return true;
}

std::string escape_bytes(std::string_view bytes) {
    std::string out;
    for (char c : bytes) {
        const Byte b = static_cast<Byte>(c);
        if (b >= 0x20 && b < 0x7F && b != '\\')
            out += c;
        else
            out += fmt::format("\\x{:02x}", b);
    }
    return out;
}

}  // namespace redline::text
