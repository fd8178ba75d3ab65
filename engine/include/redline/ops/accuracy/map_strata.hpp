#pragma once
// The population of a map-accuracy sample: one pass over a class raster that measures each
// stratum (map class) exactly and, when asked, draws the sample (docs/accuracy.md#the-map-pass).
//
// Change strata (t0 and t1 given instead of map): the two dates' rasters (same grid); a cell is
// in the population when it is valid at both dates (and inside the zones), and its stratum is
// transitions.stratum_of(t0 class, t1 class) (ops/transition_strata.hpp; for the change rules,
// ops/change/change_rules.hpp: change_rule_strata). stratum_names names them.
//
// Population: the valid cells of the map (band `band`; nodata and masked cells excluded), or,
// with zones, the valid cells whose centre lies inside at least one zone (union semantics: a cell
// in several overlapping zones counts once; the centre rule is half-open, as `redline zonal
// --mode centroid`). Strata = the map classes of those cells. Each stratum's area is the exact
// sum of its cells' ellipsoidal areas (geodesy/cell_area_model.hpp, CGCS2000/GRS80), summed in
// fixed point so that it does not depend on threads or tiles.
//
// Sampling (quota > 0): every stratum keeps the `quota` cells with the smallest keys of the
// bottom-k scheme of stratum_sampler.hpp (seed, global cell index row * width + col); the caller
// cuts each stratum down to its n_h (a prefix in key order is itself a simple random sample), so
// one pass serves any allocation of at most `quota` units per stratum. Identical for any
// --threads.
//
// Digest: SHA-256 (hex) of the grid, the CRS, the band, whether zones restrict it, an
// order-free 128-bit hash of every (cell index, class) of the population, and the strata's cell
// counts. The same map and zones give the same digest whatever the file format or compression
// or the thread count; any changed cell of the population changes it.
// Thread-safety: reentrant (each call opens its own readers).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "redline/core/grid.hpp"
#include "redline/exec/progress.hpp"
#include "redline/io/raster_source.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/ops/transition_strata.hpp"

namespace redline::accuracy {

struct MapStrataRequest {
    std::string map;     // class raster (any GDAL format); "" with t0/t1
    std::string t0, t1;  // change strata from two dates instead of `map` (DEFAULT "": none)
    TransitionStrata transitions;  // the strata of t0 -> t1 transitions (t0/t1 only)
    int band = 1;                  // DEFAULT 1
    // Rasters the caller opened (Python arrays, xarray.DataArray), used instead of opening map,
    // t0 and t1 by path; the paths then only name them in messages (DEFAULT none).
    std::shared_ptr<const RasterSource> map_source, t0_source, t1_source;
    std::string zones;     // PATH[:LAYER]; DEFAULT "" = the whole map
    std::string id_field;  // zone names for the `zone` column; DEFAULT "" = feature ids
    LayerPolicy policy = LayerPolicy::zones();
    int threads = 0;                // DEFAULT 0 = all cores
    std::int64_t tile_size = 1024;  // cells per tile side; speed and memory only
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;
};

struct MapStratum {
    std::int64_t id = 0;      // map class
    double area_m2 = 0;       // exact ellipsoidal area of its cells in the population
    std::uint64_t cells = 0;  // N_h
};

struct MapSampleCell {
    std::int64_t stratum = 0;
    std::uint64_t cell_index = 0;  // row * width + col
    std::uint64_t key = 0;         // bottom-k key (draw order within the stratum)
    std::int64_t row = 0, col = 0;
    double x = 0, y = 0;      // cell centre in the map's CRS
    double lon = 0, lat = 0;  // the same point in degrees on the map's datum
    std::string zone;         // the first zone (layer order) holding the centre; "" without zones
};

struct MapStrata {
    std::vector<MapStratum> strata;  // ascending class
    // Change strata: stratum id -> name (0 "stable", k the k-th rule's name); empty otherwise.
    std::map<std::int64_t, std::string> stratum_names;
    std::vector<MapSampleCell> selection;  // strata ascending, key order within a stratum
    std::string digest;
    std::string map;
    int band = 1;
    std::string zones;
    Grid grid;
    std::string crs_wkt, crs_label;
    std::string area_model;  // "constant" | "per-row" | "per-cell"
    std::string ellipsoid;
    std::vector<std::string> warnings;

    double total_area_m2() const;
};

// The pass. quota 0 = measure only (no selection).
MapStrata scan_map_strata(const MapStrataRequest& req, std::uint64_t seed = 0,
                          std::uint64_t quota = 0);

}  // namespace redline::accuracy
