#include "redline/geodesy/crs_domain.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numbers>

#include "proj_handles.hpp"
#include "redline/core/error.hpp"
#include "redline/geodesy/transformer.hpp"

namespace redline {

std::optional<AreaOfUse> area_of_use(const Crs& crs) {
    auto ctx = detail::make_context();
    detail::ProjPtr pj(proj_create(ctx.get(), crs.wkt.c_str()));
    if (!pj) return std::nullopt;
    AreaOfUse a;
    const char* name = nullptr;
    if (!proj_get_area_of_use(ctx.get(), pj.get(), &a.west, &a.south, &a.east, &a.north, &name))
        return std::nullopt;
    if (a.west == -1000 || !std::isfinite(a.west) || !std::isfinite(a.south)) return std::nullopt;
    a.name = name ? name : "";
    return a;
}

CrsDomain::CrsDomain(const Crs& d, double margin_deg) : m_margin(margin_deg) {
    if (d.empty()) fail(ErrorKind::InvalidInput, "cannot check coordinates against an unknown CRS");
    if (d.kind == CrsKind::Geographic) {
        m_geographic = true;
        m_deg_per_unit = d.unit_to_radian > 0 ? d.unit_to_radian * 180.0 / std::numbers::pi : 1.0;
        if (std::fabs(m_deg_per_unit - 1.0) < 1e-12) m_deg_per_unit = 1.0;
    } else if (d.kind == CrsKind::Projected) {
        m_geographic = false;
        m_area = redline::area_of_use(d);
        m_to_lonlat = std::make_unique<Transformer>(Transformer::to_geographic(d.wkt));
    } else {
        fail(ErrorKind::Unsupported,
             fmt::format(
                 "cannot check coordinates in CRS '{}': it is neither geographic nor projected",
                 d.name));
    }
}

CrsDomain::~CrsDomain() = default;
CrsDomain::CrsDomain(CrsDomain&&) noexcept = default;
CrsDomain& CrsDomain::operator=(CrsDomain&&) noexcept = default;

std::string CrsDomain::describe() const {
    if (m_geographic) return "longitude -180..360, latitude -90..90 (degrees)";
    if (!m_area) return "coordinates that inverse-project to a finite longitude/latitude";
    return fmt::format("area of use '{}' ({:.2f}..{:.2f}°E, {:.2f}..{:.2f}°N) widened by {}°",
                       m_area->name, m_area->west, m_area->east, m_area->south, m_area->north,
                       m_margin);
}

std::string CrsDomain::check(const Point& p) const {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) return "the coordinate is not a finite number";
    if (m_geographic) {
        const double lon = p.x * m_deg_per_unit, lat = p.y * m_deg_per_unit;
        if (lat < -90.0 || lat > 90.0)
            return fmt::format(
                "latitude {:.9g}° is outside -90..90 (axes swapped, or projected "
                "coordinates in a geographic CRS?)",
                lat);
        if (lon < -180.0 || lon > 360.0)
            return fmt::format(
                "longitude {:.9g}° is outside -180..360 (projected coordinates in a "
                "geographic CRS?)",
                lon);
        return {};
    }
    double x = p.x, y = p.y;
    m_to_lonlat->transform_unchecked(&x, &y, 1);
    if (x == HUGE_VAL || !std::isfinite(x) || !std::isfinite(y) || y < -90.0 || y > 90.0)
        return "the point cannot be inverse-projected to a longitude/latitude (outside the "
               "projection's domain: wrong CRS, swapped axes or a missing zone prefix?)";
    if (!m_area) return {};
    const AreaOfUse& a = *m_area;
    const double lon = std::remainder(x, 360.0);
    const bool lat_ok = y >= a.south - m_margin && y <= a.north + m_margin;
    bool lon_ok;
    if (a.west <= a.east) {
        const double w = a.west - m_margin, e = a.east + m_margin;
        lon_ok = (lon >= w && lon <= e) || (lon + 360.0 >= w && lon + 360.0 <= e) ||
                 (lon - 360.0 >= w && lon - 360.0 <= e);
    } else {  // crosses the antimeridian
        lon_ok = lon >= a.west - m_margin || lon <= a.east + m_margin;
    }
    if (lat_ok && lon_ok) return {};
    return fmt::format("inverse-projects to ({:.6f}°, {:.6f}°), outside the {}", lon, y,
                       describe());
}

}  // namespace redline
