#include "redline/core/sha256.hpp"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define REDLINE_SHA_X86 1
#endif

#include "redline/core/cpu_features.hpp"
#include "redline/core/error.hpp"

namespace redline {
namespace {

constexpr std::uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

// FIPS 180-4 section 6.2.2, one block at a time.
void blocks_portable(std::array<std::uint32_t, 8>& state, const std::uint8_t* p, std::size_t n) {
    for (; n > 0; --n, p += 64) {
        std::uint32_t w[64];
        for (int i = 0; i < 16; ++i)
            w[i] = (std::uint32_t{p[4 * i]} << 24) | (std::uint32_t{p[4 * i + 1]} << 16) |
                   (std::uint32_t{p[4 * i + 2]} << 8) | std::uint32_t{p[4 * i + 3]};
        for (int i = 16; i < 64; ++i) {
            const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3], e = state[4],
                      f = state[5], g = state[6], h = state[7];
        for (int i = 0; i < 64; ++i) {
            const std::uint32_t t1 =
                h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[i] + w[i];
            const std::uint32_t t2 =
                (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}

#ifdef REDLINE_SHA_X86
// The same compression with the SHA extensions (Intel, "Intel SHA Extensions", 2013): the state
// is held as ABEF and CDGH, sha256rnds2 does two rounds, sha256msg1/msg2 the message schedule
// W[i] = s1(W[i-2]) + W[i-7] + s0(W[i-15]) + W[i-16] four words at a time.
__attribute__((target("sha,sse4.1,ssse3"))) void blocks_sha_x86(std::array<std::uint32_t, 8>& h,
                                                                const std::uint8_t* p,
                                                                std::size_t n) {
    const __m128i kSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&h[0]));     // DCBA
    __m128i state1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&h[4]));  // HGFE
    tmp = _mm_shuffle_epi32(tmp, 0xB1);                                         // CDAB
    state1 = _mm_shuffle_epi32(state1, 0x1B);                                   // EFGH
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8);                           // ABEF
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);                                // CDGH
    for (; n > 0; --n, p += 64) {
        const __m128i abef = state0, cdgh = state1;
        __m128i w[4];
#pragma GCC unroll 16
        for (int g = 0; g < 16; ++g) {
            __m128i wg;
            if (g < 4) {
                wg = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * g)),
                                      kSwap);
            } else {
                const __m128i w0 = w[g & 3], w1 = w[(g + 1) & 3], w2 = w[(g + 2) & 3],
                              w3 = w[(g + 3) & 3];
                wg = _mm_sha256msg2_epu32(
                    _mm_add_epi32(_mm_sha256msg1_epu32(w0, w1), _mm_alignr_epi8(w3, w2, 4)), w3);
            }
            w[g & 3] = wg;
            __m128i msg =
                _mm_add_epi32(wg, _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kK[4 * g])));
            state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
            msg = _mm_shuffle_epi32(msg, 0x0E);
            state0 = _mm_sha256rnds2_epu32(state0, state1, msg);
        }
        state0 = _mm_add_epi32(state0, abef);
        state1 = _mm_add_epi32(state1, cdgh);
    }
    tmp = _mm_shuffle_epi32(state0, 0x1B);        // FEBA
    state1 = _mm_shuffle_epi32(state1, 0xB1);     // DCHG
    state0 = _mm_blend_epi16(tmp, state1, 0xF0);  // DCBA
    state1 = _mm_alignr_epi8(state1, tmp, 8);     // HGFE
    _mm_storeu_si128(reinterpret_cast<__m128i*>(&h[0]), state0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(&h[4]), state1);
}

#endif

}  // namespace

Sha256::Sha256(Engine engine)
    : m_h{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
          0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19} {
#ifdef REDLINE_SHA_X86
    m_hardware = engine == Engine::Best && CpuFeatures::host().sha;
#else
    (void)engine;
#endif
}

void Sha256::blocks(const std::uint8_t* p, std::size_t n) {
#ifdef REDLINE_SHA_X86
    if (m_hardware) return blocks_sha_x86(m_h, p, n);
#endif
    blocks_portable(m_h, p, n);
}

void Sha256::update(const void* data, std::size_t size) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    m_total += size;
    while (size > 0) {
        if (m_len == 0 && size >= 64) {  // whole blocks straight from the input
            const std::size_t n = size / 64;
            blocks(p, n);
            p += 64 * n;
            size -= 64 * n;
            continue;
        }
        const std::size_t take = std::min(size, 64 - m_len);
        std::memcpy(m_buf.data() + m_len, p, take);
        m_len += take;
        p += take;
        size -= take;
        if (m_len == 64) {
            blocks(m_buf.data(), 1);
            m_len = 0;
        }
    }
}

std::string Sha256::hex_digest() {
    const std::uint64_t bits = m_total * 8;
    const std::uint8_t one = 0x80, zero = 0;
    update(&one, 1);
    while (m_len != 56) update(&zero, 1);
    std::uint8_t len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
    update(len, 8);
    std::string out;
    for (auto v : m_h) out += fmt::format("{:08x}", v);
    return out;
}

std::string sha256_hex(const std::string& data) {
    Sha256 s;
    s.update(data.data(), data.size());
    return s.hex_digest();
}

std::string sha256_file_hex(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(ErrorKind::Io, fmt::format("cannot read '{}' to compute its digest", path));
    Sha256 s;
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        if (in.gcount() > 0) s.update(buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    return s.hex_digest();
}

}  // namespace redline
