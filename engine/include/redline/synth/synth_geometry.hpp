#pragma once
// The vector side of `redline synth`: a synthetic coastal province in CGCS2000 Albers with the
// planning layers the engine works on (issue #2 "Synthetic data").
//
// Layout, in cell coordinates of an N x N grid (col right, row down):
//  - a nodata margin of `margin` cells along every edge;
//  - the sea east of a wavy coastline (a polyline x = coast_x(row) from row 0 to row N), with a
//    few star-shaped islands in it;
//  - `redline`: --zones polygons on a jittered grid over the land (one per grid cell, inside the
//    cell's disk, so they never overlap each other); 32..1500 vertices, every 4th with holes,
//    every 7th a multipolygon;
//  - `cropland`: 3 per redline zone, at the grid's corners and edge midpoints, sized to stay
//    clear of the redline, except every 20th, which is centred inside a redline polygon (the
//    conflicts of the three control lines);
//  - `protected`: 5 % of --zones (at least 3), large; even ones are centred on a redline zone,
//    odd ones inside the previous protected polygon (so they overlap the redline and each
//    other);
//  - `urban`: 5 % of --zones (at least 3), centred on cropland polygons (they overlap them);
//  - `land`: one multipolygon, the raster extent minus the sea (mainland plus islands);
//  - `regions`: 4..9 polygons tiling `land` (strips split into blocks, islands joining the
//    region beside them);
//  - `shoreline`: the coast split into typed LineStrings, plus one closed line per island.
// `permitted` corridors depend on the planted changes and are made by SynthScene (synth.hpp).
// Everything is a pure function of the options: same options, same geometry, bit for bit.
// Thread-safety: immutable after construction.
#include <cstdint>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/core/grid.hpp"
#include "redline/synth/synth_shape.hpp"

namespace redline {

// CGCS2000 Albers (docs/geodesy.md#equal-area-albers), the CRS of every synthetic file.
inline constexpr const char* kSynthCrs =
    "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m "
    "+no_defs";
// Raster block (tile) size of the synthetic GeoTIFFs, in cells.
inline constexpr std::int64_t kSynthBlock = 512;

struct SynthOptions {
    std::int64_t size = 2048;  // DEFAULT 2048: cells per side (>= 64)
    std::int64_t zones = 200;  // DEFAULT 200: redline polygons (>= 1)
    std::uint64_t seed = 1;    // DEFAULT 1
    double cell_size_m = 30;   // DEFAULT 30 m
    double x0 = 600000;        // DEFAULT 600000: x of the left edge (m, Albers)
    double y0 = 3600000;       // DEFAULT 3600000: y of the top edge (m, Albers)
    int threads = 0;           // DEFAULT 0 = all cores (never changes the output)

    // Throws InvalidInput for out-of-range values, naming the option.
    void validate() const;
    Grid grid() const;
};

struct SynthFeature {
    std::string code;
    std::string name;
    std::string type;
    MultiPolygon shape;    // cell coordinates, closed rings, exteriors first in each polygon
    Box bbox;              // of `shape`
    Point centre;          // a point inside the feature (outside any hole)
    double inscribed = 0;  // the disk of this radius around `centre` lies inside the feature,
                           // except within 0.4 x inscribed of it (holes); 0 when unknown
    double bound = 0;      // the disk of this radius around `centre` contains the feature

    // Even-odd point-in-polygon (a point exactly on an edge may go either way).
    bool contains(Point p) const;
};

struct SynthLine {
    std::string code;
    std::string type;   // bedrock | sandy | muddy | biological | artificial | estuary
    int island = 0;     // 1 for an island's closed coastline
    LineString points;  // cell coordinates
};

struct SynthGeometry {
    SynthOptions options;
    std::int64_t margin = 0;              // nodata cells along every edge
    std::vector<Point> coast;             // (col, row) from row 0 to row N, rows evenly spaced
    double coast_min = 0, coast_max = 0;  // range of the coast's col
    double grid_cell = 0;                 // side of the redline placement grid (cells)
    std::vector<SynthFeature> islands;
    std::vector<SynthFeature> redline, cropland, protected_areas, urban, regions;
    SynthFeature land;
    std::vector<SynthLine> shoreline;
    std::vector<std::size_t> cropland_conflicts;  // cropland indices centred inside redline

    // The coast's col at a (continuous) row, linear between the vertices.
    double coast_x(double row) const;
    // True for a cell whose centre lies in the sea (east of the coast and on no island).
    bool is_sea_cell(std::int64_t col, std::int64_t row) const;
};

SynthGeometry build_synth_geometry(const SynthOptions& options);

// Cell coordinates -> CRS coordinates (x right, y up) with exteriors counter-clockwise and
// holes clockwise, as GeoPackage readers expect.
MultiPolygon synth_to_crs(const MultiPolygon& cells, const Grid& grid);
LineString synth_to_crs(const LineString& cells, const Grid& grid);

}  // namespace redline
