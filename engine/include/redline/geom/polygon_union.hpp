#pragma once
// Union of many valid polygons with GEOS (OverlayNG), deterministic and parallel.
//
// The inputs are ordered along a Morton curve of their bounding-box centres (ties by input
// position), cut into fixed chunks of 256, each chunk is unioned on its own (in parallel), and
// the chunk results are merged pairwise in a fixed binary tree. The tree depends only on the
// inputs, never on the thread count, so the result is the same bits for any --threads.
// Thread-safety: uses one GEOS context per worker; inputs are only read.
#include <vector>

#include "redline/core/geometry.hpp"

namespace redline {

MultiPolygon union_all(const std::vector<const MultiPolygon*>& parts, int threads = 0);

// Union of axis-aligned rectangles (cells of a raster patch) as polygons.
MultiPolygon union_of_boxes(const std::vector<Box>& boxes);

// Intersection of two polygonal geometries (polygonal part only).
MultiPolygon intersection(const MultiPolygon& a, const MultiPolygon& b);

// Difference a - b of two polygonal geometries (polygonal part only; GEOS OverlayNG). Throws
// InvalidInput when GEOS cannot compute it (invalid input).
MultiPolygon difference(const MultiPolygon& a, const MultiPolygon& b);

}  // namespace redline
