#pragma once
// Polygon layers for the vector overlay commands (area, conflicts): read PATH[:LAYER], bring
// every layer into one CRS (the first layer's), and check validity -- the same rules as
// zone_preparation.hpp applies to zones against a raster, phrased for layer-against-layer work.
//
//  - CRS: a layer that declares none uses `layer_crs` (--layer-crs), else InvalidInput (naming
//    the likely CRS when the coordinates look like Gauss-Krüger with a zone prefix). A layer
//    in another CRS than the reference is an InvalidInput naming both layers and CRSs, unless
//    `reproject`, which densifies its edges to `densify_m` metres and transforms it.
//  - Lon/lat rings (docs/geodesy-rings.md, layers/lonlat_rings.hpp): when the reference CRS is
//    geographic, rings crossing the antimeridian are unwrapped, rings around a pole closed along
//    it, and after the validity check polygons beyond +-180 are cut at the antimeridian into
//    [-180, 180]; a ring around a pole that would have to be reprojected into a projected CRS,
//    or a ring with no single meaning, is an InvalidInput naming the feature.
//  - Validity: invalid geometries are an InvalidInput listing ids and GEOS's reasons, unless
//    `make_valid`, which repairs them (GEOS MakeValid) and reports how many in warnings.
//  - Non-polygon features, missing files/layers/fields and empty layers fail while reading
//    (io/vector_layer.hpp).
// Thread-safety: reentrant.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/io/vector_layer.hpp"

namespace redline {

struct OverlayLayerOptions {
    bool reproject = false;    // DEFAULT false: a CRS mismatch is an error
    double densify_m = 100.0;  // DEFAULT 100 m: longest edge kept straight when reprojecting
                               // and when measuring areas in a non-equal-area projection
    bool make_valid = false;   // DEFAULT false: invalid geometries are an error
    std::string layer_crs;     // CRS for layers that declare none ("" = none: error)
    // DEFAULT "--layer-crs": the option that gives `layer_crs`, named in messages ("" = there is
    // none, as in a report config: the file must declare its CRS).
    std::string crs_option = "--layer-crs";
    std::string encoding;  // text encoding of shapefile attributes (LayerReadOptions::encoding)
    int threads = 0;       // DEFAULT 0 = all cores
    std::string option_prefix = "--";  // how options are named in messages
};

struct OverlayLayer {
    std::string label;  // as addressed, e.g. "redline"
    std::string path;
    std::string crs_wkt;  // after reprojection: the reference CRS
    std::string crs_label;
    std::string source_crs_label;  // the layer's own CRS
    std::vector<std::string> ids;
    std::vector<std::string> groups;  // --dissolve-by values ("" without)
    std::vector<MultiPolygon> geoms;
    std::size_t repaired = 0;
    bool reprojected = false;
    std::vector<std::string> warnings;

    std::size_t size() const { return geoms.size(); }
    nlohmann::json describe() const;  // for output metadata
};

// Reads one polygon layer (requires a CRS, declared or from opts.layer_crs); no CRS check
// against other layers and no validity check yet.
OverlayLayer read_overlay_layer(const std::string& layer_ref, const LayerReadOptions& read,
                                const OverlayLayerOptions& opts);

// Brings `layer` into `target_crs_wkt` (the CRS of `target_label`, the reference layer) or fails,
// then checks validity or repairs it.
void conform_overlay_layer(OverlayLayer& layer, const std::string& target_crs_wkt,
                           const std::string& target_label, const OverlayLayerOptions& opts);

}  // namespace redline
