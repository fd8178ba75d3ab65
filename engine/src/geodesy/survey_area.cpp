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
    std::string method = crs.method;
    std::string name = crs.name;
    for (std::string* s : {&method, &name})
        std::transform(s->begin(), s->end(), s->begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (method.find("transverse mercator") == std::string::npos &&
        method.find("gauss") == std::string::npos)
        return false;
    // EPSG names say "Gauss-Kruger"; Esri's say "GK" ("CGCS2000_3_Degree_GK_Zone_39").
    if (name.find("gauss") != std::string::npos) return true;
    std::string token;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        const char ch = i < name.size() ? name[i] : ' ';
        if (std::isalnum(static_cast<unsigned char>(ch))) {
            token += ch;
            continue;
        }
        if (token == "gk") return true;
        token.clear();
    }
    return false;
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
