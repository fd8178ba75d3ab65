#pragma once
// A small, versioned binary encoding for partial results and prepared jobs that travel between
// processes (Dask workers). Little-endian fixed-width integers, IEEE doubles, length-prefixed
// strings. Exact: an Int128 or a double round-trips bit for bit.
// Thread-safety: one writer/reader per thread.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "redline/core/error.hpp"
#include "redline/core/fixed_area.hpp"
#include "redline/core/geometry.hpp"

namespace redline {

class BinaryWriter {
  public:
    template <class T>
    void pod(const T& v) {
        const auto* p = reinterpret_cast<const char*>(&v);
        m_buf.append(p, sizeof(T));
    }
    void u64(std::uint64_t v) { pod(v); }
    void i64(std::int64_t v) { pod(v); }
    void f64(double v) { pod(v); }
    void i128(Int128 v) { pod(v); }
    void str(const std::string& s) {
        u64(s.size());
        m_buf.append(s);
    }
    void multipolygon(const MultiPolygon& mp) {
        u64(mp.polygons.size());
        for (const auto& p : mp.polygons) {
            u64(p.rings.size());
            for (const auto& r : p.rings) {
                u64(r.size());
                for (const auto& pt : r) {
                    f64(pt.x);
                    f64(pt.y);
                }
            }
        }
    }
    const std::string& bytes() const { return m_buf; }
    std::string take() { return std::move(m_buf); }

  private:
    std::string m_buf;
};

class BinaryReader {
  public:
    explicit BinaryReader(const std::string& buf) : m_buf(buf) {}
    template <class T>
    T pod() {
        if (m_pos + sizeof(T) > m_buf.size())
            fail(ErrorKind::InvalidInput,
                 "truncated binary data (a partial result or job was cut short)");
        T v;
        std::memcpy(&v, m_buf.data() + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return v;
    }
    std::uint64_t u64() { return pod<std::uint64_t>(); }
    std::int64_t i64() { return pod<std::int64_t>(); }
    double f64() { return pod<double>(); }
    Int128 i128() { return pod<Int128>(); }
    std::string str() {
        const std::uint64_t n = u64();
        if (n > m_buf.size() - m_pos)
            fail(ErrorKind::InvalidInput, "truncated binary data (string)");
        std::string s = m_buf.substr(m_pos, n);
        m_pos += n;
        return s;
    }
    MultiPolygon multipolygon() {
        MultiPolygon mp;
        mp.polygons.resize(count());
        for (auto& p : mp.polygons) {
            p.rings.resize(count());
            for (auto& r : p.rings) {
                r.resize(count());
                for (auto& pt : r) {
                    pt.x = f64();
                    pt.y = f64();
                }
            }
        }
        return mp;
    }
    // A count bounded by the remaining bytes (guards against corrupt input).
    std::size_t count() {
        const std::uint64_t n = u64();
        if (n > m_buf.size())
            fail(ErrorKind::InvalidInput, "corrupt binary data (count out of range)");
        return static_cast<std::size_t>(n);
    }
    void expect_magic(const std::string& magic) {
        if (str() != magic)
            fail(ErrorKind::InvalidInput,
                 "binary data is not a '" + magic +
                     "' (produced by another redline version or another job)");
    }
    bool done() const { return m_pos == m_buf.size(); }

  private:
    const std::string& m_buf;
    std::size_t m_pos = 0;
};

}  // namespace redline
