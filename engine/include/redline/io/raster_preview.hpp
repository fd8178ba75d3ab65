#pragma once
// Pictures from rasters and to PNG files (report maps). Thread-safety: reentrant.
#include <cstdint>
#include <string>
#include <vector>

namespace redline {

// Reads band `band` of a raster resampled (nearest neighbour) to cols x rows, with validity
// (0 = nodata / masked). Throws Error(Io) when the raster cannot be read.
void read_raster_preview(const std::string& path, int band, int cols, int rows,
                         std::vector<std::int32_t>& values, std::vector<std::uint8_t>& valid);

// Writes an 8-bit RGB image (row-major, 3 bytes per pixel) as PNG, atomically.
void write_png(const std::string& path, const std::vector<std::uint8_t>& rgb, int width,
               int height);

}  // namespace redline
