#pragma once
// What the engine needs to know about a CRS, read from its WKT with PROJ: kind, ellipsoid,
// projection method and units. Thread-safety: describe_crs creates its own PROJ context and is
// safe to call from any thread.
#include <string>

namespace redline {

enum class CrsKind { Geographic, Projected, Other };

struct CrsDescription {
    CrsKind kind = CrsKind::Other;
    std::string name;            // e.g. "CGCS2000", "WGS 84 / UTM zone 50N"
    std::string ellipsoid_name;  // e.g. "GRS 1980"
    double semi_major_m = 0;
    double inverse_flattening = 0;   // 0 for a sphere
    std::string method;              // projection method, e.g. "Albers Equal Area"; "" if none
    bool equal_area_method = false;  // an exactly equal-area ellipsoidal projection
    double unit_to_metre = 1;        // projected: metres per axis unit
    double unit_to_radian = 0;       // geographic: radians per axis unit

    // True when the ellipsoid is GRS80/CGCS2000 or WGS84 (identical to 1e-10 in area).
    bool on_grs80_or_wgs84() const;
};

// Throws InvalidInput when PROJ cannot parse the WKT.
CrsDescription describe_crs(const std::string& wkt);

}  // namespace redline
