#pragma once
// What the engine needs to know about a CRS, read from its WKT with PROJ (kind, ellipsoid,
// projection method and units), and the Crs value built from it where a dataset is read.
// Thread-safety: each call creates its own PROJ context; safe to call from any thread.
#include <string>

#include "redline/core/crs.hpp"

namespace redline {

// Throws InvalidInput when PROJ cannot parse the WKT.
CrsDescription describe_crs(const std::string& wkt);

// The Crs of a dataset: `wkt` as read ("" = none: kind None, no PROJ call) with the label the
// messages print (io/crs.hpp: crs_label_of), described by describe_crs. Throws as describe_crs.
Crs make_crs(std::string wkt, std::string label);

}  // namespace redline
