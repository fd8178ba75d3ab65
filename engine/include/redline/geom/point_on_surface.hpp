#pragma once
// A point inside a polygonal geometry (GEOS PointOnSurface), to say where a feature is in
// messages and quality tables: in the geometry's CRS, strictly inside one of its polygons;
// (0, 0) for an empty geometry.
// Thread-safety: reentrant (a GEOS context per call).
#include "redline/core/geometry.hpp"

namespace redline {

Point point_on_surface(const MultiPolygon& mp);

}  // namespace redline
