#include "redline/coverage/zone_set.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "redline/core/error.hpp"
#include "redline/core/memory.hpp"

namespace redline {
namespace {
constexpr double kMaxCellCoord = 1125899906842624.0;  // 2^50
// Consumed points (16 bytes each as Points) between two returns of freed memory to the system:
// 4 M points = 64 MiB. Each return costs page faults and TLB flushes later, so small layers are
// not trimmed at all.
constexpr std::size_t kTrimPoints = std::size_t{1} << 22;
}  // namespace

ZoneSet::ZoneSet(const Grid& grid, const std::vector<MultiPolygon>& zones,
                 const std::vector<std::string>& names)
    : m_grid(grid) {
    build(zones, names, nullptr, nullptr);
}

ZoneSet::ZoneSet(const Grid& grid, std::vector<MultiPolygon>&& zones,
                 const std::vector<std::string>& names, ProgressSink* progress)
    : m_grid(grid) {
    const std::size_t points = build(zones, names, &zones, progress);
    std::vector<MultiPolygon>().swap(zones);
    if (points >= kTrimPoints) release_free_memory();
}

std::size_t ZoneSet::build(const std::vector<MultiPolygon>& zones,
                           const std::vector<std::string>& names,
                           std::vector<MultiPolygon>* consume, ProgressSink* progress) {
    const Grid& grid = m_grid;
    m_zones.reserve(zones.size());
    std::size_t points = 0, rings = 0;
    for (const auto& z : zones)
        for (const auto& p : z.polygons) {
            rings += p.rings.size();
            for (const auto& r : p.rings) points += r.size();
        }
    m_x.reserve(points);
    m_y.reserve(points);
    m_rings.reserve(rings);
    // When consuming, freed pages go back to the system every sixteenth of the points.
    const std::size_t trim_step = std::max<std::size_t>(points / 16, kTrimPoints);
    std::size_t next_trim = trim_step;
    if (progress && points) progress->update(0, points, "index");
    for (std::size_t z = 0; z < zones.size(); ++z) {
        ZoneRef zr;
        zr.ring_begin = m_rings.size();
        double cmin = INFINITY, cmax = -INFINITY, rmin = INFINITY, rmax = -INFINITY;
        for (std::size_t pi = 0; pi < zones[z].polygons.size(); ++pi) {
            const Polygon& poly = zones[z].polygons[pi];
            for (std::size_t k = 0; k < poly.rings.size(); ++k) {
                const Ring& ring = poly.rings[k];
                if (ring.size() < 4) continue;  // degenerate ring: no area
                const std::size_t begin = m_x.size();
                // Shoelace in cell coordinates, relative to the first point.
                double s = 0;
                for (std::size_t i = 0; i < ring.size(); ++i) {
                    const Point& p = ring[i];
                    const double c = grid.col_of(p.x), r = grid.row_of(p.y);
                    if (!std::isfinite(c) || !std::isfinite(r) || std::fabs(c) > kMaxCellCoord ||
                        std::fabs(r) > kMaxCellCoord)
                        fail(
                            ErrorKind::InvalidInput,
                            fmt::format("zone '{}' has a coordinate ({}, {}) that is not finite or "
                                        "lies absurdly far from the raster (more than 2^50 "
                                        "cells); check the layer's CRS and coordinates",
                                        z < names.size() ? names[z] : std::to_string(z), p.x, p.y));
                    m_x.push_back(c);
                    m_y.push_back(r);
                    cmin = std::min(cmin, c);
                    cmax = std::max(cmax, c);
                    rmin = std::min(rmin, r);
                    rmax = std::max(rmax, r);
                }
                const double c0 = m_x[begin], r0 = m_y[begin];
                for (std::size_t i = begin + 1; i + 1 < m_x.size(); ++i)
                    s += (m_x[i] - c0) * (m_y[i + 1] - r0) - (m_x[i + 1] - c0) * (m_y[i] - r0);
                // In cell coordinates (y down) a ring with negative shoelace sum gives +1 coverage
                // when fed as is. Exteriors must add, holes subtract.
                const bool exterior = (k == 0);
                int sign = (s < 0) ? 1 : -1;
                if (!exterior) sign = -sign;
                m_rings.push_back(RingRef{begin, m_x.size(), sign});
                zr.edges += ring.size() - 1;
            }
            // Consuming: free each polygon once converted (a dissolved layer is one zone).
            if (consume) {
                std::vector<Ring>().swap((*consume)[z].polygons[pi].rings);
                if (m_x.size() >= next_trim) {
                    release_free_memory();
                    next_trim = m_x.size() + trim_step;
                    if (progress) progress->update(m_x.size(), points, "index");
                }
            }
        }
        zr.ring_end = m_rings.size();
        if (zr.ring_end > zr.ring_begin) {
            zr.cmin = cmin;
            zr.cmax = cmax;
            zr.rmin = rmin;
            zr.rmax = rmax;
            Window w;
            w.col0 = static_cast<std::int64_t>(std::floor(cmin));
            w.row0 = static_cast<std::int64_t>(std::floor(rmin));
            w.cols = static_cast<std::int64_t>(std::ceil(cmax)) - w.col0;
            w.rows = static_cast<std::int64_t>(std::ceil(rmax)) - w.row0;
            if (w.cols == 0) w.cols = 1;
            if (w.rows == 0) w.rows = 1;
            zr.window = w.intersect(grid.full());
        }
        m_zones.push_back(zr);
        if (consume)
            std::vector<Polygon>().swap((*consume)[z].polygons);  // zones[z] is not read again
    }
    if (progress && points) progress->update(points, points, "index");
    return points;
}

int ZoneSet::sign_of_edge(std::size_t zone, std::size_t point) const {
    const ZoneRef& zr = m_zones[zone];
    for (std::size_t r = zr.ring_begin; r < zr.ring_end; ++r)
        if (point >= m_rings[r].begin && point < m_rings[r].end) return m_rings[r].sign;
    return 0;
}

}  // namespace redline
