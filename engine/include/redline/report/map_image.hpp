#pragma once
// The report's map picture: the land-cover raster (nearest-neighbour preview coloured by class
// group), the land and region outlines, the redline outline and the change patches as dots
// (violation magenta, below-MMU orange, permitted blue). Pure pixels; PNG encoding is in io/.
// Thread-safety: reentrant.
#include <string>
#include <vector>

#include "redline/core/class_table.hpp"
#include "redline/core/geometry.hpp"
#include "redline/report/report_job.hpp"

namespace redline {

struct MapPatch {
    Point at;
    std::string status;
};

struct MapLayers {
    Box extent;               // map extent in the layers' CRS
    std::string raster_path;  // "" = no background
    int raster_band = 1;
    const ClassTable* classes = nullptr;
    const std::vector<MultiPolygon>* land = nullptr;  // outlined: pieces of the land union
    std::vector<const MultiPolygon*> regions;
    const std::vector<MultiPolygon>* redline = nullptr;  // outlined: pieces of the redline union
    std::vector<MapPatch> patches;
};

ReportMap render_map(const MapLayers& layers, int width);

// A copy of `pieces` for drawing on a map of `extent` that is `width` pixels wide: each ring
// keeps only the vertices at least a quarter pixel from the last one kept, and its closing
// vertex, so the drawn outline is the same to within a pixel. A national redline (54 million
// vertices) shrinks to what 1200 pixels can show, so it can be held through a long run.
std::vector<MultiPolygon> thin_for_map(const std::vector<MultiPolygon>& pieces, const Box& extent,
                                       int width);

// Colour (RGB) of a class by its group; white for unknown codes.
void class_colour(const ClassTable& t, std::int64_t code, std::uint8_t rgb[3]);

}  // namespace redline
