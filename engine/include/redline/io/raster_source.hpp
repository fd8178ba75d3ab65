#pragma once
// Abstract raster input for the engine: a thread-safe source of per-thread readers.
// Class values are delivered as int32 with a validity byte per cell (0 = nodata or masked).
// Implementations: GdalRasterSource (any GDAL raster), MemoryRasterSource (arrays, numpy).
//
// Class codes are 32-bit signed integers, kMinClassCode..kMaxClassCode. A source whose cells
// hold a value outside that range (a UInt32 file above 2^31 - 1, a numpy int64/uint64 array) is
// refused with Error(InvalidInput) naming the value; values are never wrapped or clipped.
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "redline/core/grid.hpp"

namespace redline {

inline constexpr std::int64_t kMinClassCode = std::numeric_limits<std::int32_t>::min();
inline constexpr std::int64_t kMaxClassCode = std::numeric_limits<std::int32_t>::max();

struct RasterInfo {
    std::string path;  // as given by the user ("" for memory)
    int band = 1;
    Grid grid;
    std::string crs_wkt;                 // WKT2; "" when the raster has none
    std::string crs_label;               // "EPSG:4490" or the CRS name
    std::optional<std::int64_t> nodata;  // the band's nodata value when it is an integer in range
    std::string data_type;               // "Byte", "Int16", ...
    std::int64_t block_cols = 256, block_rows = 256;
    bool has_mask = false;         // a per-dataset mask or alpha band defines validity
    std::string read_strategy;     // how blocks are read and cached (for --verbose)
    std::int64_t cache_bytes = 0;  // GDAL block cache the reader needs (bytes; 0 = reads bypass it)
    std::vector<std::string> warnings;
};

class RasterReader {
  public:
    virtual ~RasterReader() = default;
    // Reads the window (inside the grid) row-major into values[cols*rows] and valid[cols*rows].
    // Throws Error(Io) naming the file and the window on a read failure.
    virtual void read(const Window& w, std::int32_t* values, std::uint8_t* valid) = 0;
    // The same for a raster holding bytes, without widening; returns false (and reads nothing)
    // when the raster does not hold bytes. DEFAULT: false.
    virtual bool read_u8(const Window& w, std::uint8_t* values, std::uint8_t* valid) {
        (void)w, (void)values, (void)valid;
        return false;
    }
};

class RasterSource {
  public:
    virtual ~RasterSource() = default;
    virtual const RasterInfo& info() const = 0;
    // A new reader with its own file handle; safe to call from any thread.
    virtual std::unique_ptr<RasterReader> open_reader() const = 0;
};

// Throws Error(InvalidInput) unless `a` and `b` lie on one grid: the same CRS, size, cell size
// and origin. The message reads "SUBJECT do not share a grid: their WHAT differ ('A' has .., 'B'
// has ..). Warp one onto the other's grid first (gdalwarp ...), then NEXT." (e.g. subject
// "--t0 and --t1", next "compare").
void require_same_grid(const RasterInfo& a, const RasterInfo& b, const std::string& subject,
                       const std::string& next);

}  // namespace redline
