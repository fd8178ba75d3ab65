#pragma once
// What a command may do to a polygon layer to make it fit for work (the options every polygon
// input shares) and how its messages name the layer and those options. Used by
// load_polygon_layer (layers/layer_reading.hpp) and conform (layers/conform.hpp).
// Thread-safety: plain values.
#include <string>
#include <string_view>

#include "redline/core/option_name.hpp"

namespace redline {

// How messages and metadata speak of a layer. The two command families word the same checks
// differently, and their messages are part of the contract (tests assert them).
enum class LayerRole {
    // Zones of a raster pass (zonal, change, shoreline's --mainland and --by): "zone 'x'", the
    // raster named in CRS messages, metadata {crs (after conform), features, zones, ...}.
    Zones,
    // One polygon layer among others (area, conflicts, report): "feature 'x'", a transformation
    // reported in the warnings, metadata {crs (as read), reprojected_to, ...}.
    Overlay,
};

// How messages name the options of LayerPolicy.
struct LayerNaming {
    LayerRole role = LayerRole::Overlay;  // DEFAULT Overlay (LayerPolicy::zones(): Zones)
    // DEFAULT "": the options are parameters, named in messages by option markers
    // (core/option_name.hpp: `--make-valid` in the CLI, `make_valid=True` in Python);
    // "options." in a report config, whose keys are written as they are ("options.make_valid").
    std::string config_prefix;
    // DEFAULT "layer_crs": the parameter that gives LayerPolicy::assumed_crs, named in messages;
    // "" = there is none (a report config: the files must declare their CRS).
    std::string crs_option = "layer_crs";

    // How messages name the parameter `name` (snake_case): a marker, or the config key.
    std::string option(std::string_view name) const {
        return config_prefix.empty() ? redline::option(name) : config_prefix + std::string(name);
    }
    // The same for an on/off option ("--make-valid", "make_valid=True", "options.make_valid").
    std::string flag(std::string_view name) const {
        return config_prefix.empty() ? redline::flag(name) : config_prefix + std::string(name);
    }
};

struct LayerPolicy {
    bool reproject = false;  // DEFAULT false: a CRS other than the target's is an error
    // DEFAULT 100 m (docs/geodesy.md#edge-semantics): longest edge kept straight when
    // reprojecting (and, for the overlay commands, when measuring areas in a non-equal-area
    // projection).
    double densify_m = 100.0;
    bool make_valid = false;  // DEFAULT false: invalid geometries are an error
    // DEFAULT "": CRS (EPSG:4490, a PROJ string, WKT) of a layer that declares none; "" = such a
    // layer is an error. Never overrides a declared CRS.
    std::string assumed_crs;
    // DEFAULT "": text encoding of shapefile attributes, as declared or detected
    // (io/vector_layer.hpp: LayerReadOptions::encoding).
    std::string encoding;
    LayerNaming naming;

    // The defaults of the zone commands: role Zones, CRS option "zones_crs".
    static LayerPolicy zones();
    // The defaults of the overlay commands: role Overlay, CRS option "layer_crs".
    static LayerPolicy overlay();
};

inline LayerPolicy LayerPolicy::zones() {
    LayerPolicy p;
    p.naming.role = LayerRole::Zones;
    p.naming.crs_option = "zones_crs";
    return p;
}

inline LayerPolicy LayerPolicy::overlay() { return LayerPolicy{}; }

}  // namespace redline
