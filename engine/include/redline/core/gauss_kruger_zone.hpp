#pragma once
// Recognising CGCS2000 Gauss-Krüger coordinates that carry their zone number in the easting, for
// the hint of a "layer has no CRS" error (never to assume a CRS).
//
// Chinese survey data in a Gauss-Krüger zone often prefix the zone number n to the easting:
// easting = n x 1,000,000 + 500,000 + (distance east of the central meridian), an 8-digit number.
// CGCS2000 defines these CRSs as EPSG:4513..4533 for 3-degree zones 25..45 (central meridian
// 3n degrees E; EPSG = 4488 + n) and EPSG:4491..4501 for 6-degree zones 13..23 (central
// meridian 6n - 3 degrees E; EPSG = 4478 + n). The two zone ranges do not overlap, so the prefix
// decides the width.
// A layer's extent is taken to carry a prefix when its eastings all share one prefix n of
// either range, lie within 350 km of that zone's central meridian (500,000 +- 350,000 after the
// prefix: a 3- or 6-degree zone is at most about 340 km wide on each side at China's latitudes),
// and its northings lie in 0..6,000,000 m (the equator to 54 degrees N, China's latitudes).
// Thread-safety: pure functions.
#include <optional>
#include <string>

#include "redline/core/geometry.hpp"

namespace redline {

struct GaussKrugerZone {
    int zone = 0;       // the prefix
    int width_deg = 3;  // 3 or 6
    int epsg = 0;       // CGCS2000 zone CRS with the prefix in its false easting
};

std::optional<GaussKrugerZone> gauss_kruger_zone_of(const Box& extent);

// For a "has no CRS" message: "its coordinates look like CGCS2000 3-degree Gauss-Krüger zone 40,
// EPSG:4528 (the easting starts with the zone number); pass --layer-crs EPSG:4528 if so", with
// `crs_option` the parameter name of the CRS option, e.g. "layer_crs", written as an option marker
// (core/option_name.hpp); "" when there is none: "declare EPSG:4528 in the file if so".
// "" when the extent does not look like prefixed Gauss-Krüger coordinates.
std::string gauss_kruger_hint(const Box& extent, const std::string& crs_option);

}  // namespace redline
