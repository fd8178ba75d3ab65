// MemoryRasterSource: every cell type at its extremes. Class codes are 32-bit signed integers;
// values outside that range are refused naming the value (never wrapped: a uint64 2^64 - 1 is
// not -1), and so is a nodata the type cannot hold or that is not a class code. The expected
// outcomes come from std::numeric_limits, independently of the source's own range helpers.
#include "redline/io/memory_raster_source.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
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

}  // namespace
}  // namespace redline
