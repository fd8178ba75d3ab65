#include "redline/core/gauss_kruger_zone.hpp"

#include <fmt/format.h>

#include <cmath>

#include "redline/core/option_name.hpp"

namespace redline {

std::optional<GaussKrugerZone> gauss_kruger_zone_of(const Box& extent) {
    if (extent.empty() || !std::isfinite(extent.xmin) || !std::isfinite(extent.xmax) ||
        !std::isfinite(extent.ymin) || !std::isfinite(extent.ymax))
        return std::nullopt;
    if (extent.ymin < 0 || extent.ymax > 6.0e6) return std::nullopt;
    if (extent.xmin < 1.0e7 || extent.xmax >= 1.0e8) return std::nullopt;  // 8 digits
    const double prefix = std::floor(extent.xmin / 1.0e6);
    if (std::floor(extent.xmax / 1.0e6) != prefix) return std::nullopt;
    const double lo = extent.xmin - prefix * 1.0e6, hi = extent.xmax - prefix * 1.0e6;
    if (lo < 500000.0 - 350000.0 || hi > 500000.0 + 350000.0) return std::nullopt;
    const int n = static_cast<int>(prefix);
    if (n >= 25 && n <= 45) return GaussKrugerZone{n, 3, 4488 + n};
    if (n >= 13 && n <= 23) return GaussKrugerZone{n, 6, 4478 + n};
    return std::nullopt;
}

std::string gauss_kruger_hint(const Box& extent, const std::string& crs_option) {
    const auto z = gauss_kruger_zone_of(extent);
    if (!z) return {};
    const std::string look = fmt::format(
        "its coordinates look like CGCS2000 {}-degree Gauss-Krüger zone {}, EPSG:{} (the eastings "
        "start with the zone number)",
        z->width_deg, z->zone, z->epsg);
    if (crs_option.empty())
        return fmt::format("{}; declare EPSG:{} in the file if so (e.g. ogr2ogr -a_srs EPSG:{})",
                           look, z->epsg, z->epsg);
    return fmt::format("{}; pass {} if so", look,
                       option(crs_option, fmt::format("EPSG:{}", z->epsg)));
}

}  // namespace redline
