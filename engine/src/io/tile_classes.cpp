#include "redline/io/tile_classes.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "redline/core/error.hpp"

namespace redline {

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
        constexpr std::uint16_t kUnseen = 0xFFFF;
        std::uint16_t lut[257];
        std::fill(lut, lut + 256, kUnseen);
        lut[256] = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t v = valid[i] ? bytes[i] : 256;
            std::uint16_t slot = lut[v];
            if (slot == kUnseen) [[unlikely]] {
                m_values.push_back(static_cast<std::int32_t>(v));
                slot = lut[v] = static_cast<std::uint16_t>(m_values.size());
            }
            local[i] = slot;
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
