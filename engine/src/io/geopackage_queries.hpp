#pragma once
// Private to io/: what vector_layer.cpp asks a GeoPackage in SQL rather than through GDAL's
// feature reading: the range of a table's feature ids, split so that several threads, each with
// its own dataset, read it at once; and the layer's R-tree table, whose boxes give the ids of
// the features meeting a rectangle (read in parts the same way) and their extent, without
// reading any geometry. Views are not split (their rows come in the view's own order).
//
// A GeoPackage feature table's id is its SQLite rowid (an INTEGER PRIMARY KEY): GDAL returns the
// features of an unfiltered layer in ascending id order, and a filter "fid >= a AND fid <= b"
// makes SQLite walk that range of the table's b-tree in the same order. Reading the ranges
// one after the other, in order, therefore gives the features in the order of one serial read.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"

class GDALDataset;
class OGRLayer;

namespace redline::detail {

struct FidRange {
    std::int64_t first = 0;  // inclusive
    std::int64_t last = 0;   // inclusive
};

// Ranges covering every feature id of `layer`, in ascending order, about `min_span` ids or more
// each and at most `max_parts` of them. Empty (read the layer serially) when the dataset is not a
// GeoPackage, the layer is not a table (a view) with an id column, the ids cannot be queried, or
// the layer spans fewer than 2 * `min_span` ids.
std::vector<FidRange> geopackage_fid_ranges(GDALDataset* ds, OGRLayer* layer, int max_parts,
                                            std::int64_t min_span);

// The attribute filter (SQLite syntax) selecting `range` of `layer`'s ids.
std::string fid_range_filter(OGRLayer* layer, const FidRange& range);

// The name, quoted for SQL, of the R-tree table (GeoPackage extension gpkg_rtree_index, named
// rtree_<table>_<geometry column>) holding `layer`'s feature boxes; "" when the dataset is not a
// GeoPackage, the layer is a view, or it has no such table.
std::string geopackage_rtree_table(GDALDataset* ds, OGRLayer* layer);

// The ids, ascending, of the features whose box in the R-tree table `rtree` meets the rectangle
// (the R-tree keeps boxes in single precision, rounded outwards: every feature whose box meets
// it, and possibly a few just beyond); nullopt when the query fails.
std::optional<std::vector<std::int64_t>> geopackage_rtree_ids(GDALDataset* ds,
                                                              const std::string& rtree,
                                                              const Box& rect);

// The box of the boxes in the R-tree table `rtree` that meet the rectangle (single precision,
// rounded outwards: it holds every feature whose box meets it); empty when none do; nullopt
// when the query fails.
std::optional<Box> geopackage_rtree_extent(GDALDataset* ds, const std::string& rtree,
                                           const Box& rect);

// Attribute filters (SQLite syntax) selecting `ids` (ascending) in parts of at most `per_part`
// ids, in order; none for no ids.
std::vector<std::string> fid_list_filters(OGRLayer* layer, const std::vector<std::int64_t>& ids,
                                          std::size_t per_part);

}  // namespace redline::detail
