#pragma once
// From a PATH[:LAYER] to zones ready for rasterizing over a raster: read the layer, check or
// transform its CRS, check validity (or repair), and dissolve into groups (union semantics).
//
//  - CRS: the layer must be in the raster's CRS (InvalidInput naming both otherwise), unless
//    `reproject`, which densifies edges to `densify_m` metres and transforms the zones. A
//    layer without a CRS needs `zones_crs`; the error names the likely CRS when the coordinates
//    look like Gauss-Krüger with a zone prefix (core/gauss_kruger_zone.hpp).
//  - Lon/lat zones (docs/geodesy-rings.md, layers/lonlat_rings.hpp): against a lon/lat raster,
//    rings crossing the antimeridian are unwrapped, rings around a pole closed along it, and
//    after the validity check polygons beyond +-180 are cut at the antimeridian into
//    [-180, 180]; a zone winding around a pole that would have to be reprojected into a
//    projected raster CRS, or a ring with no single meaning, is an InvalidInput naming it.
//  - Validity: invalid geometries are an InvalidInput listing the zones and GEOS's reasons,
//    unless `make_valid`, which repairs them and reports how many.
//  - Dissolve: `dissolve` makes one zone "all"; `dissolve_by` one zone per value, in order of
//    first appearance; the union is computed exactly (GEOS) so overlaps count once.
// Thread-safety: reentrant.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/io/raster_source.hpp"
#include "redline/io/vector_layer.hpp"

namespace redline {

struct ZonePrepOptions {
    std::string id_field;
    bool dissolve = false;
    std::string dissolve_by;
    bool reproject = false;
    double densify_m = 100.0;  // DEFAULT 100 m (docs/geodesy.md#edge-semantics)
    bool make_valid = false;
    std::string zones_crs;  // CRS to assume for a layer that declares none
    // DEFAULT "--zones-crs": the option that gives `zones_crs`, named in messages ("" = there is
    // none, as in a report config: the file must declare its CRS).
    std::string crs_option = "--zones-crs";
    std::string encoding;  // text encoding of shapefile attributes (LayerReadOptions::encoding)
    int threads = 0;
    std::string option_prefix = "--";        // how options are named in messages ("--" CLI)
    std::string target_name = "the raster";  // e.g. "raster 'lc.tif'", for messages
    ProgressSink* progress = nullptr;  // DEFAULT none: features read (LayerReadOptions::progress)
};

struct PreparedZones {
    std::string label;  // layer as addressed
    std::string path;
    std::string crs_label;
    std::vector<std::string> names;   // zone keys, in zone order
    std::vector<MultiPolygon> geoms;  // in the raster's CRS
    std::size_t features = 0;
    std::size_t repaired = 0;
    bool reprojected = false;
    std::vector<std::string> warnings;
    nlohmann::json describe() const;  // for output metadata
    // Exact binary form (names, geometries, provenance) for distributed runs.
    std::string serialize() const;
    static PreparedZones deserialize(const std::string& bytes);
};

PreparedZones prepare_zones(const std::string& zones_ref, const std::string& target_crs_wkt,
                            const std::string& target_label, const ZonePrepOptions& opts);

// Shared by layers already read: CRS check/transform, validity, dissolve.
PreparedZones prepare_layer(VectorLayer layer, const std::string& target_crs_wkt,
                            const std::string& target_label, const ZonePrepOptions& opts);

}  // namespace redline
