// MemoryRasterSource: every cell type at its extremes. Class codes are 32-bit signed integers;
// values outside that range are refused naming the value (never wrapped: a uint64 2^64 - 1 is
// not -1), and so is a nodata the type cannot hold or that is not a class code. The expected
// outcomes come from std::numeric_limits, independently of the source's own range helpers.
#include "redline/io/memory_raster_source.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "redline/core/error.hpp"

namespace redline {
namespace {

constexpr std::int64_t kLo = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t kHi = std::numeric_limits<std::int32_t>::max();

template <class T>
CellType type_of();
template <>
CellType type_of<std::uint8_t>() {
    return CellType::UInt8;
}
template <>
CellType type_of<std::int8_t>() {
    return CellType::Int8;
}
template <>
CellType type_of<std::uint16_t>() {
    return CellType::UInt16;
}
template <>
CellType type_of<std::int16_t>() {
    return CellType::Int16;
}
template <>
CellType type_of<std::uint32_t>() {
    return CellType::UInt32;
}
template <>
CellType type_of<std::int32_t>() {
    return CellType::Int32;
}
template <>
CellType type_of<std::int64_t>() {
    return CellType::Int64;
}
template <>
CellType type_of<std::uint64_t>() {
    return CellType::UInt64;
}

// A value as decimal text, from its own type (no conversion through int64).
template <class T>
std::string text_of(T v) {
    if constexpr (std::is_signed_v<T>)
        return std::to_string(static_cast<long long>(v));
    else
        return std::to_string(static_cast<unsigned long long>(v));
}

template <class T>
bool fits_int32(T v) {
    if constexpr (std::is_signed_v<T>)
        return static_cast<long long>(v) >= kLo && static_cast<long long>(v) <= kHi;
    else
        return static_cast<unsigned long long>(v) <= static_cast<unsigned long long>(kHi);
}

// The extremes of T, -1, 0, 1 and the values around 2^31 and 2^63 that T can hold.
template <class T>
std::vector<T> extremes() {
    using L = std::numeric_limits<T>;
    std::vector<T> out = {
        L::min(), static_cast<T>(L::min() + 1), static_cast<T>(L::max() - 1), L::max(), T{0}, T{1}};
    for (long long x : std::initializer_list<long long>{-1, kLo - 1, kLo, kHi, kHi + 1,
                                                        INT64_MAX - 1, INT64_MAX}) {
        const bool holds =
            std::is_signed_v<T>
                ? x >= static_cast<long long>(L::min()) && x <= static_cast<long long>(L::max())
                : x >= 0 && static_cast<unsigned long long>(x) <=
                                static_cast<unsigned long long>(L::max());
        if (holds) out.push_back(static_cast<T>(x));
    }
    if constexpr (std::is_same_v<T, std::uint64_t>) out.push_back(std::uint64_t{1} << 63);
    return out;
}

const Grid kGrid(0.0, 1.0, 3.0, -1.0, 3, 3);  // 3 x 3 cells

template <class T>
void check_type() {
    const CellType type = type_of<T>();
    for (T v : extremes<T>()) {
        // The value at row 1, column 2 of cells that are otherwise 7.
        std::vector<T> cells(9, T{7});
        cells[1 * 3 + 2] = v;
        const std::string what = std::string(numpy_type_name(type)) + " " + text_of(v);
        if (fits_int32(v)) {
            MemoryRasterSource src(cells.data(), type, kGrid, "", std::nullopt);
            std::vector<std::int32_t> values(9);
            std::vector<std::uint8_t> valid(9);
            src.open_reader()->read(Window{0, 0, 3, 3}, values.data(), valid.data());
            EXPECT_EQ(std::to_string(values[5]), text_of(v)) << what;
            EXPECT_EQ(valid[5], 1) << what;
            EXPECT_EQ(values[0], 7) << what;
        } else {
            try {
                MemoryRasterSource src(cells.data(), type, kGrid, "", std::nullopt);
                ADD_FAILURE() << what << " was accepted";
            } catch (const Error& e) {
                EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << what;
                const std::string m = e.what();
                EXPECT_NE(m.find("class value " + text_of(v) + " at row 1, column 2"),
                          std::string::npos)
                    << m;
                EXPECT_NE(m.find(numpy_type_name(type)), std::string::npos) << m;
                EXPECT_NE(m.find("-2147483648..2147483647"), std::string::npos) << m;
            }
            // The same value as nodata: a value outside the class codes cannot be nodata either.
            EXPECT_THROW(
                MemoryRasterSource(cells.data(), type, kGrid, "", static_cast<std::int64_t>(v)),
                Error)
                << what;
        }
    }
}

TEST(MemoryRasterSource, EveryTypeAtItsExtremes) {
    check_type<std::uint8_t>();
    check_type<std::int8_t>();
    check_type<std::uint16_t>();
    check_type<std::int16_t>();
    check_type<std::uint32_t>();
    check_type<std::int32_t>();
    check_type<std::int64_t>();
    check_type<std::uint64_t>();
}

template <class T>
void check_nodata() {
    using L = std::numeric_limits<T>;
    const CellType type = type_of<T>();
    // Candidates as int64 (what the source takes): the type's bounds where int64 holds them,
    // -1, 0 and the class-code bounds and their neighbours.
    std::vector<std::int64_t> candidates = {-1,
                                            0,
                                            kLo - 1,
                                            kLo,
                                            kHi,
                                            kHi + 1,
                                            std::numeric_limits<std::int64_t>::min(),
                                            std::numeric_limits<std::int64_t>::max()};
    if (static_cast<unsigned long long>(L::max()) <= static_cast<unsigned long long>(INT64_MAX))
        candidates.push_back(static_cast<std::int64_t>(L::max()));
    candidates.push_back(static_cast<std::int64_t>(L::min()));
    for (std::int64_t nd : candidates) {
        const bool in_type = static_cast<long double>(nd) >= static_cast<long double>(L::min()) &&
                             static_cast<long double>(nd) <= static_cast<long double>(L::max());
        const bool ok = in_type && nd >= kLo && nd <= kHi;
        const std::string what =
            std::string(numpy_type_name(type)) + " nodata " + std::to_string(nd);
        std::vector<T> cells(9, T{7});
        if (in_type) cells[4] = static_cast<T>(nd);
        if (ok) {
            MemoryRasterSource src(cells.data(), type, kGrid, "", nd);
            std::vector<std::int32_t> values(9);
            std::vector<std::uint8_t> valid(9);
            src.open_reader()->read(Window{0, 0, 3, 3}, values.data(), valid.data());
            EXPECT_EQ(valid[4], 0) << what;
            EXPECT_EQ(valid[0], nd == 7 ? 0 : 1) << what;
        } else {
            try {
                MemoryRasterSource src(cells.data(), type, kGrid, "", nd);
                ADD_FAILURE() << what << " was accepted";
            } catch (const Error& e) {
                EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << what;
                const std::string m = e.what();
                EXPECT_NE(m.find("nodata=" + std::to_string(nd) + " "), std::string::npos) << m;
                EXPECT_NE(m.find(numpy_type_name(type)), std::string::npos) << m;
            }
        }
    }
}

TEST(MemoryRasterSource, NodataMustBeAValueOfTheTypeAndAClassCode) {
    check_nodata<std::uint8_t>();
    check_nodata<std::int8_t>();
    check_nodata<std::uint16_t>();
    check_nodata<std::int16_t>();
    check_nodata<std::uint32_t>();
    check_nodata<std::int32_t>();
    check_nodata<std::int64_t>();
    check_nodata<std::uint64_t>();
}

TEST(MemoryRasterSource, NodataCellsOutsideTheCodesAreNotScanned) {
    // A uint64 cell equal to nodata is invalid, not a class value, whatever the others hold.
    std::vector<std::uint64_t> cells = {5, 0, 2147483647, 0, 0, 0, 0, 0, 0};
    MemoryRasterSource src(cells.data(), CellType::UInt64, kGrid, "", 0);
    std::vector<std::int32_t> values(9);
    std::vector<std::uint8_t> valid(9);
    src.open_reader()->read(Window{0, 0, 3, 3}, values.data(), valid.data());
    EXPECT_EQ(values[0], 5);
    EXPECT_EQ(values[2], 2147483647);
    EXPECT_EQ(valid[1], 0);
    // The first offending cell in row-major order is named.
    cells = {1, 1, 1, 1, 1, std::uint64_t{1} << 63, 1, 1, ~std::uint64_t{0}};
    try {
        MemoryRasterSource bad(cells.data(), CellType::UInt64, kGrid, "", 0);
        ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("9223372036854775808 at row 1, column 2"),
                  std::string::npos)
            << e.what();
    }
}

// The byte path (read_u8, taken by TileClasses) gives what read gives for valid cells and the
// same validity, for an in-memory array and for one fetched window by window; other types
// decline it.
void expect_u8_equals_read(RasterReader& rd, const Window& w) {
    const auto n = static_cast<std::size_t>(w.cells());
    std::vector<std::int32_t> values(n);
    std::vector<std::uint8_t> bytes(n), valid(n), valid8(n);
    rd.read(w, values.data(), valid.data());
    ASSERT_TRUE(rd.read_u8(w, bytes.data(), valid8.data()));
    EXPECT_EQ(valid8, valid);
    for (std::size_t i = 0; i < n; ++i)
        if (valid[i]) {
            EXPECT_EQ(bytes[i], values[i]) << i;
        }
}

TEST(MemoryRasterSource, BytePathEqualsRead) {
    const Grid grid(0.0, 1.0, 4.0, -1.0, 5, 4);  // 5 x 4 cells
    const std::vector<std::uint8_t> cells = {0, 1,  2,   255, 7,  7, 7, 0, 0, 31,
                                             9, 10, 200, 0,   13, 1, 1, 1, 1, 254};
    Window w;
    w.col0 = 1;
    w.row0 = 1;
    w.cols = 3;
    w.rows = 3;
    for (std::optional<std::int64_t> nodata :
         {std::optional<std::int64_t>(), std::optional<std::int64_t>(0),
          std::optional<std::int64_t>(255)}) {
        MemoryRasterSource mem(cells.data(), CellType::UInt8, grid, "", nodata);
        expect_u8_equals_read(*mem.open_reader(), w);
        expect_u8_equals_read(*mem.open_reader(), mem.info().grid.full());
        CallbackRasterSource cb(
            [&](const Window& f, void* dst) {
                auto* out = static_cast<std::uint8_t*>(dst);
                for (std::int64_t r = 0; r < f.rows; ++r)
                    for (std::int64_t c = 0; c < f.cols; ++c)
                        out[r * f.cols + c] =
                            cells[static_cast<std::size_t>((f.row0 + r) * 5 + f.col0 + c)];
            },
            CellType::UInt8, grid, "", nodata, "", 5, 4);
        expect_u8_equals_read(*cb.open_reader(), w);
    }
    std::vector<std::uint8_t> valid0(1, 0);
    const std::vector<std::int16_t> shorts(20, 3);
    MemoryRasterSource other(shorts.data(), CellType::Int16, grid, "", std::nullopt);
    std::uint8_t b = 0;
    EXPECT_FALSE(other.open_reader()->read_u8(Window{0, 0, 1, 1}, &b, valid0.data()));
}

}  // namespace
}  // namespace redline
