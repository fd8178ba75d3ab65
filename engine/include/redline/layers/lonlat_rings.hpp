#pragma once
// Lon/lat layers with rings that cross the antimeridian or wind around a pole, made fit for
// the planar work of the overlay commands (GEOS validity, union, intersection, rasterizing,
// reprojection) -- the reading rules are in geodesy/lonlat_ring.hpp and docs/geodesy-rings.md.
//
//  1. prepare_lonlat_rings (before validity checks): every ring with a wrap edge is unwrapped
//     (continuous longitudes); an exterior ring that winds once around the polar axis is closed
//     along the pole of the smaller of its two regions (vertices at latitude +-90), so its planar
//     outline is the region containing that pole -- or, with PoleRings::Refuse, it is an error;
//     the holes of a changed polygon are shifted by whole turns next to its exterior. Rings
//     without wrap edges are left untouched, byte for byte.
//  2. split_lonlat_layer (after validity checks and repairs): polygons that reach beyond
//     [-180, 180] are cut at the antimeridian and the pieces shifted into it
//     (geom/antimeridian_split.hpp), so that polygons touching across 180 meet and overlaps
//     across it are seen.
// A ring with no single reading, a hole winding around a pole, or a pole ring under Refuse is an
// InvalidInput naming the layer, the feature, the ring, why, and how to fix it.
// Thread-safety: reentrant.
#include <cstddef>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"

namespace redline {

enum class PoleRings {
    Close,   // close them along their pole (the target CRS is lon/lat)
    Refuse,  // an error: the geometry is about to be transformed into another CRS
};

struct LonLatRingOptions {
    double period = 360.0;   // one turn in the CRS's angular unit (Crs::lonlat_period). DEFAULT 360
    std::string layer_text;  // e.g. "layer 'land' in 'world.gpkg'"
    std::string feature_word = "feature";  // "zone" for zonal
    PoleRings pole_rings = PoleRings::Close;
    std::string refuse_reason;  // Refuse: why, e.g. "it is about to be transformed into ..."
};

struct LonLatRingReport {
    std::size_t unwrapped = 0;    // rings read across the antimeridian
    std::size_t pole_closed = 0;  // exterior rings closed along a pole
    std::size_t split = 0;        // polygons cut at the antimeridian
    std::vector<std::string> warnings;
};

// Step 1 (see above). ids[i] names geoms[i].
void prepare_lonlat_rings(std::vector<MultiPolygon>& geoms, const std::vector<std::string>& ids,
                          const LonLatRingOptions& opts, LonLatRingReport& report);

// Step 2 (see above).
void split_lonlat_layer(std::vector<MultiPolygon>& geoms, const LonLatRingOptions& opts,
                        LonLatRingReport& report);

}  // namespace redline
