#pragma once
// The direction of a measured shoreline in local metres: where "left" and "right" of a piece
// are, for the landward probes (mainland_locator.hpp) and transects
// (landward_strip_classifier.hpp).
// Thread-safety: pure functions.
#include "redline/core/geometry.hpp"
#include "redline/geodesy/line_measurer.hpp"

namespace redline {

// Unit tangent (local metres east, north; `metric` maps CRS offsets to metres) of the line at
// geodesic position s, from the edge holding s. Zero-length edges are skipped, forwards then
// backwards; (1, 0) for a line without a non-degenerate edge.
Point unit_tangent_at(const MeasuredLine& ml, double s, const LocalMetric& metric);

// The tangent turned a quarter counter-clockwise: the normal pointing to the left of the line's
// direction.
inline Point left_normal(const Point& t) { return Point{-t.y, t.x}; }

}  // namespace redline
