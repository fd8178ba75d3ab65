#pragma once
// The data of the report's interactive map (report.html, drawn by Leaflet offline), in
// longitude/latitude degrees on the reference CRS's datum. Polygon layers are
//   {"encoding": "polyline5", "features": [{"p": {properties}, "g": [[ring, ...], ...]}]}
// with each ring in Google's encoded polyline format (1e-5 degree, about 1 m; no closing vertex),
// about a third of the bytes of GeoJSON text; points are GeoJSON.
//   land       the land boundary (thinned for display, never for computation)
//   regions    the region outlines, with their names
//   redline_image  the whole redline as a PNG in Web Mercator rows (report/map_overlay.hpp),
//              `overlay_width` pixels wide: {png (base64), width, height, bounds [[s, w], [n, e]]}
//   redline    the outlines of the redline union's polygons at least `outline_min_px` pixels of
//              the full view wide or high (thinned); the page draws those in view once zoomed in
//              beyond the picture's resolution (the smaller ones are in the picture only)
//   violation, below_mmu, permitted
//              the change patches inside the redline as points (the patch's largest cell),
//              clickable: id, zone, rule, from -> to classes, area (m2; the page adds km2, the
//              status from the layer and the two dates from `dates`); at most `max_patches` per
//              status, largest first (the full list is in the patch table beside the report)
//   conflicts  the overlaps of the three control lines (redline, cropland, urban) as polygons,
//              clickable: the two layers and features and the area; at most `max_patches`,
//              largest first.
//   capped     per layer, the number of features left out; `clusters` holds them per layer as
//              [lon, lat, count, area_m2] on a grid of about 32 pixels (drawn as sized circles).
// Outlines are thinned for a map `width` pixels wide across the report's extent (thin_for_map).
// Returns null when the report has no extent.
// Thread-safety: uses the context of one report.
#include <cstddef>
#include <nlohmann/json.hpp>

namespace redline {

class ReportContext;

struct WebMapOptions {
    int width = 1600;          // DEFAULT 1600 px (the PNG map is 1200)
    int overlay_width = 3200;  // DEFAULT 3200 px: the redline picture, twice the map
    // DEFAULT 2 px: a national redline has some 70,000 polygons of 1-2 px of the full view
    // (2.5-5 km), 6 MB of outlines that would add little to their 2-4 pixels in the picture.
    double outline_min_px = 2;
    std::size_t max_patches = 2000;  // DEFAULT 2 000 per status (and conflicts); the rest clustered
};

nlohmann::json web_map_layers(ReportContext& ctx, const WebMapOptions& opts = {});

}  // namespace redline
