#pragma once
// Dissolve: the union of many valid polygons, split into independent pieces first so that it
// parallelises and never re-nodes disjoint geometry.
//
// The parts are grouped into connected components of "intersects" (GEOS prepared predicate on
// STRtree candidate pairs, so touching parts fall in one component and the result stays a valid
// geometry). A component of one part is kept as is; a larger one is unioned with union_all
// (geom/polygon_union.hpp: Morton-ordered chunks merged in a fixed tree). Components are
// processed in parallel and their results concatenated in the order of their first part, so
// the result is the same for any thread count. For planning layers, whose features are mostly
// disjoint (a redline of 4 000 polygons), this is orders of magnitude faster than one union
// tree over all parts.
// Thread-safety: reentrant; one GEOS context per worker; inputs are only read.
#include <cstddef>
#include <vector>

#include "redline/core/geometry.hpp"

namespace redline {

struct DissolveStats {
    std::size_t parts = 0;       // non-empty inputs
    std::size_t components = 0;  // connected groups of intersecting parts
    std::size_t largest = 0;     // parts in the largest component
};

// Union of the parts (empty ones ignored). DEFAULT threads 0 = all cores.
MultiPolygon dissolve(const std::vector<const MultiPolygon*>& parts, int threads = 0,
                      DissolveStats* stats = nullptr);

}  // namespace redline
