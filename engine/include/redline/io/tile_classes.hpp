#pragma once
// The class values of one tile, decoded once and mapped to dense local indices (0 = nodata or
// masked, 1..count() = the distinct values in order of first appearance), so that per-zone
// tallies are small arrays. Values 0..255 use a direct table; others a hash map. Byte tiles are
// mapped 64 cells at a time with AVX-512 VBMI byte permutes where the processor has them (once
// every value of the tile has been met; first appearances go through the scalar loop, so the
// indices are the same either way).
// Thread-safety: one per worker thread.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "redline/core/grid.hpp"
#include "redline/io/raster_source.hpp"

namespace redline {

class TileClasses {
  public:
    // `vector_units` false: never the AVX-512 path (for tests comparing the two). DEFAULT true.
    explicit TileClasses(bool vector_units = true);
    // Whether byte tiles are mapped with AVX-512 VBMI.
    bool vectorized() const { return m_simd; }
    // Reads the tile with `reader` and maps its values. Throws Unsupported when a tile holds
    // more than 65535 distinct values (not a class raster).
    void load(RasterReader& reader, const Window& tile);
    std::size_t count() const { return m_values.size(); }
    // Raster value of local index k >= 1.
    std::int32_t value(std::size_t k) const { return m_values[k - 1]; }
    // Local indices of a row of the tile (row relative to the tile).
    const std::uint16_t* row(std::int64_t r) const {
        return m_local.data() + static_cast<std::size_t>(r * m_cols);
    }

  private:
    bool m_simd = false;
    std::int64_t m_cols = 0;
    std::vector<std::int32_t> m_raw;
    std::vector<std::uint8_t> m_bytes;
    std::vector<std::uint8_t> m_valid;
    std::vector<std::uint16_t> m_local;
    std::vector<std::int32_t> m_values;
    std::uint16_t m_small[256];
    std::unordered_map<std::int32_t, std::uint16_t> m_large;
};

}  // namespace redline
