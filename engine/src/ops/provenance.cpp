#include "redline/ops/provenance.hpp"

#include <string>

#include "redline/geodesy/proj_version.hpp"
#include "redline/geom/validity.hpp"
#include "redline/io/gdal_raster_source.hpp"

namespace redline {

nlohmann::json engine_provenance() {
    return nlohmann::json{{"engine", std::string("redline ") + REDLINE_VERSION},
                          {"libraries", {gdal_version(), geos_version(), proj_version()}}};
}

}  // namespace redline
