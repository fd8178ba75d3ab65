#pragma once
// Byte-level checks of encoded text, for reading attribute tables whose encoding is unknown or
// declared (legacy shapefiles): is this byte string well-formed UTF-8, or GB18030? Pure
// arithmetic on the bytes, no conversion tables.
//
//  - UTF-8 (RFC 3629): shortest forms only, no surrogates (U+D800..U+DFFF), nothing beyond
//    U+10FFFF.
//  - GB18030 (GB 18030-2022, as glibc's iconv decodes it, which GDAL recodes with): one byte
//    0x00..0x7F; two bytes lead 0x81..0xFE, trail 0x40..0x7E or 0x80..0xFE (GBK/CP936 is a
//    subset of these); four bytes 0x81..0xFE 0x30..0x39 0x81..0xFE 0x30..0x39 that map to a code
//    point: linear index 0..39419 (the BMP beyond the two-byte area, first byte 0x81..0x84) or
//    0x90 30 81 30 .. 0xE3 32 9A 35 (U+10000..U+10FFFF),
//    except the 18 sequences 0x82 35 90 37 .. 0x82 35 91 34 and 0x84 31 82 36 .. 0x84 31 83 35
//    (U+9FB4..U+9FBB, U+FE10..U+FE19, which the 2022 edition moved to two-byte codes).
//    0x80 and 0xFF alone, truncated sequences and unmapped four-byte sequences are invalid.
// Thread-safety: pure functions.
#include <string>
#include <string_view>

namespace redline::text {

bool is_ascii(std::string_view bytes);
bool is_valid_utf8(std::string_view bytes);
bool is_valid_gb18030(std::string_view bytes);

// The bytes for a message: printable ASCII as is, every other byte as \xNN (e.g. "\xc3\xfb").
std::string escape_bytes(std::string_view bytes);

}  // namespace redline::text
