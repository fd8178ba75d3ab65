#pragma once
// Private to io/: splitting a GeoPackage layer into ranges of feature ids, so that several
// threads, each with its own dataset, read it at once (vector_layer.cpp).
//
// A GeoPackage feature table's id is its SQLite rowid (an INTEGER PRIMARY KEY): GDAL returns the
// features of an unfiltered layer in ascending id order, and a filter "fid >= a AND fid <= b"
// makes SQLite walk that range of the table's b-tree in the same order. Reading the ranges
// one after the other, in order, therefore gives the features in the order of one serial read.
#include <cstdint>
#include <string>
#include <vector>

class GDALDataset;
class OGRLayer;

namespace redline::detail {

struct FidRange {
    std::int64_t first = 0;  // inclusive
    std::int64_t last = 0;   // inclusive
};

// Ranges covering every feature id of `layer`, in ascending order, about `min_span` ids or more
// each and at most `max_parts` of them. Empty (read the layer serially) when the dataset is not a
// GeoPackage, the layer is not a plain table with an id column, the ids cannot be queried, or
// the layer spans fewer than 2 * `min_span` ids.
std::vector<FidRange> geopackage_fid_ranges(GDALDataset* ds, OGRLayer* layer, int max_parts,
                                            std::int64_t min_span);

// The attribute filter (SQLite syntax) selecting `range` of `layer`'s ids.
std::string fid_range_filter(OGRLayer* layer, const FidRange& range);

}  // namespace redline::detail
