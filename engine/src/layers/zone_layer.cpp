#include "redline/layers/zone_layer.hpp"

#include "redline/layers/conform.hpp"
#include "redline/layers/layer_reading.hpp"

namespace redline {

PolygonLayer prepare_zones(const std::string& layer_ref, const std::string& id_field,
                           const DissolveBy& dissolve, const Crs& target,
                           const std::string& target_name, const LayerPolicy& policy, int threads,
                           ProgressSink* progress) {
    LayerFields fields;
    fields.id = id_field;
    fields.group = dissolve.field;
    fields.unique_ids = !dissolve.any();
    PolygonLayer zones = load_polygon_layer(layer_ref, fields, policy, progress, threads);
    conform(zones, target, target_name, policy, threads, progress);
    dissolve_layer(zones, dissolve, threads);
    return zones;
}

}  // namespace redline
