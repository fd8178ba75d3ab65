#include "redline/geom/simple_ring_check.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "redline/geom/robust_orientation.hpp"

namespace redline {

bool certainly_valid_simple_polygon(const MultiPolygon& mp) {
    if (mp.polygons.size() != 1 || mp.polygons[0].rings.size() != 1) return false;
    const Ring& r = mp.polygons[0].rings[0];
    const std::size_t n = r.size() >= 1 ? r.size() - 1 : 0;  // segments
    if (r.size() < 4 || !(r.front() == r.back())) return false;
    for (const auto& p : r)
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) return false;
    for (std::size_t i = 0; i < n; ++i) {
        if (r[i] == r[i + 1]) return false;
        // Consecutive segments must turn (or go straight on) certainly: no spike back along
        // themselves and no uncertain collinearity.
        const Point& c = r[(i + 2) <= n ? i + 2 : 1];
        if (orient_filtered(r[i], r[i + 1], c) == 0) return false;
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    auto xmin = [&](std::size_t i) { return std::min(r[i].x, r[i + 1].x); };
    auto xmax = [&](std::size_t i) { return std::max(r[i].x, r[i + 1].x); };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const double xa = xmin(a), xb = xmin(b);
        return xa != xb ? xa < xb : a < b;
    });
    std::vector<std::size_t> active;
    for (std::size_t s : order) {
        const double sx0 = xmin(s);
        const double sy0 = std::min(r[s].y, r[s + 1].y), sy1 = std::max(r[s].y, r[s + 1].y);
        std::size_t keep = 0;
        for (std::size_t k = 0; k < active.size(); ++k) {
            const std::size_t t = active[k];
            if (xmax(t) < sx0) continue;
            active[keep++] = t;
            const double ty0 = std::min(r[t].y, r[t + 1].y), ty1 = std::max(r[t].y, r[t + 1].y);
            if (ty1 < sy0 || ty0 > sy1) continue;
            const std::size_t lo = std::min(s, t), hi = std::max(s, t);
            if (hi == lo + 1 || (lo == 0 && hi == n - 1)) continue;  // consecutive: checked above
            const int o1 = orient_filtered(r[s], r[s + 1], r[t]),
                      o2 = orient_filtered(r[s], r[s + 1], r[t + 1]);
            if (o1 == 0 || o2 == 0) return false;
            if (o1 == o2) continue;
            const int o3 = orient_filtered(r[t], r[t + 1], r[s]),
                      o4 = orient_filtered(r[t], r[t + 1], r[s + 1]);
            if (o3 == 0 || o4 == 0) return false;
            if (o3 != o4) return false;  // a proper crossing: invalid (GEOS gives the reason)
        }
        active.resize(keep);
        active.push_back(s);
    }
    return signed_area(r) != 0;
}

}  // namespace redline
