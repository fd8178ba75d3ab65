#pragma once
// How a lon/lat ring goes round the globe, and the region it bounds (docs/geodesy-rings.md).
//
// A ring's edges are straight in (lon, lat), the engine's area convention (32号 per-edge sum).
// Longitudes are periodic, so a stored ring can mean more than its planar outline:
//
//  - An edge whose longitudes differ by at most half a turn (180 degrees) is taken literally.
//    A ring made only of such edges is "plain": it is measured exactly as before, wherever its
//    longitudes lie (GSHHG stores rings that cross the antimeridian with longitudes beyond 180;
//    the area does not change when a whole ring is shifted by 360 degrees).
//  - An edge whose longitudes differ by more than half a turn is a "wrap edge": it crosses the
//    antimeridian the short way (as TopoJSON/d3 and GSHHG's Antarctica store such rings, and
//    as GeographicLib's PolygonArea, GRASS's G_ellipsoid_polygon_area and QGIS read them), so
//    179.5 -> -179.5 is a step of +1 degree. Unwrapping the ring replaces every longitude by
//    the continuous one.
//  - Exception: an edge with both ends at the same pole (latitude +-90) has no length; its
//    longitudes only say where the ring goes on, so it is taken literally (the polar edge of
//    Natural Earth's Antarctica, or of a whole-world box, keeps its planar meaning).
//  - The unwrapped ring's net longitude change is `turns` whole turns. turns == 0: an ordinary
//    region (crossing the antimeridian or not). turns == +-1: the ring winds once around the
//    polar axis and bounds two regions, one around each pole; the engine takes the smaller one
//    (at most half the ellipsoid), which is the magnitude GeographicLib's polygon area returns
//    for either orientation (Karney, "Algorithms for geodesics", J. Geodesy 87 (2013) 43-55,
//    §6; PROJ geodesic.h geod_polygonarea).
//  - A ring has no single meaning, and is refused, when an edge spans exactly half a turn
//    (mod a turn) and is not taken literally, when it winds around the pole more than once,
//    when it has an edge spanning exactly a whole turn (a zero-length step, or the whole
//    parallel?) and either winds around a pole or collapses onto one meridian, or when both
//    polar regions have the same area.
// Longitudes and latitudes are in the CRS's angular unit: `period` is one turn in that unit
// (DEFAULT 360, degrees). Thread-safety: pure functions.
#include <cstddef>
#include <string>

#include "redline/core/geometry.hpp"

namespace redline {

class Ellipsoid;

struct LonLatRingShape {
    int turns = 0;                    // net turns of the unwrapped ring (+1 = eastward)
    std::size_t wrap_edges = 0;       // edges read the short way across the antimeridian
    std::size_t full_turn_edges = 0;  // of which span exactly a whole turn (zero-length steps)
    std::string problem;              // why the ring has no single meaning ("" = it has one)

    bool plain() const { return wrap_edges == 0; }  // measured as stored, byte for byte
    bool encloses_pole() const { return problem.empty() && turns != 0; }
};

// Classifies a closed ring (front() == back()); rings of fewer than 4 points are plain.
LonLatRingShape lonlat_ring_shape(const Ring& ring, double period = 360.0);

// The ring with continuous longitudes: the first vertex is kept, each wrap edge is replaced by
// its short-way step. A plain ring is returned unchanged. For turns != 0 the last vertex is the
// first one shifted by turns * period.
Ring unwrap_lonlat_ring(const Ring& ring, double period = 360.0);

// An unwrapped ring that winds once around the polar axis, closed along the pole at latitude
// `pole_lat` (+-period/4). The ring is first rotated to start at its vertex nearest that pole
// (so the seam down to the pole crosses no edge); then (x_last, pole_lat), (x_first, pole_lat)
// and the first vertex again are appended, x_last = x_first + one turn. The result is a plain
// planar ring bounding the region between the ring and that pole, as Natural Earth stores
// Antarctica.
Ring close_around_pole(const Ring& unwrapped, double pole_lat);

// Which pole the smaller of the two regions of a ring that winds once around the polar axis
// contains: +period/4 (north) or -period/4 (south). `ring` in degrees-equivalent units given
// by `period`. Throws InvalidInput when both regions have the same area (to 1e-9).
double enclosed_pole(const Ring& unwrapped, const Ellipsoid& e, double period = 360.0);

// Area (m2, >= 0) of the region a lon/lat ring in degrees bounds on `e` under the reading
// rules above: a plain ring exactly as Ellipsoid::ring_area_lonlat (its absolute value), a ring
// with wrap edges unwrapped, a ring winding around a pole as the smaller polar region (only when
// `may_enclose_pole`). Throws InvalidInput with the reason when the ring has no single meaning
// or encloses a pole where that is not allowed; the message names no feature (callers do).
double lonlat_ring_area(const Ring& ring_deg, const Ellipsoid& e, bool may_enclose_pole);

// "(179.5, -16.1)" -- a vertex for messages.
std::string describe_vertex(const Point& p);

}  // namespace redline
