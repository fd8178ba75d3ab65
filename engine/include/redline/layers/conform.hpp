#pragma once
// Brings a polygon layer into the CRS of its target (a raster, or the reference layer of an
// overlay) and makes it valid for planar work, or fails saying why and how to fix it. Messages
// are worded for the policy's role (layers/layer_policy.hpp) and name its options.
//
//  - CRS: a layer without one is an InvalidInput (naming the likely CRS when the coordinates
//    look like Gauss-Krüger with a zone prefix, core/gauss_kruger_zone.hpp, and the option that
//    would give one). A layer in another CRS than the target is an InvalidInput naming both,
//    unless `policy.reproject`: its edges are densified to `policy.densify_m` metres (a degree
//    counted as 111,320 m in a lon/lat CRS) and the vertices transformed.
//  - Lon/lat rings (docs/geodesy-rings.md, layers/lonlat_rings.hpp): rings of a lon/lat layer
//    crossing the antimeridian are unwrapped and rings around a pole closed along it, before
//    edges are densified and when the target is lon/lat; after the validity check, polygons
//    beyond +-180 are cut at the antimeridian into [-180, 180]. A ring around a pole that would
//    have to be transformed into a projected CRS, or a ring with no single meaning, is an
//    InvalidInput naming the feature.
//  - Validity: invalid geometries are an InvalidInput listing ids and GEOS's reasons, unless
//    `policy.make_valid`, which repairs them (GEOS MakeValid) and says how many in warnings.
// Thread-safety: reentrant.
#include <string>

#include "redline/core/crs.hpp"
#include "redline/exec/progress.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/layers/polygon_layer.hpp"

namespace redline {

// InvalidInput when `layer` has no CRS. `target_name` names what it is compared with, e.g.
// "raster 'lc.tif'" or "layer 'redline' in 'plan.gpkg'" (zone messages also print
// `target.label`).
void require_crs(const PolygonLayer& layer, const Crs& target, const std::string& target_name,
                 const LayerPolicy& policy);

// Brings `layer` into `target` (the CRS of `target_name`) or fails (see above), then checks
// validity or repairs it. DEFAULT threads 0 = all cores; progress none (validity: label "check");
// repaired none: else it receives the indices of the geometries repaired, ascending (their
// count is layer.repaired; the last warning, make_valid_warning(...), says how many).
void conform(PolygonLayer& layer, const Crs& target, const std::string& target_name,
             const LayerPolicy& policy, int threads = 0, ProgressSink* progress = nullptr,
             std::vector<std::size_t>* repaired = nullptr);

// The warning conform adds when it repaired `count` > 0 geometries of the layer `label`.
std::string make_valid_warning(std::size_t count, const std::string& label);

}  // namespace redline
