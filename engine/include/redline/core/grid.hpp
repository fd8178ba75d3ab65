#pragma once
// A north-up (or south-up) raster grid: origin, cell size and dimensions, plus windows of cells.
// Cell coordinates are continuous: col = (x - x0) / dx, row = (y - y0) / dy, so cell (c, r)
// spans [c, c+1) x [r, r+1). Rotated geotransforms are rejected by io/ before a Grid is built.
// Thread-safety: immutable value.
#include <algorithm>
#include <cstdint>
#include <string>

#include "redline/core/geometry.hpp"

namespace redline {

// A rectangle of whole cells: columns [col0, col0 + cols), rows [row0, row0 + rows).
struct Window {
    std::int64_t col0 = 0;
    std::int64_t row0 = 0;
    std::int64_t cols = 0;
    std::int64_t rows = 0;

    bool empty() const { return cols <= 0 || rows <= 0; }
    std::int64_t cells() const { return empty() ? 0 : cols * rows; }
    std::int64_t col_end() const { return col0 + cols; }
    std::int64_t row_end() const { return row0 + rows; }
    Window intersect(const Window& o) const {
        Window w;
        w.col0 = std::max(col0, o.col0);
        w.row0 = std::max(row0, o.row0);
        w.cols = std::max<std::int64_t>(0, std::min(col_end(), o.col_end()) - w.col0);
        w.rows = std::max<std::int64_t>(0, std::min(row_end(), o.row_end()) - w.row0);
        return w;
    }
    bool operator==(const Window&) const = default;
};

class Grid {
  public:
    Grid() = default;
    // GDAL geotransform order without rotation: x of the left edge, cell width (> 0), y of the
    // top edge, cell height (usually < 0), and the number of columns and rows.
    Grid(double x0, double dx, double y0, double dy, std::int64_t cols, std::int64_t rows);

    double x0() const { return m_x0; }
    double y0() const { return m_y0; }
    double dx() const { return m_dx; }
    double dy() const { return m_dy; }
    std::int64_t cols() const { return m_cols; }
    std::int64_t rows() const { return m_rows; }
    std::int64_t cells() const { return m_cols * m_rows; }
    Window full() const { return Window{0, 0, m_cols, m_rows}; }

    double col_of(double x) const { return (x - m_x0) / m_dx; }
    double row_of(double y) const { return (y - m_y0) / m_dy; }
    double x_of(double col) const { return m_x0 + col * m_dx; }
    double y_of(double row) const { return m_y0 + row * m_dy; }
    // Extent in CRS units.
    Box extent() const;
    bool same_as(const Grid& o) const;
    std::string describe() const;  // "3840 x 1920 cells of 0.000208333 x 0.000208333 from (x0, y0)"

  private:
    double m_x0 = 0, m_dx = 1, m_y0 = 0, m_dy = -1;
    std::int64_t m_cols = 0, m_rows = 0;
};

}  // namespace redline
