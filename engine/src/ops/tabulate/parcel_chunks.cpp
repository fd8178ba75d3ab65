#include "redline/ops/tabulate/parcel_chunks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

namespace redline {

std::size_t default_chunk_parcels() {
    if (const char* env = std::getenv("REDLINE_TABULATE_CHUNK_PARCELS")) {
        char* end = nullptr;
        const unsigned long long v = std::strtoull(env, &end, 10);
        if (end != env && *end == '\0' && v > 0) return static_cast<std::size_t>(v);
    }
    return 50000;
}

ParcelChunkGrid::ParcelChunkGrid(const Box& extent, std::int64_t features, std::size_t per_chunk)
    : m_extent(extent) {
    const double cells = std::ceil(static_cast<double>(features) /
                                   static_cast<double>(std::max<std::size_t>(per_chunk, 1)));
    const double w = std::max(extent.xmax - extent.xmin, 0.0);
    const double h = std::max(extent.ymax - extent.ymin, 0.0);
    // Cells about square: nx / ny ~ w / h.
    double nx = 1;
    if (w > 0 && h > 0)
        nx = std::round(std::sqrt(cells * w / h));
    else if (w > 0)
        nx = cells;
    m_nx = static_cast<std::size_t>(std::clamp(nx, 1.0, std::max(cells, 1.0)));
    m_ny = static_cast<std::size_t>(std::max(1.0, std::ceil(cells / static_cast<double>(m_nx))));
    m_w = w > 0 ? w / static_cast<double>(m_nx) : 1.0;
    m_h = h > 0 ? h / static_cast<double>(m_ny) : 1.0;
}

std::size_t ParcelChunkGrid::cell_of(const Point& p) const {
    const auto index = [](double v, double origin, double size, std::size_t n) {
        const double k = std::floor((v - origin) / size);
        if (!(k > 0)) return std::size_t{0};  // also NaN
        return std::min(static_cast<std::size_t>(std::min(k, 1e18)), n - 1);
    };
    return index(p.y, m_extent.ymin, m_h, m_ny) * m_nx + index(p.x, m_extent.xmin, m_w, m_nx);
}

Box ParcelChunkGrid::rect(std::size_t cell) const {
    const std::size_t i = cell % m_nx, j = cell / m_nx;
    const double ex = m_w * 1e-6, ey = m_h * 1e-6;
    Box b;
    b.xmin = m_extent.xmin + static_cast<double>(i) * m_w - ex;
    b.xmax = m_extent.xmin + static_cast<double>(i + 1) * m_w + ex;
    b.ymin = m_extent.ymin + static_cast<double>(j) * m_h - ey;
    b.ymax = m_extent.ymin + static_cast<double>(j + 1) * m_h + ey;
    if (i == 0) b.xmin -= m_w;
    if (i + 1 == m_nx) b.xmax += m_w;
    if (j == 0) b.ymin -= m_h;
    if (j + 1 == m_ny) b.ymax += m_h;
    return b;
}

}  // namespace redline
