#pragma once
// Lon/lat polygons brought into one longitude window for planar work (docs/geodesy-rings.md).
//
// Planar operations (GEOS union, intersection, rasterizing a lon/lat grid) see a polygon stored
// with longitudes beyond +-180 (GSHHG stores Fiji at 177..181) where its numbers are, not where
// it is on the globe: a neighbour stored at -180..-179 would never meet it. A polygon that
// reaches beyond the window [-period/2, period/2] is therefore cut along the window's edges
// (the antimeridian and its copies, GEOS intersection with a box per window) and every piece is
// shifted by whole turns into the window; pieces that then meet along a line (the seam of a
// ring closed along a pole) are merged again (GEOS union), so the result stays valid. Pieces
// meet along +-180 exactly; their ellipsoidal
// areas add up to the whole to rounding (a few 1e-16 relative per cut). Polygons inside the
// window are left untouched, byte for byte.
// Thread-safety: reentrant (a GEOS context per call that needs one).
#include <cstddef>

#include "redline/core/geometry.hpp"

namespace redline {

// Splits the polygons of `mp` that reach beyond the window; returns how many were split.
// `period` is one turn in the CRS's angular unit. DEFAULT 360 (degrees). Throws Internal when
// GEOS fails.
std::size_t split_at_antimeridian(MultiPolygon& mp, double period = 360.0);

}  // namespace redline
