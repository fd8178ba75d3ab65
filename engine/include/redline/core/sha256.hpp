#pragma once
// SHA-256 (FIPS 180-4) for input and output digests in report manifests. Blocks are compressed
// with the x86 SHA extensions where the processor has them (about 4x the portable code, which
// matters for multi-GB national inputs), else by portable code; both give the same digest.
// Thread-safety: one Sha256 object per thread; the free functions are reentrant.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace redline {

class Sha256 {
  public:
    // Best: the SHA extensions when available. Portable: never (for tests comparing the two).
    enum class Engine { Best, Portable };
    explicit Sha256(Engine engine = Engine::Best);
    void update(const void* data, std::size_t size);
    // 64 lowercase hex digits; the object is spent afterwards.
    std::string hex_digest();
    // Whether this object compresses with the SHA extensions.
    bool hardware() const { return m_hardware; }

  private:
    void blocks(const std::uint8_t* p, std::size_t n);  // n 64-byte blocks
    bool m_hardware = false;
    std::array<std::uint32_t, 8> m_h;
    std::array<std::uint8_t, 64> m_buf{};
    std::size_t m_len = 0;
    std::uint64_t m_total = 0;
};

std::string sha256_hex(const std::string& data);
// Throws Error(Io) when the file cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace redline
