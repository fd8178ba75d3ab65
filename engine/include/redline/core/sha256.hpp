#pragma once
// SHA-256 (FIPS 180-4) for input and output digests in report manifests.
// Thread-safety: one Sha256 object per thread; the free functions are reentrant.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace redline {

class Sha256 {
  public:
    Sha256();
    void update(const void* data, std::size_t size);
    // 64 lowercase hex digits; the object is spent afterwards.
    std::string hex_digest();

  private:
    void block(const std::uint8_t* p);
    std::array<std::uint32_t, 8> m_h;
    std::array<std::uint8_t, 64> m_buf{};
    std::size_t m_len = 0;
    std::uint64_t m_total = 0;
};

std::string sha256_hex(const std::string& data);
// Throws Error(Io) when the file cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace redline
