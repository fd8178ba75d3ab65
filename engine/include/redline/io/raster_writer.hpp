#pragma once
// Writing a single-band Byte GeoTIFF block by block: tiled, DEFLATE-compressed, with a CRS,
// a geotransform and an optional nodata value. Blocks are written in the order the caller
// gives (write them in a fixed order for byte-identical files). The file is written to a
// temporary beside the target and renamed by commit(); destroyed without commit(), it leaves
// nothing behind (README.md, Promises).
// Thread-safety: one writer per thread; write_block is not concurrent.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "redline/core/grid.hpp"

namespace redline {

struct RasterWriteSpec {
    Grid grid;
    std::string crs_wkt;               // WKT, PROJ string or EPSG:n (SetFromUserInput); "" = none
    std::int64_t block = 512;          // DEFAULT 512: square block side, a multiple of 16
    std::optional<int> nodata;         // declared nodata value (0..255); DEFAULT none
    std::string compress = "DEFLATE";  // DEFAULT DEFLATE (any GTiff COMPRESS value)
    int zlevel = 6;                    // DEFAULT 6 (DEFLATE level)
};

class RasterWriter {
  public:
    // Creates the file; throws Error(Io) naming the path when GDAL cannot.
    RasterWriter(const std::string& path, const RasterWriteSpec& spec);
    ~RasterWriter();
    RasterWriter(const RasterWriter&) = delete;
    RasterWriter& operator=(const RasterWriter&) = delete;

    std::int64_t blocks_x() const;
    std::int64_t blocks_y() const;
    // Writes block (bx, by): `cells` holds block x block values row-major (cells beyond the
    // raster edge are ignored). Throws Error(Io).
    void write_block(std::int64_t bx, std::int64_t by, const std::uint8_t* cells);
    // Flushes, closes and renames into place. Throws Error(Io).
    void commit();

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace redline
