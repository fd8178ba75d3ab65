// release_free_memory returns freed heap pages to the system (it was once compiled to a no-op
// because __GLIBC__ was tested before any libc header defined it).
#include "redline/core/memory.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define REDLINE_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REDLINE_TEST_ASAN 1
#endif
#endif

namespace redline {
namespace {

[[maybe_unused]] long rss_kib() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

TEST(ReleaseFreeMemory, FreedSmallAllocationsLeaveTheResidentSet) {
#if defined(REDLINE_TEST_ASAN)
    GTEST_SKIP() << "ASan's allocator keeps freed memory in quarantine";
#else
    if (rss_kib() < 0) GTEST_SKIP() << "no /proc/self/status";
    // 256 MiB in 4 KiB blocks (below the mmap threshold: heap memory that free() keeps). Every
    // 16th block stays allocated, so the freed runs lie between live blocks, where free() cannot
    // shrink the heap and only malloc_trim gives their pages back.
    std::vector<std::unique_ptr<char[]> > blocks, pins;
    for (int i = 0; i < 65536; ++i) {
        blocks.emplace_back(new char[4096]);
        for (int k = 0; k < 4096; k += 512) blocks.back()[k] = static_cast<char>(i + k);
        if (i % 16 == 15) pins.push_back(std::move(blocks.back()));
    }
    const long full = rss_kib();
    blocks.clear();
    release_free_memory();
    const long after = rss_kib();
    EXPECT_LT(after, full - 128 * 1024) << "RSS " << full << " KiB -> " << after << " KiB";
#endif
}

}  // namespace
}  // namespace redline
