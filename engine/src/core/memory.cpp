#include "redline/core/memory.hpp"

#include <cstdlib>  // defines __GLIBC__ on glibc systems (tested below)

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include <cstdint>

namespace redline {

void release_free_memory() {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

void advise_huge_pages(void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (!p || bytes < (std::size_t{4} << 20)) return;
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t begin = (a + page - 1) / page * page, end = (a + bytes) / page * page;
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

}  // namespace redline
