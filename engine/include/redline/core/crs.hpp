#pragma once
// A coordinate reference system as the engine carries it from where the data is read to every
// step that needs it: its WKT (for PROJ and GDAL), the label messages and metadata print, and
// what PROJ says of it (kind, ellipsoid, axis unit, projection method). A Crs is built once per
// dataset (a vector layer or a raster: make_crs in geodesy/crs_description.hpp, with the label
// from io/crs.hpp) and then passed by value or const reference, never re-parsed to learn its
// kind or unit.
// Thread-safety: plain values; const access from many threads is safe.
#include <string>

#include "redline/core/binary_codec.hpp"

namespace redline {

enum class CrsKind {
    None,        // no CRS (a layer that declares none and was given none)
    Geographic,  // longitude/latitude in an angular unit
    Projected,   // a map projection (equal_area_method says whether it is exactly equal-area)
    Other,       // anything else PROJ reads (geocentric, engineering, ...)
};

// What PROJ says of a CRS definition (geodesy/crs_description.hpp: describe_crs). For a bound or
// compound CRS, its horizontal part.
struct CrsDescription {
    CrsKind kind = CrsKind::None;
    std::string name;            // e.g. "CGCS2000", "WGS 84 / UTM zone 50N"
    std::string ellipsoid_name;  // e.g. "GRS 1980"
    double semi_major_m = 0;
    double inverse_flattening = 0;   // 0 for a sphere
    std::string method;              // projection method, e.g. "Albers Equal Area"; "" if none
    bool equal_area_method = false;  // an exactly equal-area ellipsoidal projection
    double unit_to_metre = 1;        // projected: metres per axis unit. DEFAULT 1
    double unit_to_radian = 0;       // geographic: radians per axis unit (0 = unknown)

    // True when the ellipsoid is GRS80/CGCS2000 or WGS84 (identical to 1e-10 in area).
    bool on_grs80_or_wgs84() const;
};

// A CRS: its description plus its identity (WKT and label). DEFAULT: no CRS.
struct Crs : CrsDescription {
    std::string wkt;               // WKT2 as GDAL exports it; "" = no CRS
    std::string label = "no CRS";  // as messages print it: "EPSG:4490", "'CGCS2000 / ...'"

    bool empty() const { return wkt.empty(); }
    bool geographic() const { return kind == CrsKind::Geographic; }
    // "none", "geographic", "projected equal-area", "projected" or "other".
    const char* kind_name() const;
    // One turn of longitude in the CRS's angular unit (360 for degrees, 400 for grads) for a
    // geographic CRS; 0 for any other (nothing wraps).
    double lonlat_period() const;

    // Exact binary form (every field), for jobs sent to other processes.
    void write(BinaryWriter& w) const;
    static Crs read(BinaryReader& r);
};

}  // namespace redline
