#include "redline/core/geometry.hpp"

#include <cmath>

namespace redline {

std::size_t MultiPolygon::num_points() const {
    std::size_t n = 0;
    for (const auto& p : polygons)
        for (const auto& r : p.rings) n += r.size();
    return n;
}

Box MultiPolygon::bounds() const {
    Box b;
    for (const auto& p : polygons)
        for (const auto& r : p.rings)
            for (const auto& pt : r) b.expand(pt);
    return b;
}

double signed_area(const Ring& ring) {
    if (ring.size() < 3) return 0.0;
    // Shoelace relative to the first vertex to keep precision with large coordinates.
    const double x0 = ring[0].x, y0 = ring[0].y;
    double s = 0.0;
    for (std::size_t i = 1; i + 1 < ring.size(); ++i) {
        const double ax = ring[i].x - x0, ay = ring[i].y - y0;
        const double bx = ring[i + 1].x - x0, by = ring[i + 1].y - y0;
        s += ax * by - bx * ay;
    }
    return 0.5 * s;
}

double planar_area(const MultiPolygon& mp) {
    double a = 0.0;
    for (const auto& p : mp.polygons) {
        for (std::size_t i = 0; i < p.rings.size(); ++i) {
            const double r = std::fabs(signed_area(p.rings[i]));
            a += (i == 0) ? r : -r;
        }
    }
    return a;
}

void close_rings(MultiPolygon& mp) {
    for (auto& p : mp.polygons)
        for (auto& r : p.rings)
            if (!r.empty() && !(r.front() == r.back())) r.push_back(r.front());
}

std::size_t MultiLineString::num_points() const {
    std::size_t n = 0;
    for (const auto& l : lines) n += l.size();
    return n;
}

Box MultiLineString::bounds() const {
    Box b;
    for (const auto& l : lines)
        for (const auto& p : l) b.expand(p);
    return b;
}

}  // namespace redline
