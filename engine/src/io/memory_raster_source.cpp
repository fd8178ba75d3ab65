#include "redline/io/memory_raster_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "redline/core/error.hpp"

namespace redline {
namespace {

// True when a cell value of type T is a class code (compared in T's own type, or in int64 for
// the narrower types, so that nothing wraps).
template <class T>
bool is_class_code(T v) {
    if constexpr (std::is_signed_v<T>)
        return static_cast<std::int64_t>(v) >= kMinClassCode &&
               static_cast<std::int64_t>(v) <= kMaxClassCode;
    else
        return static_cast<std::uint64_t>(v) <= static_cast<std::uint64_t>(kMaxClassCode);
}

template <class T>
[[noreturn]] void fail_class_value(T v, CellType type, std::int64_t row, std::int64_t col) {
    fail(ErrorKind::InvalidInput,
         fmt::format("the raster array ({}) holds the class value {} at row {}, column {}, outside "
                     "the class-code range {}..{} (32-bit signed integers): recode the classes "
                     "into that range, or mark the cells as nodata with a nodata value in range",
                     numpy_type_name(type), v, row, col, kMinClassCode, kMaxClassCode));
}

template <class T>
T native_nodata(std::optional<std::int64_t> nodata) {
    return nodata ? static_cast<T>(*nodata) : T{};
}

// Throws for the first cell (row-major) that is neither nodata nor a class code.
template <class T>
void scan(const T* data, CellType type, std::int64_t rows, std::int64_t cols,
          std::optional<std::int64_t> nodata) {
    if constexpr (sizeof(T) < 4 || std::is_same_v<T, std::int32_t>) {
        (void)data, (void)type, (void)rows, (void)cols, (void)nodata;
        return;  // every value is a class code
    } else {
        const T nd = native_nodata<T>(nodata);
        const std::int64_t n = rows * cols;
        for (std::int64_t i = 0; i < n; ++i) {
            const T v = data[i];
            if (!is_class_code(v) && !(nodata && v == nd))
                fail_class_value(v, type, i / cols, i % cols);
        }
    }
}

// Copies window `w` of `data` (rows of `stride` cells); `data` starts at cell (row0, col0) of the
// grid, which an error message adds to the cell's position (a fetched block: the window itself).
template <class T>
void copy_window(const T* data, CellType type, std::int64_t stride, const Window& w,
                 std::optional<std::int64_t> nodata, std::int32_t* values, std::uint8_t* valid,
                 std::int64_t row0 = 0, std::int64_t col0 = 0) {
    const T nd = native_nodata<T>(nodata);
    for (std::int64_t r = 0; r < w.rows; ++r) {
        const T* src = data + (w.row0 + r) * stride + w.col0;
        std::int32_t* dv = values + r * w.cols;
        std::uint8_t* dm = valid + r * w.cols;
        for (std::int64_t c = 0; c < w.cols; ++c) {
            const T v = src[c];
            if (nodata && v == nd) {
                dv[c] = 0;
                dm[c] = 0;
                continue;
            }
            // Scanned when the source was made; checked again in case the caller changed them.
            if (!is_class_code(v)) fail_class_value(v, type, row0 + w.row0 + r, col0 + w.col0 + c);
            dv[c] = static_cast<std::int32_t>(v);
            dm[c] = 1;
        }
    }
}

// The byte path of copy_window (RasterReader::read_u8): every byte is a class code, so the
// cells are copied as they are and only nodata is marked invalid.
void copy_window_u8(const std::uint8_t* data, std::int64_t stride, const Window& w,
                    std::optional<std::int64_t> nodata, std::uint8_t* values, std::uint8_t* valid) {
    const std::uint8_t nd = native_nodata<std::uint8_t>(nodata);
    const auto cols = static_cast<std::size_t>(w.cols);
    for (std::int64_t r = 0; r < w.rows; ++r) {
        const std::uint8_t* src = data + (w.row0 + r) * stride + w.col0;
        std::uint8_t* dv = values + r * w.cols;
        std::uint8_t* dm = valid + r * w.cols;
        std::copy(src, src + cols, dv);
        if (nodata)
            for (std::size_t c = 0; c < cols; ++c) dm[c] = dv[c] != nd;
        else
            std::fill(dm, dm + cols, std::uint8_t{1});
    }
}

// Calls f(typed pointer) for the cell type.
template <class F>
void with_type(const void* data, CellType type, F&& f) {
    switch (type) {
        case CellType::UInt8:
            return f(static_cast<const std::uint8_t*>(data));
        case CellType::Int8:
            return f(static_cast<const std::int8_t*>(data));
        case CellType::UInt16:
            return f(static_cast<const std::uint16_t*>(data));
        case CellType::Int16:
            return f(static_cast<const std::int16_t*>(data));
        case CellType::UInt32:
            return f(static_cast<const std::uint32_t*>(data));
        case CellType::Int32:
            return f(static_cast<const std::int32_t*>(data));
        case CellType::Int64:
            return f(static_cast<const std::int64_t*>(data));
        case CellType::UInt64:
            return f(static_cast<const std::uint64_t*>(data));
    }
}

template <class T>
NodataRange type_range() {
    const auto lo = static_cast<std::int64_t>(std::numeric_limits<T>::min());
    const std::int64_t hi =
        static_cast<std::uint64_t>(std::numeric_limits<T>::max()) >
                static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
            ? std::numeric_limits<std::int64_t>::max()
            : static_cast<std::int64_t>(std::numeric_limits<T>::max());
    return {std::max(lo, kMinClassCode), std::min(hi, kMaxClassCode)};
}

const char* gdal_type_name(CellType t) {
    switch (t) {
        case CellType::UInt8:
            return "Byte";
        case CellType::Int8:
            return "Int8";
        case CellType::UInt16:
            return "UInt16";
        case CellType::Int16:
            return "Int16";
        case CellType::UInt32:
            return "UInt32";
        case CellType::Int32:
            return "Int32";
        case CellType::Int64:
            return "Int64";
        case CellType::UInt64:
            return "UInt64";
    }
    return "?";
}

class MemoryReader : public RasterReader {
  public:
    MemoryReader(const void* data, CellType type, std::int64_t stride,
                 std::optional<std::int64_t> nodata)
        : m_data(data), m_type(type), m_stride(stride), m_nodata(nodata) {}
    void read(const Window& w, std::int32_t* values, std::uint8_t* valid) override {
        with_type(m_data, m_type, [&](const auto* p) {
            copy_window(p, m_type, m_stride, w, m_nodata, values, valid);
        });
    }
    bool read_u8(const Window& w, std::uint8_t* values, std::uint8_t* valid) override {
        if (m_type != CellType::UInt8) return false;
        copy_window_u8(static_cast<const std::uint8_t*>(m_data), m_stride, w, m_nodata, values,
                       valid);
        return true;
    }

  private:
    const void* m_data;
    CellType m_type;
    std::int64_t m_stride;
    std::optional<std::int64_t> m_nodata;
};

std::size_t cell_bytes(CellType type) {
    std::size_t n = 0;
    with_type(nullptr, type, [&](const auto* p) { n = sizeof(*p); });
    return n;
}

class CallbackReader : public RasterReader {
  public:
    CallbackReader(const CallbackRasterSource::Fetch& fetch, CellType type,
                   std::optional<std::int64_t> nodata)
        : m_fetch(fetch), m_type(type), m_nodata(nodata) {}
    void read(const Window& w, std::int32_t* values, std::uint8_t* valid) override {
        if (w.empty()) return;
        m_block.resize(static_cast<std::size_t>(w.cells()) * cell_bytes(m_type));
        m_fetch(w, m_block.data());
        const Window local{0, 0, w.cols, w.rows};
        with_type(m_block.data(), m_type, [&](const auto* p) {
            copy_window(p, m_type, w.cols, local, m_nodata, values, valid, w.row0, w.col0);
        });
    }
    bool read_u8(const Window& w, std::uint8_t* values, std::uint8_t* valid) override {
        if (m_type != CellType::UInt8) return false;
        if (w.empty()) return true;
        m_block.resize(static_cast<std::size_t>(w.cells()));
        m_fetch(w, m_block.data());
        copy_window_u8(reinterpret_cast<const std::uint8_t*>(m_block.data()), w.cols,
                       Window{0, 0, w.cols, w.rows}, m_nodata, values, valid);
        return true;
    }

  private:
    const CallbackRasterSource::Fetch& m_fetch;
    CellType m_type;
    std::optional<std::int64_t> m_nodata;
    std::vector<unsigned char> m_block;
};

// The description of an in-memory raster (block sizes aside).
RasterInfo array_info(CellType type, const Grid& grid, std::string crs_wkt,
                      std::optional<std::int64_t> nodata, std::string crs_label) {
    RasterInfo info;
    info.path = "<array>";
    info.grid = grid;
    info.crs_wkt = std::move(crs_wkt);
    info.crs_label = std::move(crs_label);
    info.nodata = nodata;
    info.data_type = gdal_type_name(type);
    return info;
}

void check_nodata(std::optional<std::int64_t> nodata, CellType type) {
    if (!nodata) return;
    const NodataRange r = nodata_range(type);
    if (*nodata < r.lo || *nodata > r.hi) fail_bad_nodata(std::to_string(*nodata), type);
}

}  // namespace

const char* numpy_type_name(CellType type) {
    switch (type) {
        case CellType::UInt8:
            return "uint8";
        case CellType::Int8:
            return "int8";
        case CellType::UInt16:
            return "uint16";
        case CellType::Int16:
            return "int16";
        case CellType::UInt32:
            return "uint32";
        case CellType::Int32:
            return "int32";
        case CellType::Int64:
            return "int64";
        case CellType::UInt64:
            return "uint64";
    }
    return "?";
}

NodataRange nodata_range(CellType type) {
    NodataRange r{};
    with_type(nullptr, type, [&](const auto* p) {
        r = type_range<std::remove_cv_t<std::remove_pointer_t<decltype(p)>>>();
    });
    return r;
}

void fail_bad_nodata(const std::string& value, CellType type) {
    const NodataRange r = nodata_range(type);
    fail(ErrorKind::InvalidInput,
         fmt::format("nodata={} cannot mark cells of a {} raster array: nodata must be a whole "
                     "number that the array can hold and that is a class code (class codes are "
                     "32-bit signed integers, {}..{}), so {}..{} for {}",
                     value, numpy_type_name(type), kMinClassCode, kMaxClassCode, r.lo, r.hi,
                     numpy_type_name(type)));
}

MemoryRasterSource::MemoryRasterSource(const void* data, CellType type, const Grid& grid,
                                       std::string crs_wkt, std::optional<std::int64_t> nodata,
                                       std::string crs_label)
    : m_data(data), m_type(type) {
    check_nodata(nodata, type);
    with_type(data, type, [&](const auto* p) { scan(p, type, grid.rows(), grid.cols(), nodata); });
    m_info = array_info(type, grid, std::move(crs_wkt), nodata, std::move(crs_label));
    m_info.block_cols = grid.cols();
    m_info.block_rows = std::max<std::int64_t>(
        1, std::min<std::int64_t>(
               grid.rows(), (std::int64_t{1} << 20) / std::max<std::int64_t>(1, grid.cols())));
}

std::unique_ptr<RasterReader> MemoryRasterSource::open_reader() const {
    return std::make_unique<MemoryReader>(m_data, m_type, m_info.grid.cols(), m_info.nodata);
}

CallbackRasterSource::CallbackRasterSource(Fetch fetch, CellType type, const Grid& grid,
                                           std::string crs_wkt, std::optional<std::int64_t> nodata,
                                           std::string crs_label, std::int64_t block_cols,
                                           std::int64_t block_rows)
    : m_fetch(std::move(fetch)), m_type(type) {
    check_nodata(nodata, type);
    m_info = array_info(type, grid, std::move(crs_wkt), nodata, std::move(crs_label));
    m_info.block_cols =
        std::clamp<std::int64_t>(block_cols, 1, std::max<std::int64_t>(1, grid.cols()));
    m_info.block_rows =
        std::clamp<std::int64_t>(block_rows, 1, std::max<std::int64_t>(1, grid.rows()));
    m_info.read_strategy = "fetched window by window (chunked array)";
}

std::unique_ptr<RasterReader> CallbackRasterSource::open_reader() const {
    return std::make_unique<CallbackReader>(m_fetch, m_type, m_info.nodata);
}

}  // namespace redline
