#pragma once
// The partition of a grid into tiles, row-major. A tile is the unit of parallel work: its
// cells are decoded once and every zone touching it is rasterized over it.
//
// Tiles are aligned to the raster's storage blocks so that no block is decoded twice: the tile
// width and height are rounded up to whole blocks, and a raster stored in full-width strips
// gets full-width tiles. Results do not depend on the tile plan (coverage and sums are exact),
// so the plan may adapt freely to the storage layout.
// Thread-safety: immutable value.
#include <cstdint>
#include <vector>

#include "redline/core/grid.hpp"

namespace redline {

class TilePlan {
  public:
    TilePlan() = default;
    // Tiles of tile_cols x tile_rows cells (the last row/column of tiles may be smaller).
    TilePlan(const Grid& grid, std::int64_t tile_cols, std::int64_t tile_rows);
    // A plan of about `tile_size` x `tile_size` cells (DEFAULT 1024) rounded up to whole
    // blocks of block_cols x block_rows (full-width bands for strips; not rounded when a block is
    // more than 4 tiles, e.g. a raster stored as one strip).
    static TilePlan for_blocks(const Grid& grid, std::int64_t tile_size, std::int64_t block_cols,
                               std::int64_t block_rows);

    std::size_t size() const { return static_cast<std::size_t>(m_nx * m_ny); }
    std::int64_t tiles_x() const { return m_nx; }
    std::int64_t tiles_y() const { return m_ny; }
    std::int64_t tile_cols() const { return m_tc; }
    std::int64_t tile_rows() const { return m_tr; }
    Window tile(std::size_t index) const;
    // Indices of the tiles (tx, ty ranges, inclusive-exclusive) that a window touches.
    void tile_range(const Window& w, std::int64_t& tx0, std::int64_t& tx1, std::int64_t& ty0,
                    std::int64_t& ty1) const;

  private:
    Grid m_grid;
    std::int64_t m_tc = 0, m_tr = 0, m_nx = 0, m_ny = 0;
};

}  // namespace redline
