#pragma once
// Whether a point lies inside a closed ring, by the parity of the ring's crossings with the ray
// from the point towards +x (half-open in y, so a vertex on the ray counts once), each crossing
// decided by the filtered orientation predicate (robust_orientation.hpp).
// Returns +1 inside, 0 outside, -1 uncertain (the point is on an edge, or too close to one for
// double precision to tell). Cost O(ring size). Thread-safety: pure function.
#include "redline/core/geometry.hpp"
#include "redline/geom/robust_orientation.hpp"

namespace redline {

inline int point_in_ring(const Point& p, const Ring& r) {
    bool inside = false;
    for (std::size_t i = 0; i + 1 < r.size(); ++i) {
        const Point &a = r[i], &b = r[i + 1];
        if ((a.y > p.y) == (b.y > p.y)) continue;
        const int o = orient_filtered(a, b, p);
        if (o == 0) return -1;
        // The edge crosses the ray when p is left of an upward edge or right of a downward one.
        if ((b.y > a.y) == (o > 0)) inside = !inside;
    }
    return inside ? 1 : 0;
}

}  // namespace redline
