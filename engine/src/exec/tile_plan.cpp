#include "redline/exec/tile_plan.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"

namespace redline {

TilePlan::TilePlan(const Grid& grid, std::int64_t tile_cols, std::int64_t tile_rows)
    : m_grid(grid), m_tc(std::min(tile_cols, grid.cols())), m_tr(std::min(tile_rows, grid.rows())) {
    if (tile_cols <= 0 || tile_rows <= 0)
        fail(ErrorKind::InvalidInput,
             fmt::format("tile size {} x {} is not positive", tile_cols, tile_rows));
    m_nx = (grid.cols() + m_tc - 1) / m_tc;
    m_ny = (grid.rows() + m_tr - 1) / m_tr;
}

TilePlan TilePlan::for_blocks(const Grid& grid, std::int64_t tile_size, std::int64_t block_cols,
                              std::int64_t block_rows) {
    if (tile_size <= 0)
        fail(ErrorKind::InvalidInput,
             fmt::format(
                 REDLINE_OPTION_VALUE("tile_size", "{}") " is not a positive number of cells",
                 tile_size));
    block_cols = std::clamp<std::int64_t>(block_cols, 1, grid.cols());
    block_rows = std::clamp<std::int64_t>(block_rows, 1, grid.rows());
    // Blocks far larger than a tile (a raster stored as one strip): do not align to them -- a tile
    // would be the whole block. Tiles are then bands read through GDAL's cache.
    if (block_cols * block_rows > 4 * tile_size * tile_size) {
        block_rows = 1;
        if (block_cols < grid.cols()) block_cols = 1;
    }
    auto round_up = [](std::int64_t v, std::int64_t b) { return ((v + b - 1) / b) * b; };
    std::int64_t tc = round_up(tile_size, block_cols);
    std::int64_t tr = round_up(tile_size, block_rows);
    if (block_cols >= grid.cols()) {
        // Strips: full-width tiles holding about tile_size^2 cells.
        tc = grid.cols();
        tr = round_up(std::max<std::int64_t>(1, tile_size * tile_size / grid.cols()), block_rows);
    }
    return TilePlan(grid, tc, tr);
}

Window TilePlan::tile(std::size_t index) const {
    const auto i = static_cast<std::int64_t>(index);
    const std::int64_t tx = i % m_nx, ty = i / m_nx;
    Window w{tx * m_tc, ty * m_tr, m_tc, m_tr};
    return w.intersect(m_grid.full());
}

void TilePlan::tile_range(const Window& w, std::int64_t& tx0, std::int64_t& tx1, std::int64_t& ty0,
                          std::int64_t& ty1) const {
    if (w.empty()) {
        tx0 = tx1 = ty0 = ty1 = 0;
        return;
    }
    tx0 = w.col0 / m_tc;
    tx1 = (w.col_end() - 1) / m_tc + 1;
    ty0 = w.row0 / m_tr;
    ty1 = (w.row_end() - 1) / m_tr + 1;
}

}  // namespace redline
