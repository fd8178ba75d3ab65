#include "redline/io/memory_raster_source.hpp"

#include <limits>

#include <fmt/format.h>

#include "redline/core/error.hpp"

namespace redline {
namespace {

template <class T>
void copy_window(const T* data, std::int64_t stride, const Window& w, std::optional<std::int64_t> nodata,
                 std::int32_t* values, std::uint8_t* valid) {
    for (std::int64_t r = 0; r < w.rows; ++r) {
        const T* src = data + (w.row0 + r) * stride + w.col0;
        std::int32_t* dv = values + r * w.cols;
        std::uint8_t* dm = valid + r * w.cols;
        for (std::int64_t c = 0; c < w.cols; ++c) {
            const auto v = static_cast<std::int64_t>(src[c]);
            if (nodata && v == *nodata) {
                dv[c] = 0;
                dm[c] = 0;
                continue;
            }
            if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
                fail(ErrorKind::Unsupported,
                     fmt::format("class value {} at row {}, column {} does not fit in 32 bits", v,
                                 w.row0 + r, w.col0 + c));
            dv[c] = static_cast<std::int32_t>(v);
            dm[c] = 1;
        }
    }
}

class MemoryReader : public RasterReader {
public:
    MemoryReader(const void* data, CellType type, std::int64_t stride, std::optional<std::int64_t> nodata)
        : m_data(data), m_type(type), m_stride(stride), m_nodata(nodata) {}
    void read(const Window& w, std::int32_t* values, std::uint8_t* valid) override {
        switch (m_type) {
            case CellType::UInt8: return copy_window(static_cast<const std::uint8_t*>(m_data), m_stride, w, m_nodata, values, valid);
            case CellType::Int8: return copy_window(static_cast<const std::int8_t*>(m_data), m_stride, w, m_nodata, values, valid);
            case CellType::UInt16: return copy_window(static_cast<const std::uint16_t*>(m_data), m_stride, w, m_nodata, values, valid);
            case CellType::Int16: return copy_window(static_cast<const std::int16_t*>(m_data), m_stride, w, m_nodata, values, valid);
            case CellType::UInt32: return copy_window(static_cast<const std::uint32_t*>(m_data), m_stride, w, m_nodata, values, valid);
            case CellType::Int32: return copy_window(static_cast<const std::int32_t*>(m_data), m_stride, w, m_nodata, values, valid);
            case CellType::Int64: return copy_window(static_cast<const std::int64_t*>(m_data), m_stride, w, m_nodata, values, valid);
            case CellType::UInt64: return copy_window(static_cast<const std::uint64_t*>(m_data), m_stride, w, m_nodata, values, valid);
        }
    }

private:
    const void* m_data;
    CellType m_type;
    std::int64_t m_stride;
    std::optional<std::int64_t> m_nodata;
};

const char* type_name(CellType t) {
    switch (t) {
        case CellType::UInt8: return "Byte";
        case CellType::Int8: return "Int8";
        case CellType::UInt16: return "UInt16";
        case CellType::Int16: return "Int16";
        case CellType::UInt32: return "UInt32";
        case CellType::Int32: return "Int32";
        case CellType::Int64: return "Int64";
        case CellType::UInt64: return "UInt64";
    }
    return "?";
}

}  // namespace

MemoryRasterSource::MemoryRasterSource(const void* data, CellType type, const Grid& grid,
                                       std::string crs_wkt, std::optional<std::int64_t> nodata,
                                       std::string crs_label)
    : m_data(data), m_type(type) {
    m_info.path = "<array>";
    m_info.grid = grid;
    m_info.crs_wkt = std::move(crs_wkt);
    m_info.crs_label = std::move(crs_label);
    m_info.nodata = nodata;
    m_info.data_type = type_name(type);
    m_info.block_cols = grid.cols();
    m_info.block_rows = std::max<std::int64_t>(1, std::min<std::int64_t>(grid.rows(), (std::int64_t{1} << 20) / std::max<std::int64_t>(1, grid.cols())));
}

std::unique_ptr<RasterReader> MemoryRasterSource::open_reader() const {
    return std::make_unique<MemoryReader>(m_data, m_type, m_info.grid.cols(), m_info.nodata);
}

}  // namespace redline
