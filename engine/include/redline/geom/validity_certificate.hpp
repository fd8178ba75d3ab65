#pragma once
// A fast certificate of validity (OGC rules, as GEOS applies them) for polygons and
// multipolygons whose rings never meet. It certifies when:
//   - every ring is closed, has >= 4 points, finite coordinates, no repeated consecutive point,
//     a certain turn at every vertex (no spike back along itself) and a non-zero area;
//   - no two segments of any rings meet, except consecutive segments of one ring at their
//     shared vertex (no crossing, touching, or ring touching another ring);
//   - each hole lies inside its own shell and outside the polygon's other holes;
//   - no shell lies inside another part's shell (parts side by side; an island inside a lake of
//     another part is valid but left to GEOS);
// every test decided by the filtered orientation predicate (robust_orientation.hpp). With no
// two rings meeting, these containment facts follow from one vertex per ring (a ring is wholly
// inside or outside another), and a polygon's interior is connected (holes do not touch).
// Anything else -- a contact between rings, a collinear or uncertain vertex, a real
// self-intersection, nested parts, or more work than the budget below -- is "not certified",
// and the caller runs the full GEOS validity check, which also gives the reason and location.
// Cost: sorting the n segments by left x, O(n log n), then work capped at a linear budget
// (about 32 n reads of the sweep's active list, 4 n for the point-in-ring tests and for the
// pairwise box tests of holes and parts). Real layers keep ~4-10 segments active; segments
// whose x-extents all overlap (a zig-zag, a column of parts) exhaust the budget and are declined.
// Thread-safety: pure function.
#include "redline/core/geometry.hpp"

namespace redline {

bool certainly_valid_polygon(const MultiPolygon& mp);

}  // namespace redline
