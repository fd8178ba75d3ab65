#include "redline/layers/layer_dissolve.hpp"

#include <fmt/format.h>

#include <map>

#include "redline/core/error.hpp"
#include "redline/geom/polygon_dissolve.hpp"

namespace redline {

void dissolve_layer(PolygonLayer& layer, const DissolveBy& by, int threads) {
    if (!by.any()) return;
    if (!by.all && layer.groups.size() != layer.geoms.size())
        fail(ErrorKind::Internal,
             fmt::format("layer '{}' was read without its groups (field '{}'); it cannot be "
                         "dissolved by them",
                         layer.label, by.field));
    std::vector<std::string> order;
    std::map<std::string, std::vector<const MultiPolygon*>> groups;
    for (std::size_t i = 0; i < layer.geoms.size(); ++i) {
        const std::string key = by.all ? std::string("all") : layer.groups[i];
        auto [it, inserted] = groups.try_emplace(key);
        if (inserted) order.push_back(key);
        it->second.push_back(&layer.geoms[i]);
    }
    std::vector<MultiPolygon> merged(order.size());
    for (std::size_t g = 0; g < order.size(); ++g) merged[g] = dissolve(groups[order[g]], threads);
    layer.ids = std::move(order);
    layer.groups.clear();
    layer.geoms = std::move(merged);
}

}  // namespace redline
