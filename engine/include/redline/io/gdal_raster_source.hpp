#pragma once
// Any GDAL raster band holding integer classes (Byte, Int16, UInt16, Int32, UInt32).
// open() validates everything that can be checked up front, so a run does not fail halfway:
// the file opens (exit 3 otherwise), the band exists, the type is integer (a float band is
// InvalidInput, 64-bit integers Unsupported), the geotransform exists and is not rotated, and
// the raster has a CRS. Each reader opens its own GDAL handle (GDAL handles are not
// thread-safe), so open_reader() may be called from any thread.
#include <memory>
#include <string>

#include "redline/io/raster_source.hpp"

namespace redline {

class GdalRasterSource : public RasterSource {
  public:
    // Throws Error(Io) when the file cannot be opened, Error(InvalidInput) for the checks above.
    static std::unique_ptr<GdalRasterSource> open(const std::string& path, int band = 1);

    const RasterInfo& info() const override { return m_info; }
    std::unique_ptr<RasterReader> open_reader() const override;

  private:
    GdalRasterSource() = default;
    RasterInfo m_info;
    bool m_uint32 = false;
    bool m_nodata_compare = false;  // validity from the nodata value
    bool m_mask_band = false;       // validity from GDAL's mask band
};

// Sets GDAL's block cache (bytes) for the process; the engine calls it from the tile plan.
void set_gdal_cache_bytes(std::int64_t bytes);
// Empties GDAL's block cache (its limit is kept) and returns freed heap pages to the system:
// after a raster pass, so that writing the results does not hold the cache on top of them.
// Thread-safety: call when no raster is being read.
void release_gdal_block_cache();
// "GDAL 3.6.2" etc.
std::string gdal_version();

}  // namespace redline
