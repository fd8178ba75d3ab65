#include "redline/geodesy/ellipsoid.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace redline {
namespace {

// 8-point Gauss-Legendre nodes and weights on [-1, 1].
constexpr double kGlX[8] = {-0.9602898564975363, -0.7966664774136267, -0.5255324099163290,
                            -0.1834346424956498, 0.1834346424956498,  0.5255324099163290,
                            0.7966664774136267,  0.9602898564975363};
constexpr double kGlW[8] = {0.1012285362903763, 0.2223810344533745, 0.3137066458778873,
                            0.3626837833783620, 0.3626837833783620, 0.3137066458778873,
                            0.2223810344533745, 0.1012285362903763};

constexpr double kDeg = std::numbers::pi / 180.0;

}  // namespace

Ellipsoid::Ellipsoid(std::string name, double a, double inv_f)
    : m_name(std::move(name)), m_a(a), m_inv_f(inv_f) {
    const double f = 1.0 / inv_f;
    m_e2 = f * (2.0 - f);
    m_e = std::sqrt(m_e2);
}

const Ellipsoid& Ellipsoid::cgcs2000() {
    static const Ellipsoid e("CGCS2000 (GRS80)", 6378137.0, 298.257222101);
    return e;
}

const Ellipsoid& Ellipsoid::wgs84() {
    static const Ellipsoid e("WGS 84", 6378137.0, 298.257223563);
    return e;
}

double Ellipsoid::q(double phi) const {
    const double s = std::sin(phi);
    const double es = m_e * s;
    return (1.0 - m_e2) *
           (s / (1.0 - m_e2 * s * s) - (1.0 / (2.0 * m_e)) * std::log((1.0 - es) / (1.0 + es)));
}

double Ellipsoid::dq(double phi1, double phi2) const {
    const double h = phi2 - phi1;
    if (std::fabs(h) > 0.02) return q(phi2) - q(phi1);
    // dq/dphi = 2 (1 - e2) cos(phi) / (1 - e2 sin^2 phi)^2
    const double mid = 0.5 * (phi1 + phi2);
    const double half = 0.5 * h;
    double sum = 0.0;
    for (int i = 0; i < 8; ++i) {
        const double p = mid + half * kGlX[i];
        const double s = std::sin(p);
        const double w = 1.0 - m_e2 * s * s;
        sum += kGlW[i] * std::cos(p) / (w * w);
    }
    return 2.0 * (1.0 - m_e2) * half * sum;
}

double Ellipsoid::dq_moment(double phi1, double phi2) const {
    const double h = phi2 - phi1;
    if (h == 0) return 0.0;
    // Split long intervals so 8-point Gauss-Legendre stays exact to rounding.
    const int n = std::max(1, static_cast<int>(std::ceil(std::fabs(h) / 0.02)));
    const double mid_all = 0.5 * (phi1 + phi2);
    double total = 0.0;  // integral of (phi - mid_all) q'(phi)
    for (int k = 0; k < n; ++k) {
        const double a = phi1 + h * k / n, b = phi1 + h * (k + 1) / n;
        const double mid = 0.5 * (a + b), half = 0.5 * (b - a);
        double sum = 0.0;
        for (int i = 0; i < 8; ++i) {
            const double t = half * kGlX[i];
            const double p = mid + t;
            const double s = std::sin(p);
            const double w = 1.0 - m_e2 * s * s;
            sum += kGlW[i] * (t + (mid - mid_all)) * std::cos(p) / (w * w);
        }
        total += 2.0 * (1.0 - m_e2) * half * sum;
    }
    return total / h;
}

double Ellipsoid::quad_area(double phi1, double phi2, double dlambda) const {
    return std::fabs(0.5 * m_a * m_a * dlambda * dq(phi1, phi2));
}

double Ellipsoid::surface_area() const {
    return 2.0 * std::numbers::pi * m_a * m_a * q(std::numbers::pi / 2.0);
}

double Ellipsoid::area_density(double phi) const {
    const double s = std::sin(phi);
    const double w = 1.0 - m_e2 * s * s;
    const double n = m_a / std::sqrt(w);
    const double m = m_a * (1.0 - m_e2) / (w * std::sqrt(w));
    return m * n * std::cos(phi);
}

double Ellipsoid::ring_area_lonlat(const Ring& ring) const {
    if (ring.size() < 4) return 0.0;
    const double lref = ring[0].x;
    double sum = 0.0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        const Point& p = ring[i];
        const Point& r = ring[i + 1];
        if (p.y == r.y) continue;
        const double lmean = 0.5 * ((p.x - lref) + (r.x - lref)) * kDeg;
        const double p1 = p.y * kDeg, p2 = r.y * kDeg;
        // lambda(phi) = lmean + (dlambda / dphi) (phi - phi_mid) along the edge.
        sum += lmean * dq(p1, p2) + (r.x - p.x) * kDeg * dq_moment(p1, p2);
    }
    return 0.5 * m_a * m_a * sum;
}

double Ellipsoid::ring_area_trapezoid(const Ring& ring) const {
    if (ring.size() < 4) return 0.0;
    // S = 1/2 a^2 sum (lambda_mean_i - lambda_ref) (q_{i+1} - q_i), lambda_ref = first vertex,
    // which keeps small rings precise far from Greenwich.
    const double lref = ring[0].x;
    double sum = 0.0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        const Point& p = ring[i];
        const Point& r = ring[i + 1];
        if (p.y == r.y) continue;
        const double lmean = 0.5 * ((p.x - lref) + (r.x - lref)) * kDeg;
        sum += lmean * dq(p.y * kDeg, r.y * kDeg);
    }
    return 0.5 * m_a * m_a * sum;
}

double Ellipsoid::area_lonlat(const MultiPolygon& mp) const {
    double total = 0.0;
    for (const auto& poly : mp.polygons) {
        for (std::size_t i = 0; i < poly.rings.size(); ++i) {
            const double a = std::fabs(ring_area_lonlat(poly.rings[i]));
            total += (i == 0) ? a : -a;
        }
    }
    return total;
}

}  // namespace redline
