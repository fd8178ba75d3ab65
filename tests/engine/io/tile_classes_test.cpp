// TileClasses: local indices in order of first appearance, 0 for invalid cells, and the AVX-512
// path (where the processor has it) equal to the scalar one on tiles where new values appear in
// the first cell, mid-tile, in the last group of 64, in a tail shorter than 64, and where more
// than 254 values make the byte table overflow.
#include "redline/io/tile_classes.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace redline {
namespace {

// A byte raster of one tile held in memory.
class ByteReader : public RasterReader {
  public:
    ByteReader(std::vector<std::uint8_t> v, std::vector<std::uint8_t> ok)
        : m_v(std::move(v)), m_ok(std::move(ok)) {}
    void read(const Window&, std::int32_t*, std::uint8_t*) override { FAIL(); }
    bool read_u8(const Window& w, std::uint8_t* values, std::uint8_t* valid) override {
        for (std::int64_t i = 0; i < w.cells(); ++i) {
            values[i] = m_v[static_cast<std::size_t>(i)];
            valid[i] = m_ok[static_cast<std::size_t>(i)];
        }
        return true;
    }

  private:
    std::vector<std::uint8_t> m_v, m_ok;
};

Window tile_of(std::int64_t rows, std::int64_t cols) {
    Window w;
    w.rows = rows;
    w.cols = cols;
    return w;
}

std::vector<std::uint16_t> locals(TileClasses& tc, const Window& w) {
    std::vector<std::uint16_t> out;
    for (std::int64_t r = 0; r < w.rows; ++r) out.insert(out.end(), tc.row(r), tc.row(r) + w.cols);
    return out;
}

TEST(TileClasses, FirstAppearanceOrderAndInvalidCells) {
    const Window w = tile_of(2, 3);
    ByteReader rd({7, 3, 7, 9, 3, 200}, {1, 1, 1, 1, 0, 1});
    for (bool vec : {false, true}) {
        TileClasses tc(vec);
        tc.load(rd, w);
        ASSERT_EQ(tc.count(), 4u);
        EXPECT_EQ(tc.value(1), 7);
        EXPECT_EQ(tc.value(2), 3);
        EXPECT_EQ(tc.value(3), 9);
        EXPECT_EQ(tc.value(4), 200);
        EXPECT_EQ(locals(tc, w), (std::vector<std::uint16_t>{1, 2, 1, 3, 0, 4}));
    }
}

void expect_same(const std::vector<std::uint8_t>& v, const std::vector<std::uint8_t>& ok,
                 const Window& w) {
    ByteReader rd(v, ok);
    TileClasses scalar(false), best(true);
    EXPECT_FALSE(scalar.vectorized());
    scalar.load(rd, w);
    best.load(rd, w);
    ASSERT_EQ(best.count(), scalar.count());
    for (std::size_t k = 1; k <= scalar.count(); ++k) EXPECT_EQ(best.value(k), scalar.value(k));
    EXPECT_EQ(locals(best, w), locals(scalar, w));
}

TEST(TileClasses, VectorPathEqualsScalar) {
    if (!TileClasses().vectorized()) GTEST_SKIP() << "no AVX-512 VBMI on this processor";
    std::uint32_t x = 99;
    auto rnd = [&x] { return x = x * 1664525u + 1013904223u; };
    const Window w = tile_of(37, 101);  // 3737 cells: 58 groups of 64 and a tail of 25
    const auto n = static_cast<std::size_t>(w.cells());
    std::vector<std::uint8_t> v(n), ok(n);
    // Runs of 12 land-cover classes with nodata; a new class in the middle, in the last full
    // group and in the tail.
    std::uint8_t cur = 10;
    for (std::size_t i = 0; i < n; ++i) {
        if (rnd() % 16 == 0) cur = static_cast<std::uint8_t>(10 * (1 + (rnd() >> 8) % 9));
        v[i] = cur;
        ok[i] = (rnd() >> 4) % 23 != 0;
    }
    v[1800] = 250;
    v[3690] = 251;
    v[3730] = 252;
    expect_same(v, ok, w);
    // Every byte value (and high ones first): the table overflows past 254 values.
    for (std::size_t i = 0; i < n; ++i) {
        v[i] = static_cast<std::uint8_t>(255 - (i * 7 + (rnd() >> 10) % 3) % 256);
        ok[i] = 1;
    }
    expect_same(v, ok, w);
    // All invalid, and one valid value at the very end.
    std::fill(ok.begin(), ok.end(), 0);
    ok[n - 1] = 1;
    expect_same(v, ok, w);
}

}  // namespace
}  // namespace redline
