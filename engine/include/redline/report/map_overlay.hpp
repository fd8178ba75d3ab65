#pragma once
// Polygons drawn as a picture for the interactive map (report/web_map.hpp): a palette PNG in Web
// Mercator rows (the projection Leaflet draws in, EPSG:3857's sphere), so that L.imageOverlay
// places every pixel where the polygons are. Each pixel's opacity grows with the fraction of it
// the polygons cover (exact coverage, coverage/coverage_rasterizer.hpp): a polygon far smaller
// than a pixel still shows as a faint dot, so at national scale the 100,000s of redline
// polygons smaller than a pixel stay visible without being sent one by one.
// Display only: nothing is computed from the picture.
// Thread-safety: reentrant.
#include <cstdint>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"

namespace redline {

struct MapOverlay {
    std::string png;            // PNG bytes (RGBA); empty when nothing to draw
    int width = 0, height = 0;  // pixels
    double west = 0, south = 0, east = 0, north = 0;  // bounds, degrees of longitude / latitude
};

struct OverlayStyle {
    std::uint8_t rgb[3] = {0x2e, 0x9d, 0x4f};  // DEFAULT the redline's green
    double min_alpha = 0.35;  // DEFAULT opacity of a pixel the polygons barely touch
    double max_alpha = 0.7;   // DEFAULT opacity of a fully covered pixel
    // DEFAULT 8 opacity steps between the two (a palette PNG: a national redline's picture is
    // about 1 MB where RGBA with every opacity took 4 MB).
    int levels = 8;
};

// `lonlat`: polygons in degrees (x longitude, y latitude), disjoint (a union's pieces), latitudes
// clamped to +-85.05 (the Mercator limit). `width`: pixels across the polygons' extent (DEFAULT
// of the caller: twice the map's width); the height follows from the Mercator aspect.
MapOverlay render_overlay(const std::vector<MultiPolygon>& lonlat, int width,
                          const OverlayStyle& style = {});

}  // namespace redline
