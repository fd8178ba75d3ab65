#pragma once
// The data of the report's interactive map (report.html, drawn by Leaflet offline): GeoJSON
// feature collections in longitude/latitude degrees on the reference CRS's datum, coordinates
// rounded to 1e-5 degree (about 1 m):
//   land       the land boundary (thinned for display, never for computation)
//   regions    the region outlines, with their names
//   redline    the redline union's outline (thinned); polygons smaller than a pixel of the full
//              view in both directions are left out as clustered points
//   violation, below_mmu, permitted
//              the change patches inside the redline as points (the patch's largest cell),
//              clickable: id, zone, rule, from -> to classes, area (m2; the page adds km2, the
//              status from the layer and the two dates from `dates`); at most `max_patches` per
//              status, largest first (the full list is in the patch table beside the report)
//   conflicts  the overlaps of the three control lines (redline, cropland, urban) as polygons in
//              their own CRS's degrees, clickable: the two layers and features and the area;
//              at most `max_patches`, largest first.
//   capped     per layer, the number of features left out; `clusters` holds them per layer as
//              [lon, lat, count, area_m2] on a grid of about 16 pixels (drawn as sized circles).
// Outlines are thinned for a map `width` pixels wide across the report's extent (thin_for_map),
// so a national redline stays a few megabytes. Returns null when the report has no extent.
// Thread-safety: uses the context of one report.
#include <cstddef>
#include <nlohmann/json.hpp>

namespace redline {

class ReportContext;

struct WebMapOptions {
    int width = 1600;                // DEFAULT 1600 px (the PNG map is 1200)
    std::size_t max_patches = 5000;  // DEFAULT 5 000 per status (and conflicts); the rest clustered
};

nlohmann::json web_map_layers(ReportContext& ctx, const WebMapOptions& opts = {});

}  // namespace redline
