#include "redline/exec/memory_budget.hpp"

#include <gtest/gtest.h>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"

namespace redline {
namespace {

TEST(MemoryBudget, ParsesSizesInPowersOf1024) {
    EXPECT_EQ(parse_byte_size("1000000"), 1000000);
    EXPECT_EQ(parse_byte_size("512M"), std::int64_t{512} << 20);
    EXPECT_EQ(parse_byte_size("512MB"), std::int64_t{512} << 20);
    EXPECT_EQ(parse_byte_size("2G"), std::int64_t{2} << 30);
    EXPECT_EQ(parse_byte_size("1.5GiB"), std::int64_t{3} << 29);
    EXPECT_EQ(parse_byte_size("64k"), std::int64_t{64} << 10);
    EXPECT_EQ(parse_byte_size("1T"), std::int64_t{1} << 40);
    EXPECT_EQ(parse_byte_size("100 M"), std::int64_t{100} << 20);
}

TEST(MemoryBudget, RejectsWhatIsNotASize) {
    for (const char* bad : {"", "lots", "12X", "0", "-1G", "1GG", "nan", "1e30"}) {
        try {
            parse_byte_size(bad);
            ADD_FAILURE() << bad;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
            EXPECT_NE(render_for_cli(e.what()).find("--max-memory '" + std::string(bad) +
                                                    "' is not a size"),
                      std::string::npos)
                << e.what();
        }
    }
}

TEST(MemoryBudget, FormatsBytes) {
    EXPECT_EQ(format_bytes(std::int64_t{3} << 29), "1.5 GiB");
    EXPECT_EQ(format_bytes(std::int64_t{640} << 20), "640 MiB");
    EXPECT_EQ(format_bytes(12 * 1024), "12 KiB");
}

TEST(MemoryBudget, NeedIsFixedPlusCachePlusWorkersTimesTiles) {
    MemoryModel m{100, 20, 10};
    EXPECT_EQ(m.need(1000, 2), 100 + 20 + 2 * 1000 * 10);
    EXPECT_EQ(m.need(1000, 0), 100 + 20 + 1000 * 10);  // at least one worker
    EXPECT_EQ(zones_memory_bytes(1000, 10), kProcessBaseBytes + 48000 + 10240);
}

TEST(MemoryBudget, HalvesTheTileUntilItFits) {
    MemoryModel m{1000, 0, 1};
    auto square = [](std::int64_t side) { return side * side; };
    // No limit: the requested side.
    auto c = choose_tile_size(m, 1024, 64, 2, 0, square);
    EXPECT_EQ(c.tile_size, 1024);
    EXPECT_TRUE(c.fits);
    EXPECT_EQ(c.need_bytes, 1000 + 2 * 1024 * 1024);
    // 2 x 256^2 + 1000 = 132072 fits 200000; 2 x 512^2 + 1000 does not.
    c = choose_tile_size(m, 1024, 64, 2, 200000, square);
    EXPECT_EQ(c.tile_size, 256);
    EXPECT_TRUE(c.fits);
    EXPECT_EQ(c.need_bytes, 1000 + 2 * 256 * 256);
    // Nothing fits: the smallest side tried, flagged.
    c = choose_tile_size(m, 1024, 64, 2, 5000, square);
    EXPECT_EQ(c.tile_size, 64);
    EXPECT_FALSE(c.fits);
}

}  // namespace
}  // namespace redline
