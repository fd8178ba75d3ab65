#include "redline/io/tile_classes.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "redline/core/cpu_features.hpp"
#include "redline/core/error.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define REDLINE_TILE_VBMI 1
#endif

namespace redline {
namespace {

constexpr std::uint8_t kUnseen8 = 0xFF;  // in the byte table: not met yet (or not representable)

#ifdef REDLINE_TILE_VBMI
// GCC 12 warns about the undefined upper half inside _mm512_extracti64x4_epi64 (a false alarm).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// Maps cells [i, n) 64 at a time through the 256-entry byte table `lut8` (invalid cells -> 0)
// and widens to 16 bits; stops at the first group of 64 holding a value not met yet (or fewer
// than 64 cells left) and returns where it stopped.
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) std::size_t map_known_vbmi(
    const std::uint8_t* bytes, const std::uint8_t* valid, std::uint16_t* local, std::size_t i,
    std::size_t n, const std::uint8_t* lut8) {
    const __m512i t0 = _mm512_loadu_si512(lut8), t1 = _mm512_loadu_si512(lut8 + 64),
                  t2 = _mm512_loadu_si512(lut8 + 128), t3 = _mm512_loadu_si512(lut8 + 192);
    const __m512i unseen = _mm512_set1_epi8(static_cast<char>(kUnseen8));
    for (; i + 64 <= n; i += 64) {
        const __m512i v = _mm512_loadu_si512(bytes + i);
        const __m512i ok = _mm512_loadu_si512(valid + i);
        // Bits 0-6 pick one of 128 entries of (t0, t1) or (t2, t3); bit 7 picks the pair.
        const __m512i lo = _mm512_permutex2var_epi8(t0, v, t1);
        const __m512i hi = _mm512_permutex2var_epi8(t2, v, t3);
        __m512i slot = _mm512_mask_blend_epi8(_mm512_movepi8_mask(v), lo, hi);
        slot = _mm512_maskz_mov_epi8(_mm512_test_epi8_mask(ok, ok), slot);
        if (_mm512_cmpeq_epi8_mask(slot, unseen)) return i;
        _mm512_storeu_si512(local + i, _mm512_cvtepu8_epi16(_mm512_castsi512_si256(slot)));
        _mm512_storeu_si512(local + i + 32,
                            _mm512_cvtepu8_epi16(_mm512_extracti64x4_epi64(slot, 1)));
    }
    return i;
}
#pragma GCC diagnostic pop

#endif

}  // namespace

TileClasses::TileClasses(bool vector_units) {
#ifdef REDLINE_TILE_VBMI
    m_simd = vector_units && CpuFeatures::host().avx512_vbmi;
#else
    (void)vector_units;
#endif
}

void TileClasses::load(RasterReader& reader, const Window& tile) {
    const auto n = static_cast<std::size_t>(tile.cells());
    m_cols = tile.cols;
    // Sizes only grow: a resize to the same size writes nothing (no per-tile clearing).
    if (m_valid.size() < n) m_valid.resize(n);
    if (m_local.size() < n) m_local.resize(n);
    m_values.clear();
    m_large.clear();
    std::fill(std::begin(m_small), std::end(m_small), std::uint16_t{0});
    // Byte rasters: map through a 257-entry table without widening to int32.
    if (m_bytes.size() < n) m_bytes.resize(n);
    if (reader.read_u8(tile, m_bytes.data(), m_valid.data())) {
        const std::uint8_t* bytes = m_bytes.data();
        const std::uint8_t* valid = m_valid.data();
        std::uint16_t* local = m_local.data();
        // A table on the stack (no aliasing with `local`); slot 256 stands for an invalid cell.
        // lut8 holds the same slots as bytes for the vector path while they stay below 255.
        constexpr std::uint16_t kUnseen = 0xFFFF;
        std::uint16_t lut[257];
        alignas(64) std::uint8_t lut8[256];
        std::fill(lut, lut + 256, kUnseen);
        std::fill(lut8, lut8 + 256, kUnseen8);
        lut[256] = 0;
        bool simd = m_simd;
        std::size_t i = 0;
        while (i < n) {
#ifdef REDLINE_TILE_VBMI
            if (simd) i = map_known_vbmi(bytes, valid, local, i, n, lut8);
#endif
            // Scalar: the group of 64 where a new value appears (or the tail), or everything.
            const std::size_t end = simd ? std::min(n, i + 64) : n;
            for (; i < end; ++i) {
                const std::size_t v = valid[i] ? bytes[i] : 256;
                std::uint16_t slot = lut[v];
                if (slot == kUnseen) [[unlikely]] {
                    m_values.push_back(static_cast<std::int32_t>(v));
                    slot = lut[v] = static_cast<std::uint16_t>(m_values.size());
                    if (slot < kUnseen8)
                        lut8[v] = static_cast<std::uint8_t>(slot);
                    else
                        simd = false;  // 255 or more values: not representable in lut8
                }
                local[i] = slot;
            }
        }
        return;
    }
    if (m_raw.size() < n) m_raw.resize(n);
    reader.read(tile, m_raw.data(), m_valid.data());
    for (std::size_t i = 0; i < n; ++i) {
        if (!m_valid[i]) {
            m_local[i] = 0;
            continue;
        }
        const std::int32_t v = m_raw[i];
        std::uint16_t* slot;
        if (v >= 0 && v < 256) {
            slot = &m_small[v];
        } else {
            slot = &m_large[v];
        }
        if (*slot == 0) {
            if (m_values.size() >= 65535)
                fail(ErrorKind::Unsupported,
                     fmt::format(
                         "a tile at row {}, column {} holds more than 65535 distinct values: "
                         "this does not look like a class (land-use) raster",
                         tile.row0, tile.col0));
            m_values.push_back(v);
            *slot = static_cast<std::uint16_t>(m_values.size());
        }
        m_local[i] = *slot;
    }
}

}  // namespace redline
