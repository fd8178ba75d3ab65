#include "redline/geodesy/survey_area.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <numbers>

#include "redline/core/compensated_sum.hpp"
#include "redline/core/error.hpp"
#include "redline/geodesy/ellipsoid.hpp"

namespace redline {

const char* area_convention_name(AreaConvention c) {
    return c == AreaConvention::Survey ? "survey" : "geodesic";
}

AreaConvention parse_area_convention(const std::string& text, const std::string& option) {
    if (text == "survey") return AreaConvention::Survey;
    if (text == "geodesic") return AreaConvention::Geodesic;
    fail(ErrorKind::InvalidInput,
         fmt::format("{} must be 'geodesic' or 'survey', got '{}'", option, text));
}

bool is_gauss_kruger(const Crs& crs) {
    if (crs.kind != CrsKind::Projected) return false;
    if (crs.method.find("Transverse Mercator") == std::string::npos) return false;
    std::string name = crs.name;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return name.find("gauss") != std::string::npos;
}

AreaConvention default_area_convention(const Crs& crs) {
    return is_gauss_kruger(crs) ? AreaConvention::Survey : AreaConvention::Geodesic;
}

double survey_ring_area(const Ring& ring, const Ellipsoid& e) {
    if (ring.size() < 4) return 0.0;
    constexpr double kRad = std::numbers::pi / 180.0;
    const double lon0 = ring[0].x;
    CompensatedSum sum;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        const Point& p = ring[i];
        const Point& r = ring[i + 1];
        if (p.y == r.y) continue;  // along a parallel: no trapezoid
        const double lmean = 0.5 * ((p.x - lon0) + (r.x - lon0)) * kRad;
        sum.add(lmean * e.dq(p.y * kRad, r.y * kRad));
    }
    return 0.5 * e.a() * e.a() * sum.value();
}

}  // namespace redline
