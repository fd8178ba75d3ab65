#include "redline/geodesy/line_measurer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "redline/core/compensated_sum.hpp"
#include "redline/core/error.hpp"
#include "redline/geodesy/crs_description.hpp"

namespace redline {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

// Meridian (M) and prime-vertical (N) radii of curvature at latitude phi (radians).
void radii(const Ellipsoid& e, double phi, double& m, double& n) {
    const double s = std::sin(phi);
    const double w = 1.0 - e.e2() * s * s;
    n = e.a() / std::sqrt(w);
    m = e.a() * (1.0 - e.e2()) / (w * std::sqrt(w));
}

}  // namespace

Point LocalMetric::to_local(const Point& p) const {
    const double dx = p.x - origin.x, dy = p.y - origin.y;
    return Point{j[0] * dx + j[1] * dy, j[2] * dx + j[3] * dy};
}

Point LocalMetric::to_crs(const Point& m) const {
    return Point{origin.x + inv[0] * m.x + inv[1] * m.y, origin.y + inv[2] * m.x + inv[3] * m.y};
}

namespace {
void singular_values(const double* j, double& smin, double& smax) {
    // Singular values of [[a, b], [c, d]] from the eigenvalues of J^T J.
    const double a = j[0], b = j[1], c = j[2], d = j[3];
    const double p = a * a + b * b + c * c + d * d;
    const double det = std::fabs(a * d - b * c);
    const double disc = std::sqrt(std::max(0.0, p * p - 4.0 * det * det));
    smax = std::sqrt((p + disc) / 2.0);
    smin = smax > 0 ? det / smax : 0.0;
}
}  // namespace

double LocalMetric::min_scale() const {
    double lo = 0, hi = 0;
    singular_values(j, lo, hi);
    return lo;
}

double LocalMetric::max_scale() const {
    double lo = 0, hi = 0;
    singular_values(j, lo, hi);
    return hi;
}

double LocalMetric::metres(double dx, double dy) const {
    return std::hypot(j[0] * dx + j[1] * dy, j[2] * dx + j[3] * dy);
}

std::size_t MeasuredLine::edge_at(double s) const {
    if (xy.size() < 2) return 0;
    auto it = std::upper_bound(s_m.begin(), s_m.end(), s);
    std::size_t e = it == s_m.begin() ? 0 : static_cast<std::size_t>(it - s_m.begin()) - 1;
    return std::min(e, xy.size() - 2);
}

Point MeasuredLine::point_at(double s) const {
    if (xy.empty()) return Point{};
    if (xy.size() == 1 || s <= 0) return xy.front();
    if (s >= length_m()) return xy.back();
    const std::size_t e = edge_at(s);
    const double len = s_m[e + 1] - s_m[e];
    if (!(len > 0)) return xy[e];
    const double t = std::clamp((s - s_m[e]) / len, 0.0, 1.0);
    const Point a = xy[e], b = xy[e + 1];
    return Point{a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
}

LineString MeasuredLine::slice(double s0, double s1, bool all_vertices) const {
    LineString out;
    if (xy.empty()) return out;
    out.push_back(point_at(s0));
    if (xy.size() >= 2) {
        const std::size_t e0 = edge_at(s0), e1 = edge_at(s1);
        for (std::size_t v = e0 + 1; v <= e1; ++v)
            if ((all_vertices || original[v]) && s_m[v] > s0 && s_m[v] < s1) out.push_back(xy[v]);
    }
    const Point last = point_at(s1);
    out.push_back(last);
    return out;
}

LineMeasurer::LineMeasurer(const std::string& crs_wkt, double densify_m,
                           const GeodesicLength& geodesic)
    : m_to_geo(Transformer::to_geographic(crs_wkt)),
      m_geodesic(geodesic),
      m_densify_m(densify_m > 0 ? densify_m : 100.0) {
    const CrsDescription d = describe_crs(crs_wkt);
    m_geographic = d.kind == CrsKind::Geographic;
    if (m_geographic) {
        // No transformation at all when the transformer maps two test points onto themselves
        // (degrees, longitude first, Greenwich): the common case (EPSG:4326, 4490).
        const Point p1 = m_to_geo.transform(Point{105.25, 30.5});
        const Point p2 = m_to_geo.transform(Point{-10.0, -45.0});
        m_identity = std::fabs(p1.x - 105.25) < 1e-12 && std::fabs(p1.y - 30.5) < 1e-12 &&
                     std::fabs(p2.x + 10.0) < 1e-12 && std::fabs(p2.y + 45.0) < 1e-12;
    } else {
        m_unit_m = d.unit_to_metre > 0 ? d.unit_to_metre : 1.0;
        m_plane_step = m_densify_m / m_unit_m;
    }
}

MeasuredLine LineMeasurer::measure(const LineString& line) const {
    MeasuredLine ml;
    if (line.empty()) return ml;
    if (!m_geographic || !m_identity) {
        // Densify in the CRS's own coordinates, then inverse-project every vertex.
        const double step = m_geographic ? m_densify_m / 111320.0 : m_plane_step;
        ml.xy.reserve(line.size());
        ml.xy.push_back(line[0]);
        ml.original.push_back(1);
        for (std::size_t i = 1; i < line.size(); ++i) {
            const Point a = line[i - 1], b = line[i];
            const double len = std::hypot(b.x - a.x, b.y - a.y);
            const double pieces = std::ceil(len / step);
            if (pieces > 1 && pieces < 1e7) {
                const auto n = static_cast<std::size_t>(pieces);
                for (std::size_t k = 1; k < n; ++k) {
                    const double t = static_cast<double>(k) / static_cast<double>(n);
                    ml.xy.push_back(Point{a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)});
                    ml.original.push_back(0);
                }
            }
            ml.xy.push_back(b);
            ml.original.push_back(1);
        }
        std::vector<double> lon(ml.xy.size()), lat(ml.xy.size());
        for (std::size_t i = 0; i < ml.xy.size(); ++i) {
            lon[i] = ml.xy[i].x;
            lat[i] = ml.xy[i].y;
        }
        m_to_geo.transform_unchecked(lon.data(), lat.data(), lon.size());
        ml.s_m.resize(ml.xy.size());
        CompensatedSum sum;
        for (std::size_t i = 0; i < ml.xy.size(); ++i) {
            if (lon[i] == HUGE_VAL)
                fail(ErrorKind::InvalidInput,
                     fmt::format("point ({}, {}) cannot be converted to longitude/latitude: it is "
                                 "outside the domain of the projection",
                                 ml.xy[i].x, ml.xy[i].y));
            if (i > 0)
                sum.add(
                    m_geodesic.distance_m(Point{lon[i - 1], lat[i - 1]}, Point{lon[i], lat[i]}));
            ml.s_m[i] = sum.value();
        }
        return ml;
    }
    // Geographic in degrees: geodesic edges, split into arcs of at most densify_m.
    ml.xy.reserve(line.size());
    ml.s_m.reserve(line.size());
    ml.xy.push_back(line[0]);
    ml.s_m.push_back(0.0);
    ml.original.push_back(1);
    CompensatedSum sum;
    LineString buf;
    for (std::size_t i = 1; i < line.size(); ++i) {
        const Point a = line[i - 1], b = line[i];
        if (!(std::fabs(a.y) <= 90.0) || !(std::fabs(b.y) <= 90.0) || !std::isfinite(a.x) ||
            !std::isfinite(b.x))
            fail(ErrorKind::InvalidInput,
                 fmt::format("point ({}, {}) is not a valid longitude/latitude", b.x, b.y));
        buf.clear();
        const double d = m_geodesic.distance_m(a, b);
        const std::size_t n = m_geodesic.split_geodesic(a, b, m_densify_m, buf);
        const double arc = d / static_cast<double>(n);
        for (std::size_t k = 0; k < buf.size(); ++k) {
            sum.add(arc);
            ml.xy.push_back(k + 1 == buf.size() ? b : buf[k]);
            ml.s_m.push_back(sum.value());
            ml.original.push_back(k + 1 == buf.size() ? 1 : 0);
        }
    }
    return ml;
}

LocalMetric LineMeasurer::metric_at(const Point& p) const {
    LocalMetric lm;
    lm.origin = p;
    const Ellipsoid& e = m_geodesic.ellipsoid();
    double m = 0, n = 0;
    if (m_geographic && m_identity) {
        const double phi = p.y * kDeg;
        radii(e, phi, m, n);
        lm.j[0] = n * std::cos(phi) * kDeg;
        lm.j[1] = 0;
        lm.j[2] = 0;
        lm.j[3] = m * kDeg;
    } else {
        const double h = m_geographic ? 1e-5 : 10.0 / m_unit_m;
        double x[5] = {p.x, p.x + h, p.x - h, p.x, p.x};
        double y[5] = {p.y, p.y, p.y, p.y + h, p.y - h};
        m_to_geo.transform_unchecked(x, y, 5);
        for (int i = 0; i < 5; ++i)
            if (x[i] == HUGE_VAL)
                fail(ErrorKind::InvalidInput,
                     fmt::format("point ({}, {}) cannot be converted to longitude/latitude: it is "
                                 "outside the domain of the projection",
                                 p.x, p.y));
        auto wrap = [](double d) { return d > 180 ? d - 360 : (d < -180 ? d + 360 : d); };
        const double phi = y[0] * kDeg;
        radii(e, phi, m, n);
        const double dlon_dx = wrap(x[1] - x[2]) / (2 * h), dlat_dx = (y[1] - y[2]) / (2 * h);
        const double dlon_dy = wrap(x[3] - x[4]) / (2 * h), dlat_dy = (y[3] - y[4]) / (2 * h);
        lm.j[0] = n * std::cos(phi) * kDeg * dlon_dx;
        lm.j[1] = n * std::cos(phi) * kDeg * dlon_dy;
        lm.j[2] = m * kDeg * dlat_dx;
        lm.j[3] = m * kDeg * dlat_dy;
    }
    const double det = lm.j[0] * lm.j[3] - lm.j[1] * lm.j[2];
    if (!(std::fabs(det) > 0) || !std::isfinite(det))
        fail(ErrorKind::InvalidInput,
             fmt::format("the projection is singular at ({}, {}): no local metric", p.x, p.y));
    lm.inv[0] = lm.j[3] / det;
    lm.inv[1] = -lm.j[1] / det;
    lm.inv[2] = -lm.j[2] / det;
    lm.inv[3] = lm.j[0] / det;
    return lm;
}

}  // namespace redline
