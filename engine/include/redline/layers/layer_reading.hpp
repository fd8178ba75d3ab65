#pragma once
// From a PATH[:LAYER] (or a layer already read, e.g. built in memory) to a PolygonLayer with its
// Crs. Reading checks the features (io/vector_layer.hpp: polygons only, fields present, unique
// keys when asked, text decodable; InvalidInput otherwise) but not the CRS: a layer without one
// is refused by conform (layers/conform.hpp), worded for the command, or by the caller.
// Thread-safety: reentrant; layers may be read concurrently.
#include <string>

#include "redline/exec/progress.hpp"
#include "redline/io/vector_layer.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/layers/polygon_layer.hpp"

namespace redline {

// What to read of each feature besides its geometry.
struct LayerFields {
    std::string id;     // DEFAULT "": the feature id names each feature; else this field's value
    std::string group;  // DEFAULT "": no groups; else this field's value (--dissolve-by)
    bool unique_ids = true;  // DEFAULT true: duplicate keys are an error (false when dissolving)
};

// Reads the layer with the policy's assumed CRS and encoding. A CRS taken from
// `policy.assumed_crs` is reported in the warnings ("layer 'x' declares no CRS; using EPSG:4490
// as given by --layer-crs"). DEFAULT progress none: features read, label "zones". DEFAULT
// threads 1: the features are converted on that many threads (0 = all cores; the result is the
// same for any number, see LayerReadOptions::threads).
PolygonLayer load_polygon_layer(const std::string& layer_ref, const LayerFields& fields,
                                const LayerPolicy& policy, ProgressSink* progress = nullptr,
                                int threads = 1);

// A layer read by io/ as it is (ids, groups, geometries and warnings moved, the Crs built from
// its WKT and label); nothing is added to its warnings.
PolygonLayer to_polygon_layer(VectorLayer&& raw);

}  // namespace redline
