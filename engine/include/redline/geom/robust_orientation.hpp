#pragma once
// A filtered orientation predicate (Shewchuk's orient2d, stage A): the sign of the turn a -> b
// -> c when double precision certifies it, 0 when c is on the line or the sign is uncertain.
// Callers treat 0 as "degenerate: use the exact overlay". Thread-safety: pure function.
#include "redline/core/geometry.hpp"

namespace redline {

// +1 counter-clockwise (c left of a -> b), -1 clockwise, 0 collinear or uncertain.
inline int orient_filtered(const Point& a, const Point& b, const Point& c) {
    constexpr double kEps = 0x1p-53;
    constexpr double kBound = (3.0 + 16.0 * kEps) * kEps;
    const double detleft = (a.x - c.x) * (b.y - c.y);
    const double detright = (a.y - c.y) * (b.x - c.x);
    const double det = detleft - detright;
    double detsum;
    if (detleft > 0) {
        if (detright <= 0) return det > 0 ? 1 : (det < 0 ? -1 : 0);
        detsum = detleft + detright;
    } else if (detleft < 0) {
        if (detright >= 0) return det > 0 ? 1 : (det < 0 ? -1 : 0);
        detsum = -detleft - detright;
    } else {
        return det > 0 ? 1 : (det < 0 ? -1 : 0);
    }
    const double bound = kBound * detsum;
    if (det > bound) return 1;
    if (-det > bound) return -1;
    return 0;
}

}  // namespace redline
