#pragma once
// A polygon layer built in memory (Python: GeoDataFrame, shapely geometries, WKB), with the same
// checks as a layer read from a file: polygonal geometries only (InvalidInput listing the
// offenders), unique ids when asked. Thread-safety: pure function.
#include <string>
#include <vector>

#include "redline/io/vector_layer.hpp"

namespace redline {

struct MemoryLayerInput {
    std::string label = "zones";
    std::vector<std::string> ids;
    std::vector<std::string> wkb;     // one WKB (or empty string for a null geometry) per feature
    std::vector<std::string> groups;  // empty, or one per feature (--dissolve-by)
    std::string crs_wkt;              // "" = none
    bool unique_ids = true;
};

VectorLayer memory_polygon_layer(const MemoryLayerInput& in);

}  // namespace redline
