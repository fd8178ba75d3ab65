#pragma once
// Pictures from rasters and to PNG files (report maps). Thread-safety: reentrant.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace redline {

// Reads band `band` of a raster resampled (nearest neighbour) to cols x rows, with validity
// (0 = nodata / masked). Throws Error(Io) when the raster cannot be read.
void read_raster_preview(const std::string& path, int band, int cols, int rows,
                         std::vector<std::int32_t>& values, std::vector<std::uint8_t>& valid);

// An 8-bit image (row-major, `bands` = 3 (RGB) or 4 (RGBA) bytes per pixel) as PNG bytes.
std::string encode_png(const std::vector<std::uint8_t>& pixels, int width, int height, int bands);
// An 8-bit palette image (one index byte per pixel) as PNG bytes; the palette's alpha goes into
// the PNG's tRNS chunk. Far smaller than RGBA for pictures of a few colours.
std::string encode_png_palette(const std::vector<std::uint8_t>& index, int width, int height,
                               const std::vector<std::array<std::uint8_t, 4>>& palette);

// Writes an 8-bit RGB image (row-major, 3 bytes per pixel) as PNG, atomically.
void write_png(const std::string& path, const std::vector<std::uint8_t>& rgb, int width,
               int height);

}  // namespace redline
