#pragma once
// A fast certificate of validity for the commonest polygon: one polygon with one ring (no
// holes). The ring is valid when it is closed, has >= 4 points, and no two of its segments meet
// except consecutive ones at their shared vertex (no crossing, touching or back-tracking spike),
// every test certified by the filtered orientation predicate (robust_orientation.hpp). Anything
// else -- holes, several parts, repeated points, a collinear or uncertain configuration, or a
// real self-intersection -- is "not certified", and the caller runs the full GEOS validity
// check, which also gives the reason and location. A certified geometry is valid under the OGC
// rules GEOS applies. Cost O(n log n) with a sweep over segment x-extents.
// Thread-safety: pure function.
#include "redline/core/geometry.hpp"

namespace redline {

bool certainly_valid_simple_polygon(const MultiPolygon& mp);

}  // namespace redline
