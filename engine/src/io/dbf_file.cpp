#include "redline/io/dbf_file.hpp"

#include <cpl_vsi.h>
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "redline/core/error.hpp"

namespace redline {
namespace {

struct VsiCloser {
    void operator()(VSILFILE* f) const { VSIFCloseL(f); }
};
using VsiPtr = std::unique_ptr<VSILFILE, VsiCloser>;

VsiPtr open_file(const std::string& path) {
    VsiPtr f(VSIFOpenL(path.c_str(), "rb"));
    if (!f) fail(ErrorKind::Io, fmt::format("cannot open the attribute table '{}'", path));
    return f;
}

std::uint32_t le(const unsigned char* p, int bytes) {
    std::uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

}  // namespace

DbfFile DbfFile::open(const std::string& path) {
    DbfFile d;
    d.m_path = path;
    VsiPtr f = open_file(path);
    unsigned char head[32];
    if (VSIFReadL(head, 1, 32, f.get()) != 32)
        fail(ErrorKind::InvalidInput,
             fmt::format("'{}' is not a dBASE table: shorter than its 32-byte header", path));
    d.m_records = le(head + 4, 4);
    d.m_header_len = le(head + 8, 2);
    d.m_record_len = le(head + 10, 2);
    d.m_ldid = head[29];
    if (d.m_header_len < 33)
        fail(ErrorKind::InvalidInput,
             fmt::format("'{}' is not a dBASE table: header length {}", path, d.m_header_len));
    std::string rest(d.m_header_len - 32, '\0');
    if (VSIFReadL(rest.data(), 1, rest.size(), f.get()) != rest.size())
        fail(ErrorKind::InvalidInput,
             fmt::format("'{}' is not a dBASE table: shorter than its {}-byte header", path,
                         d.m_header_len));
    std::size_t offset = 1;  // the deletion flag
    for (std::size_t p = 0; p + 32 <= rest.size() && rest[p] != '\x0d'; p += 32) {
        const auto* fd = reinterpret_cast<const unsigned char*>(rest.data() + p);
        DbfField field;
        const auto* name = reinterpret_cast<const char*>(fd);
        field.name_bytes.assign(name, std::find(name, name + 11, '\0'));
        field.type = static_cast<char>(fd[11]);
        field.width = fd[16];
        if (field.type == 'C') field.width += static_cast<std::size_t>(fd[17]) * 256;
        field.offset = offset;
        offset += field.width;
        d.m_fields.push_back(std::move(field));
    }
    if (offset > d.m_record_len)
        fail(ErrorKind::InvalidInput,
             fmt::format("'{}' is not a dBASE table: its fields take {} bytes, its records {}",
                         path, offset, d.m_record_len));
    return d;
}

void DbfFile::for_each_text(
    const std::vector<std::size_t>& fields,
    const std::function<bool(std::size_t, std::uint64_t, std::string_view)>& visit) const {
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < m_fields.size(); ++i)
        if (m_fields[i].type == 'C' &&
            (fields.empty() || std::find(fields.begin(), fields.end(), i) != fields.end()))
            which.push_back(i);
    if (which.empty() || m_records == 0) return;
    VsiPtr f = open_file(m_path);
    if (VSIFSeekL(f.get(), m_header_len, SEEK_SET) != 0)
        fail(ErrorKind::Io, fmt::format("cannot read the records of '{}'", m_path));
    // Records in chunks of about 1 MiB.
    const std::size_t per_chunk = std::max<std::size_t>(1, (1u << 20) / m_record_len);
    std::string buf(per_chunk * m_record_len, '\0');
    std::uint64_t record = 0;
    while (record < m_records) {
        const std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>(per_chunk, m_records - record));
        const std::size_t got = VSIFReadL(buf.data(), m_record_len, want, f.get());
        if (got != want)
            fail(ErrorKind::Io,
                 fmt::format("cannot read the attribute table '{}': it holds {} of its {} "
                             "records; the file is truncated",
                             m_path, record + got, m_records));
        for (std::size_t r = 0; r < got; ++r, ++record) {
            const char* rec = buf.data() + r * m_record_len;
            if (rec[0] == '*') continue;  // deleted
            for (std::size_t i : which) {
                std::string_view v(rec + m_fields[i].offset, m_fields[i].width);
                while (!v.empty() && (v.back() == ' ' || v.back() == '\0')) v.remove_suffix(1);
                if (!visit(i, record, v)) return;
            }
        }
    }
}

}  // namespace redline
