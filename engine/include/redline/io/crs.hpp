#pragma once
// CRS helpers on top of GDAL/OGR's OGRSpatialReference (WKT in, WKT out).
// Thread-safety: every function builds its own objects; safe from any thread.
#include <string>

namespace redline {

// WKT2 of a user string: "EPSG:4490", a PROJ string, WKT, a file. Throws InvalidInput naming it.
std::string crs_from_user(const std::string& text);
// "EPSG:4490" when an authority code is known, else the CRS name, else "unnamed CRS".
std::string crs_label_of(const std::string& wkt);
// True when two CRSs describe the same coordinates (axis order normalised to x = east).
bool same_crs(const std::string& wkt_a, const std::string& wkt_b);
// WKT of an OGRSpatialReferenceH (io/ internal use; void* avoids exposing GDAL types).
std::string crs_to_wkt(const void* ogr_srs);
// PROJ and GEOS versions as GDAL sees them are reported elsewhere; this is GDAL's PROJ.
}  // namespace redline
