#pragma once
// Conversions of Python inputs (option dicts, numpy arrays, WKB zone lists) to engine inputs.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "redline/io/memory_layer.hpp"
#include "redline/io/raster_source.hpp"
#include "redline/layers/layer_dissolve.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/layers/polygon_layer.hpp"

namespace redline::py {

namespace pyb = pybind11;

template <class T>
T get(const pyb::dict& d, const char* key, T fallback) {
    if (!d.contains(key)) return fallback;
    pyb::object v = d[key];
    if (v.is_none()) return fallback;
    return v.cast<T>();
}

// A raster source plus the Python object whose memory it reads (numpy array), if any.
struct RasterHandle {
    std::shared_ptr<const RasterSource> source;
    pyb::object keep_alive;
};

// opts: raster (path) and band, or, with `array`: transform (6-tuple), crs, nodata.
std::shared_ptr<RasterHandle> open_raster(const pyb::dict& opts, const pyb::object& array);

// One raster as the Python package describes it (redline/__init__.py, _raster_spec):
//   {"raster": path, "band": n}                           a GDAL raster (rasterio datasets too)
//   {"array": numpy 2-D, "transform", "crs", "nodata"}     read in place
//   {"fetch": callable(row0, col0, rows, cols) -> numpy 2-D, "dtype": numpy dtype,
//    "shape": (rows, cols), "chunks": (block rows, block cols), "transform", "crs", "nodata"}
//                                                          a Dask array, fetched tile by tile
// The fetch callable runs on the engine's worker threads, which take the GIL for the call only
// (the chunk's computation is Dask's); it must return the window's cells, C-contiguous, of
// `dtype` in this machine's byte order. The handle keeps the array or callable alive.
std::shared_ptr<RasterHandle> open_raster_spec(const pyb::dict& spec);

// opts: reproject, densify, make_valid, zones_crs, encoding (the zone commands' LayerPolicy).
LayerPolicy zone_policy(const pyb::dict& opts);
// opts: reproject, densify, make_valid, layer_crs, encoding (the overlay commands' LayerPolicy).
LayerPolicy overlay_policy(const pyb::dict& opts);
// opts: dissolve, dissolve_by (a ValueError when both are given).
DissolveBy zone_dissolve(const pyb::dict& opts);

struct ZoneInput {
    std::string path;      // PATH[:LAYER], or "" for memory
    std::string id_field;  // path: the field naming each zone ("" = feature ids)
    std::optional<MemoryLayerInput> memory;
    bool memory_crs_is_raster = false;  // geometries without CRS: the raster's CRS
};

// opts: zones (path) and id, or zone_wkb + zone_ids [+ zone_groups] [+ zones_crs_wkt].
ZoneInput zone_input(const pyb::dict& opts);

// The zones read (or built from memory), conformed to the raster's CRS and dissolved.
PolygonLayer prepare_zone_input(const ZoneInput& in, const RasterInfo& raster,
                                const DissolveBy& dissolve, const LayerPolicy& policy, int threads);

}  // namespace redline::py
