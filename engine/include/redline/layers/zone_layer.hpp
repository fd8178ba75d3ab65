#pragma once
// Zones of a raster pass from a PATH[:LAYER], in three steps: load_polygon_layer
// (layers/layer_reading.hpp: keys from the id field, groups from the dissolve field, unique keys
// unless dissolving), conform to the raster's CRS (layers/conform.hpp) and dissolve_layer
// (layers/layer_dissolve.hpp). Used by zonal and change (zones and permitted polygons; with
// survey layers the target is the t0 layer).
// Thread-safety: reentrant.
#include <string>

#include "redline/core/crs.hpp"
#include "redline/exec/progress.hpp"
#include "redline/layers/layer_dissolve.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/layers/polygon_layer.hpp"

namespace redline {

// `target` is the raster's CRS, `target_name` names the raster in messages ("raster 'lc.tif'").
// DEFAULT threads 0 = all cores; progress none (stages "zones" while reading, "check" while
// checking validity).
PolygonLayer prepare_zones(const std::string& layer_ref, const std::string& id_field,
                           const DissolveBy& dissolve, const Crs& target,
                           const std::string& target_name, const LayerPolicy& policy,
                           int threads = 0, ProgressSink* progress = nullptr);

}  // namespace redline
