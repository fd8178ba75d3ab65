#include "redline/geodesy/geodesic_length.hpp"

#include <geodesic.h>

#include <cmath>

#include "redline/core/compensated_sum.hpp"

namespace redline {

struct GeodesicLength::Impl {
    geod_geodesic g{};
};

GeodesicLength::GeodesicLength() : GeodesicLength(Ellipsoid::cgcs2000()) {}

GeodesicLength::GeodesicLength(const Ellipsoid& ellipsoid) : m_ellipsoid(ellipsoid) {
    auto impl = std::make_shared<Impl>();
    geod_init(&impl->g, ellipsoid.a(), ellipsoid.f());
    m_impl = std::move(impl);
}

double GeodesicLength::distance_m(const Point& a, const Point& b) const {
    if (a == b) return 0.0;
    double s12 = 0;
    geod_inverse(&m_impl->g, a.y, a.x, b.y, b.x, &s12, nullptr, nullptr);
    return s12;
}

double GeodesicLength::length_m(const LineString& lonlat) const {
    CompensatedSum sum;
    for (std::size_t i = 1; i < lonlat.size(); ++i) sum.add(distance_m(lonlat[i - 1], lonlat[i]));
    return sum.value();
}

std::size_t GeodesicLength::split_geodesic(const Point& a, const Point& b, double max_arc_m,
                                           LineString& out) const {
    const double s = distance_m(a, b);
    std::size_t n = 1;
    if (max_arc_m > 0 && s > max_arc_m) {
        const double pieces = std::ceil(s / max_arc_m);
        n = pieces < 1e7 ? static_cast<std::size_t>(pieces) : 10000000;
    }
    if (n > 1) {
        geod_geodesicline line;
        geod_inverseline(&line, &m_impl->g, a.y, a.x, b.y, b.x,
                         GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
        for (std::size_t k = 1; k < n; ++k) {
            double lat = 0, lon = 0;
            geod_position(&line, s * static_cast<double>(k) / static_cast<double>(n), &lat, &lon,
                          nullptr);
            // geod_position reduces longitudes to [-180, 180); keep them continuous with a.
            while (lon - a.x > 180.0) lon -= 360.0;
            while (lon - a.x < -180.0) lon += 360.0;
            out.push_back(Point{lon, lat});
        }
    }
    out.push_back(b);
    return n;
}

}  // namespace redline
