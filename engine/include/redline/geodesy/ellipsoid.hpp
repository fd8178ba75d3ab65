#pragma once
// An oblate ellipsoid and the exact area formulas the engine uses (docs/geodesy.md).
//
// Areas come from the authalic function q(phi) (Snyder 3-12):
//   q(phi) = (1 - e2) [ sin(phi) / (1 - e2 sin^2 phi) - 1/(2e) ln((1 - e sin phi)/(1 + e sin phi))
//   ]
// so the area between two parallels and two meridians dlambda apart is 1/2 a^2 dlambda |dq|.
// Differences of q over short intervals are integrated with Gauss-Legendre quadrature of
// dq/dphi instead of subtracting two close values, which keeps full relative precision for
// cells of a few metres.
// All angles in radians unless a name says degrees. Thread-safety: immutable value.
#include <string>

#include "redline/core/geometry.hpp"

namespace redline {

class Ellipsoid {
  public:
    Ellipsoid(std::string name, double semi_major_m, double inverse_flattening);
    // CGCS2000 = GRS80 numerically: a = 6378137, 1/f = 298.257222101. The default.
    static const Ellipsoid& cgcs2000();
    static const Ellipsoid& wgs84();

    const std::string& name() const { return m_name; }
    double a() const { return m_a; }
    double inverse_flattening() const { return m_inv_f; }
    double f() const { return 1.0 / m_inv_f; }
    double b() const { return m_a * (1.0 - f()); }
    double e2() const { return m_e2; }

    double q(double phi) const;
    // q(phi2) - q(phi1), accurate to full relative precision for small intervals.
    double dq(double phi1, double phi2) const;
    // (1 / (phi2 - phi1)) * integral of (phi - phi_mid) dq over [phi1, phi2].
    double dq_moment(double phi1, double phi2) const;
    // Area (m2, >= 0) of the quadrangle between parallels phi1, phi2 and meridians dlambda apart.
    double quad_area(double phi1, double phi2, double dlambda) const;
    // Whole surface (m2).
    double surface_area() const;
    // Ellipsoidal area (m2, >= 0) of a lon/lat (degrees) multipolygon whose edges are straight
    // in (lon, lat) -- the edges a lon/lat raster grid and GIS software draw: exteriors minus
    // holes. Per edge, the exact integral 1/2 a^2 ∫ (lambda(phi) - lambda_ref) dq(phi) with
    // lambda linear in phi (Gauss-Legendre), which equals the 32号 trapezoid sum plus a
    // term of relative size ~ tan(phi) dphi / 6 that vanishes for short edges.
    double area_lonlat(const MultiPolygon& mp) const;
    // Signed area (m2) of one lon/lat ring, edges straight in (lon, lat), read literally as a
    // planar ring (an edge from 179 to -179 runs across the map). For rings that cross the
    // antimeridian or wind around a pole use geodesy/lonlat_ring.hpp.
    double ring_area_lonlat(const Ring& ring) const;
    // Signed area (m2) of one lon/lat ring by the 32号 per-edge trapezoid sum
    // 1/2 a^2 sum (lambda_mean - lambda_ref) (q_{i+1} - q_i), exact for edges along which
    // longitude is linear in q; equal to ring_area_lonlat for densified rings.
    double ring_area_trapezoid(const Ring& ring) const;
    // Area density (m2 per rad^2) at latitude phi: M(phi) N(phi) cos(phi).
    double area_density(double phi) const;

  private:
    std::string m_name;
    double m_a;
    double m_inv_f;
    double m_e2;
    double m_e;
};

}  // namespace redline
