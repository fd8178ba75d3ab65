#pragma once
// Provenance shared by every command's output metadata: the engine's version and the versions of
// the GDAL, GEOS and PROJ libraries it runs with (so an output says what computed it).
// Thread-safety: reentrant.
#include <nlohmann/json.hpp>

namespace redline {

// {"engine": "redline X.Y.Z", "libraries": ["GDAL ...", "GEOS ...", "PROJ ..."]}
nlohmann::json engine_provenance();

}  // namespace redline
