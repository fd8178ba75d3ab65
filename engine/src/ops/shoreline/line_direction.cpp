#include "redline/ops/shoreline/line_direction.hpp"

#include <cmath>

namespace redline {

Point unit_tangent_at(const MeasuredLine& ml, double s, const LocalMetric& m) {
    if (ml.xy.size() < 2) return Point{1, 0};
    std::size_t e = ml.edge_at(s);
    auto dir = [&](std::size_t k) {
        const Point a = ml.xy[k], b = ml.xy[k + 1];
        const double dx = b.x - a.x, dy = b.y - a.y;
        return Point{m.j[0] * dx + m.j[1] * dy, m.j[2] * dx + m.j[3] * dy};
    };
    // Skip zero-length edges, forwards then backwards.
    for (std::size_t k = e; k + 1 < ml.xy.size(); ++k) {
        const Point t = dir(k);
        const double len = std::hypot(t.x, t.y);
        if (len > 0) return Point{t.x / len, t.y / len};
    }
    for (std::size_t k = e; k-- > 0;) {
        const Point t = dir(k);
        const double len = std::hypot(t.x, t.y);
        if (len > 0) return Point{t.x / len, t.y / len};
    }
    return Point{1, 0};
}

}  // namespace redline
