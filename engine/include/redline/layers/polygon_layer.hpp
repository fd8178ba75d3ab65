#pragma once
// A polygon layer as the engine works with it: zones of a raster pass, the layers of the overlay
// commands and of the report are all this one value. It is produced by load_polygon_layer
// (layers/layer_reading.hpp), brought into a target CRS and made valid by conform
// (layers/conform.hpp), and optionally merged into groups by dissolve_layer
// (layers/layer_dissolve.hpp); each step records what it did (repaired, reprojected, warnings).
// Thread-safety: a plain value; const access from many threads is safe.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "redline/core/crs.hpp"
#include "redline/core/geometry.hpp"
#include "redline/layers/layer_policy.hpp"

namespace redline {

struct PolygonLayer {
    std::string label;             // the layer as addressed, e.g. "redline" (messages, metadata)
    std::string path;              // its dataset ("<memory>" for a layer built in memory)
    Crs crs;                       // of `geoms`: the layer's own, or the target's after conform
    std::string source_crs_label;  // the layer's own CRS as read (Crs::label)
    // One per geometry: the feature's key (the id field's value, else its feature id); after
    // dissolve_layer, the group's name.
    std::vector<std::string> ids;
    std::vector<std::string> groups;  // per feature: the group field's value ("" without one)
    std::vector<MultiPolygon> geoms;
    std::size_t features = 0;  // features read (before any dissolve)
    std::size_t repaired = 0;  // geometries repaired by conform (LayerPolicy::make_valid)
    bool reprojected = false;  // transformed by conform (LayerPolicy::reproject)
    std::vector<std::string> warnings;

    std::size_t size() const { return geoms.size(); }
    // Bounding box of every geometry (empty when there are none).
    Box extent() const;
    // For output metadata, in the wording of `role` (layers/layer_policy.hpp):
    //  Zones:   {layer, path, crs (after conform), features, zones, repaired, reprojected};
    //  Overlay: {layer, path, crs (as read), features, repaired, reprojected[, reprojected_to]}.
    nlohmann::json describe(LayerRole role) const;
    // Exact binary form (every field, geometries bit for bit) for jobs sent to other processes.
    std::string serialize() const;
    static PolygonLayer deserialize(const std::string& bytes);
};

}  // namespace redline
