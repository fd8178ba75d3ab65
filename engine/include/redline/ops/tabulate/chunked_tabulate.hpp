#pragma once
// `redline tabulate` reading the land-use layer by spatial chunks (docs/land-use-survey.md
// "Memory: spatial chunks"), so that memory is bounded by a chunk and its zones rather than the
// whole layer. Internal to ops/tabulate/: run_tabulate (tabulate.hpp) tries it first and falls
// back to reading the whole layer.
//
// The grid: about features / per_chunk cells over the layer's extent (ParcelChunkGrid,
// parcel_chunks.hpp); a parcel belongs to the cell of the first vertex of its geometry as read,
// a zone to the cell of its bounding box's centre. For each cell, Q is the cell plus its zones'
// boxes and B a box holding every parcel that meets Q (io FilteredExtents, one dataset for the
// whole run: a GeoPackage's R-tree boxes); the parcels meeting B are read (in feature-id order)
// and tabulated against the cell's zones. The result is byte for byte that of the whole-layer run.
//
// Progress (req.progress): label "tabulate chunks", done = the parcels owned by the cells
// finished so far, total = the layer's feature count (GDAL's); the last update is (total, total).
// Thread-safety: reentrant; runs on req.threads threads, the result the same for any count.
#include <cstddef>
#include <optional>

#include "redline/layers/land_use_codes.hpp"
#include "redline/ops/tabulate/tabulate.hpp"

namespace redline::tabulate_detail {

// Thrown by tabulate_by_chunks when it cannot give what reading the whole layer gives
// (overlaps, the reader's warnings per parcel, features no chunk owns): the caller reads the
// whole layer instead. NULL coefficients and repaired geometries are counted per chunk.
struct NotChunkable {};

// The report of `req` with the land-use layer read by chunks of about `per_chunk` (> 0)
// parcels, or nullopt when that does not apply (a layer of at most per_chunk features, not a
// GeoPackage or shapefile, no spatial index, an empty extent). Throws NotChunkable (see above)
// or any Error (the whole-layer run then reports it in feature order; an Error of kind
// Cancelled when req.cancel is set).
std::optional<TabulateReport> tabulate_by_chunks(const TabulateRequest& req,
                                                 const std::optional<LandUseCodes>& codes,
                                                 std::size_t per_chunk);

}  // namespace redline::tabulate_detail
