#pragma once
// The header and raw text of a dBASE (.dbf) attribute table, as shapefiles carry it, read
// without decoding: the bytes GDAL would recode, for choosing and checking a text encoding.
//
// Layout (dBASE III+, as written by shapelib and every GIS): a 32-byte header (record count at
// bytes 4..7, header length at 8..9, record length at 10..11, all little-endian; the language
// driver id, "LDID", at byte 29: 0 = not declared, 0x4D = CP936/GBK, 0x57 = ANSI, ...), then
// 32-byte field descriptors (name in bytes 0..10, NUL-padded; type at byte 11; width at byte 16,
// for text fields (type 'C') plus 256 x byte 17, as shapelib reads it) ended by 0x0D; then the
// records, each a deletion flag ('*' = deleted) and the fields in order at fixed widths.
// Field i of the table is field i of the OGR layer GDAL makes of it; record r is feature r.
// Thread-safety: immutable after open(); for_each_text() reads the file anew on every call.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace redline {

struct DbfField {
    std::string name_bytes;  // as stored, up to the first NUL (not decoded)
    char type = 'C';         // 'C' text, 'N'/'F' number, 'D' date, 'L' logical, ...
    std::size_t offset = 0;  // in the record, after the deletion flag
    std::size_t width = 0;   // bytes
};

class DbfFile {
  public:
    // Reads the header. Io when the file cannot be read; InvalidInput when it is not a dBASE
    // table (header shorter than its fields, record length smaller than its fields).
    // `path` may be any GDAL virtual path (/vsizip/...).
    static DbfFile open(const std::string& path);

    const std::string& path() const { return m_path; }
    std::uint8_t language_driver() const { return m_ldid; }
    std::uint32_t record_count() const { return m_records; }
    const std::vector<DbfField>& fields() const { return m_fields; }

    // Calls visit(field index, record index, bytes) for the value of every text field ('C') in
    // `fields` (every text field when empty) of every record not marked deleted, in record
    // order, with trailing blanks and NULs removed; stops early when visit returns false.
    // Io when the file is shorter than its header says.
    void for_each_text(
        const std::vector<std::size_t>& fields,
        const std::function<bool(std::size_t, std::uint64_t, std::string_view)>& visit) const;

  private:
    std::string m_path;
    std::uint8_t m_ldid = 0;
    std::uint32_t m_records = 0;
    std::size_t m_header_len = 0;
    std::size_t m_record_len = 0;
    std::vector<DbfField> m_fields;
};

}  // namespace redline
