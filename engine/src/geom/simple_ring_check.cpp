#include "redline/geom/simple_ring_check.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

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
    // Segments with their boxes, sorted by (left x, index): the sweep then reads them in order
    // instead of through an index array (the same pairs are tested, so the same answer).
    struct Seg {
        double x0, x1, y0, y1;
        std::size_t i;
    };
    std::vector<Seg> segs(n);
    std::vector<const Seg*> active;
    for (std::size_t i = 0; i < n; ++i) {
        const Point &p = r[i], &q = r[i + 1];
        segs[i] =
            Seg{std::min(p.x, q.x), std::max(p.x, q.x), std::min(p.y, q.y), std::max(p.y, q.y), i};
    }
    std::sort(segs.begin(), segs.end(),
              [](const Seg& a, const Seg& b) { return a.x0 != b.x0 ? a.x0 < b.x0 : a.i < b.i; });
    for (const Seg& sg : segs) {
        const std::size_t s = sg.i;
        std::size_t keep = 0;
        for (std::size_t k = 0; k < active.size(); ++k) {
            const Seg& tg = *active[k];
            if (tg.x1 < sg.x0) continue;
            active[keep++] = &tg;
            if (tg.y1 < sg.y0 || tg.y0 > sg.y1) continue;
            const std::size_t t = tg.i;
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
        active.push_back(&sg);
    }
    return signed_area(r) != 0;
}

}  // namespace redline
