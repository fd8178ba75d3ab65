#pragma once
// A raster held in memory (a numpy array, a test fixture). The source does not copy the cells:
// the caller keeps `data` alive and unchanged while readers exist.
//
// Class codes (raster_source.hpp) are 32-bit signed integers; cells of the wider types (UInt32,
// Int64, UInt64) are scanned once when the source is made, and a value outside
// kMinClassCode..kMaxClassCode that is not the nodata value is refused with Error(InvalidInput)
// naming the value, its row and column, the type and the range. `nodata` must be a value the
// type can hold that is also a class code (nodata_range()); otherwise Error(InvalidInput).
// Values are compared in their own type: nothing is wrapped (a UInt64 2^64 - 1 is not -1).
// Thread-safety: readers only read `data`; many may run concurrently.
#include <functional>
#include <string>

#include "redline/io/raster_source.hpp"

namespace redline {

enum class CellType { UInt8, Int8, UInt16, Int16, UInt32, Int32, Int64, UInt64 };

// The numpy name of a cell type: "uint8", "int8", ..., "uint64".
const char* numpy_type_name(CellType type);

// The values a nodata of `type` may take: the type's range clipped to the class-code range
// (uint8: 0..255; uint32 and uint64: 0..2147483647; int64: -2147483648..2147483647).
struct NodataRange {
    std::int64_t lo, hi;
};
NodataRange nodata_range(CellType type);

// Throws Error(InvalidInput): `value` (as the caller wrote it, e.g. "18446744073709551614" or
// "2.5") cannot be the nodata of an array of `type`.
[[noreturn]] void fail_bad_nodata(const std::string& value, CellType type);

class MemoryRasterSource : public RasterSource {
  public:
    // `data` is row-major with rows x cols cells of `type`; cells equal to `nodata` are invalid.
    // Throws Error(InvalidInput) for a nodata outside nodata_range(type) and for a cell value
    // outside the class-code range (the first one in row-major order).
    MemoryRasterSource(const void* data, CellType type, const Grid& grid, std::string crs_wkt,
                       std::optional<std::int64_t> nodata, std::string crs_label = "");
    const RasterInfo& info() const override { return m_info; }
    std::unique_ptr<RasterReader> open_reader() const override;

  private:
    const void* m_data;
    CellType m_type;
    RasterInfo m_info;
};

// A raster whose cells are fetched one window at a time (a Dask array, computed tile by tile):
// nothing is held in memory between reads. `fetch(w, dst)` fills dst with the w.rows x w.cols
// cells of the window, row-major, of `type` (dst holds w.cells() * the type's size bytes); it
// may be called from any worker thread, concurrently, and throws to fail the read. Cells are
// checked as they are read: a value outside the class-code range that is not nodata throws
// Error(InvalidInput) naming it, its row and column (of the whole grid). `block_cols` x
// `block_rows` is the storage block (the Dask chunk) that tiles are aligned to.
class CallbackRasterSource : public RasterSource {
  public:
    using Fetch = std::function<void(const Window& w, void* dst)>;
    CallbackRasterSource(Fetch fetch, CellType type, const Grid& grid, std::string crs_wkt,
                         std::optional<std::int64_t> nodata, std::string crs_label,
                         std::int64_t block_cols, std::int64_t block_rows);
    const RasterInfo& info() const override { return m_info; }
    std::unique_ptr<RasterReader> open_reader() const override;

  private:
    Fetch m_fetch;
    CellType m_type;
    RasterInfo m_info;
};

}  // namespace redline
