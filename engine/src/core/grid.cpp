#include "redline/core/grid.hpp"

#include <fmt/format.h>

#include <cmath>

#include "redline/core/error.hpp"

namespace redline {

Grid::Grid(double x0, double dx, double y0, double dy, std::int64_t cols, std::int64_t rows)
    : m_x0(x0), m_dx(dx), m_y0(y0), m_dy(dy), m_cols(cols), m_rows(rows) {
    if (!(std::isfinite(x0) && std::isfinite(y0) && std::isfinite(dx) && std::isfinite(dy)) ||
        dx <= 0 || dy == 0)
        fail(ErrorKind::InvalidInput,
             fmt::format("invalid grid: origin ({}, {}), cell size ({}, {}); expected a finite "
                         "origin, a positive cell width and a non-zero cell height",
                         x0, y0, dx, dy));
    if (cols <= 0 || rows <= 0)
        fail(ErrorKind::InvalidInput,
             fmt::format("invalid grid: {} x {} cells; a raster needs at least one cell", cols,
                         rows));
}

Box Grid::extent() const {
    Box b;
    b.expand(Point{m_x0, m_y0});
    b.expand(Point{x_of(static_cast<double>(m_cols)), y_of(static_cast<double>(m_rows))});
    return b;
}

bool Grid::same_as(const Grid& o) const {
    return m_x0 == o.m_x0 && m_dx == o.m_dx && m_y0 == o.m_y0 && m_dy == o.m_dy &&
           m_cols == o.m_cols && m_rows == o.m_rows;
}

std::string Grid::describe() const {
    return fmt::format("{} x {} cells of {} x {} from ({}, {})", m_cols, m_rows, m_dx,
                       std::fabs(m_dy), m_x0, m_y0);
}

}  // namespace redline
