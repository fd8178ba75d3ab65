#include "redline/core/crs.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numbers>

#include "redline/core/error.hpp"

namespace redline {

bool CrsDescription::on_grs80_or_wgs84() const {
    return semi_major_m == 6378137.0 && std::fabs(inverse_flattening - 298.2572) < 1e-3;
}

const char* Crs::kind_name() const {
    switch (kind) {
        case CrsKind::None:
            return "none";
        case CrsKind::Geographic:
            return "geographic";
        case CrsKind::Projected:
            return equal_area_method ? "projected equal-area" : "projected";
        case CrsKind::Other:
            return "other";
    }
    return "other";
}

double Crs::lonlat_period() const {
    if (kind != CrsKind::Geographic) return 0.0;
    if (!(unit_to_radian > 0)) return 360.0;
    const double period = 2.0 * std::numbers::pi / unit_to_radian;
    return std::fabs(period - 360.0) < 1e-9 ? 360.0 : period;
}

void Crs::write(BinaryWriter& w) const {
    w.str(wkt);
    w.str(label);
    w.u64(static_cast<std::uint64_t>(kind));
    w.str(name);
    w.str(ellipsoid_name);
    w.f64(semi_major_m);
    w.f64(inverse_flattening);
    w.str(method);
    w.u64(equal_area_method ? 1 : 0);
    w.f64(unit_to_metre);
    w.f64(unit_to_radian);
}

Crs Crs::read(BinaryReader& r) {
    Crs c;
    c.wkt = r.str();
    c.label = r.str();
    const std::uint64_t kind = r.u64();
    if (kind > static_cast<std::uint64_t>(CrsKind::Other))
        fail(ErrorKind::InvalidInput,
             fmt::format("corrupt binary data (CRS kind {} out of range)", kind));
    c.kind = static_cast<CrsKind>(kind);
    c.name = r.str();
    c.ellipsoid_name = r.str();
    c.semi_major_m = r.f64();
    c.inverse_flattening = r.f64();
    c.method = r.str();
    c.equal_area_method = r.u64() != 0;
    c.unit_to_metre = r.f64();
    c.unit_to_radian = r.f64();
    return c;
}

}  // namespace redline
