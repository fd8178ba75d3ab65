#pragma once
// Candidate pairs for overlays: every pair of bounding boxes that intersect (closed boxes, so
// boxes that only touch are candidates too), found with a sort-tile-recursive packed R-tree
// (as GEOS's STRtree, on plain boxes) built over the second set and queried with each box of
// the first.
// Empty boxes (empty geometries) never pair. The result is sorted by (i, j), so it does not
// depend on the tree's traversal order.
// `threads`: the queries run on that many threads (0 = all cores; DEFAULT 1), blocks of the
// first set each into its own list, joined in order: the result is the same for any number.
// Thread-safety: reentrant (builds its own tree); inputs are only read.
#include <cstddef>
#include <utility>
#include <vector>

#include "redline/core/geometry.hpp"

namespace redline {

using IndexPair = std::pair<std::size_t, std::size_t>;

// Pairs (i, j), i indexing `a` and j indexing `b`, whose boxes intersect; sorted by (i, j).
std::vector<IndexPair> candidate_pairs(const std::vector<Box>& a, const std::vector<Box>& b,
                                       int threads = 1);

// Pairs (i, j) with i < j of one set whose boxes intersect; sorted by (i, j).
std::vector<IndexPair> candidate_pairs_self(const std::vector<Box>& boxes, int threads = 1);

// Bounding boxes of geometries, in order (an empty geometry gives an empty box).
std::vector<Box> bounds_of(const std::vector<MultiPolygon>& geoms);

}  // namespace redline
