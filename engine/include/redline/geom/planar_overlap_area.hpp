#pragma once
// Plane area of the intersection of two valid polygonal geometries without building it: by
// Green's theorem, area(A ∩ B) = ∮ x dy over (∂A inside B) + (∂B inside A), with every ring
// traversed so that its polygon's interior lies on its left. Boundary crossings come from a
// sweep over segment x-extents; the inside/outside state of a ring is found once (even-odd ray
// test) and then toggled at each crossing. Cost O((n + m) log(n + m) + crossings), about ten
// times less than a full overlay (noding graph + result rings).
//
// It is only used when every decision is certain: each orientation test is filtered with
// Shewchuk's error bound, and any uncertain or degenerate configuration -- touching or collinear
// boundaries, a vertex on the other's boundary, coincident vertices -- returns nullopt, and the
// caller falls back to an exact overlay (GEOS). So the fast path never decides a degenerate
// case by rounding. Inputs must be valid (OGC), as after validation or MakeValid.
// Thread-safety: pure function.
#include <optional>

#include "redline/core/geometry.hpp"

namespace redline {

// Area in the plane units squared (>= 0), or nullopt for a degenerate configuration.
std::optional<double> planar_overlap_area(const MultiPolygon& a, const MultiPolygon& b);

}  // namespace redline
