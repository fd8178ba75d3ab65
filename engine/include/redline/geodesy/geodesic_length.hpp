#pragma once
// Geodesic distances and line lengths on an ellipsoid (docs/geodesy.md#geodesic-length), with
// PROJ's geodesic.h (C. F. F. Karney, "Algorithms for geodesics", 2013: accurate to about
// 15 nm anywhere on the ellipsoid).
//
// Inputs are longitude/latitude in degrees (x = longitude, y = latitude). A line's length is
// the sum of the geodesic distances between consecutive vertices (the edges of a lon/lat line
// are geodesics; lines stored in a projected CRS are densified in their plane and
// inverse-projected first: see geodesy/line_measurer.hpp). Sums are compensated
// (core/compensated_sum.hpp).
//
// Reference values on CGCS2000/GRS80 (tested): the meridian arc 30N -> 31N is 110 860.926 m;
// the geodesic (30N, 105E) -> (30N, 106E) is 96 485.974 m.
// Thread-safety: immutable after construction; all methods may be called concurrently.
#include <memory>

#include "redline/core/geometry.hpp"
#include "redline/geodesy/ellipsoid.hpp"

namespace redline {

class GeodesicLength {
  public:
    // DEFAULT: CGCS2000 (a = 6378137 m, 1/f = 298.257222101), numerically GRS80.
    GeodesicLength();
    explicit GeodesicLength(const Ellipsoid& ellipsoid);

    const Ellipsoid& ellipsoid() const { return m_ellipsoid; }

    // Geodesic distance (m) between two lon/lat points (degrees).
    double distance_m(const Point& a, const Point& b) const;
    // Sum of the geodesic distances (m) between consecutive vertices of a lon/lat line.
    double length_m(const LineString& lonlat) const;
    // Appends to `out` the n - 1 points that cut the geodesic a -> b into n equal arcs, where n
    // is the smallest count with arcs of at most `max_arc_m` metres, then b itself; returns n.
    // The arcs are each exactly distance_m(a, b) / n long (up to rounding).
    std::size_t split_geodesic(const Point& a, const Point& b, double max_arc_m,
                               LineString& out) const;

  private:
    struct Impl;
    Ellipsoid m_ellipsoid;
    std::shared_ptr<const Impl> m_impl;
};

}  // namespace redline
