#pragma once
// A raster held in memory (a numpy array, a test fixture). The source does not copy the cells:
// the caller keeps `data` alive and unchanged while readers exist.
// Thread-safety: readers only read `data`; many may run concurrently.
#include "redline/io/raster_source.hpp"

namespace redline {

enum class CellType { UInt8, Int8, UInt16, Int16, UInt32, Int32, Int64, UInt64 };

class MemoryRasterSource : public RasterSource {
public:
    // `data` is row-major with rows x cols cells of `type`; `nodata` marks invalid cells.
    MemoryRasterSource(const void* data, CellType type, const Grid& grid, std::string crs_wkt,
                       std::optional<std::int64_t> nodata, std::string crs_label = "");
    const RasterInfo& info() const override { return m_info; }
    std::unique_ptr<RasterReader> open_reader() const override;

private:
    const void* m_data;
    CellType m_type;
    RasterInfo m_info;
};

}  // namespace redline
