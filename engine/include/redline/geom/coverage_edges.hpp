#pragma once
// Overlay-free proofs for polygonal coverages (parcels that share edges vertex for vertex).
//
// Both tests answer `true` only when the configuration is PROVEN with exact predicates
// (coordinate equality and the certified orientation of geom/robust_orientation.hpp), and `false`
// whenever they cannot prove it (T-junctions, collinear overlapping edges, uncertain
// orientations, an actual overlap or gap): callers then take their exact GEOS path, so a `false`
// is never a finding, only "not proven here". Inputs are valid polygons (closed rings, the OGC
// rules); orientation is not assumed (each ring's orientation is computed).
//
// polygons_only_touch(a, b): the interiors of a and b are disjoint. Proof: every pair of edges
// (one of a, one of b) is disjoint, meets only at a common endpoint, or is the same segment with
// the interiors on opposite sides (a "shared edge"); every vertex of a that is not a vertex of b
// lies outside b (and vice versa); every edge of a whose two ends are vertices of b is shared
// (and vice versa). Then each unshared edge lies outside the other polygon, so the boundary of
// any component of int(a) n int(b) would lie in the shared edges' endpoints, a finite set: the
// component is empty. See docs/land-use-survey.md, "Coverage check".
//
// covered_by_parts(zone, parts): zone \ (parts' union) has zero area. Requires a single-polygon
// zone (holes allowed) and that at least one part overlaps the zone with positive area (the
// caller's pieces). Proof: an edge shared by two parts with their interiors on opposite sides
// lies inside the union, so the union's boundary is in the parts' unmatched ("free") edges and
// vertices; if no free edge meets the zone's interior, the zone's interior minus finitely many
// points is connected and misses the union's boundary, so it is inside the union.
// Thread-safety: pure functions.
#include <vector>

#include "redline/core/geometry.hpp"

namespace redline {

bool polygons_only_touch(const MultiPolygon& a, const MultiPolygon& b);

// polygons_apart(a, b): when the boundaries of a and b do not meet at all (every pair of edges
// certified disjoint), each ring lies wholly inside or outside the other polygon and one vertex
// per ring decides: Disjoint (every ring of each outside the other), BInsideA (every ring of b
// inside a, no ring of a inside b: b lies in a's interior), AInsideB (the converse). Unknown for
// anything else (touching or crossing boundaries, uncertain orientations, a partial overlap).
enum class Apart { Unknown, Disjoint, BInsideA, AInsideB };
Apart polygons_apart(const MultiPolygon& a, const MultiPolygon& b);

bool covered_by_parts(const MultiPolygon& zone, const std::vector<const MultiPolygon*>& parts);

}  // namespace redline
