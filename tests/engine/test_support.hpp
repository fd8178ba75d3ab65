#pragma once
// Helpers for engine tests: polygons from coordinates, reference values, temporary dirs.
#include <string>
#include <vector>

#include "redline/core/crs.hpp"
#include "redline/core/geometry.hpp"

namespace redline::test {

// Closed rectangle ring / polygon / multipolygon.
Ring box_ring(double x0, double y0, double x1, double y1);
MultiPolygon box(double x0, double y0, double x1, double y1);
MultiPolygon polygon(std::vector<std::vector<Point>> rings);
// A fresh empty directory under the system temp dir.
std::string temp_dir(const std::string& name);
// CGCS2000 Albers PROJ string (docs/geodesy.md#equal-area-albers).
extern const char* const kAlbers;
// WKT of a user CRS string ("EPSG:4326", a PROJ string).
std::string wkt_of(const std::string& crs);
// The Crs of a user CRS string, as the engine builds it for a dataset in that CRS.
Crs crs_of(const std::string& crs);

}  // namespace redline::test
