#pragma once
// Returning freed heap memory to the operating system.
// Thread-safety: safe to call from any thread (glibc's malloc_trim locks its arenas).

#include <cstddef>

namespace redline {

// Gives the pages of freed heap memory back to the system (glibc malloc_trim; a no-op
// elsewhere): after a large structure of many small allocations is freed, peak RSS would
// otherwise stay at its high-water mark.
void release_free_memory();

// Asks the kernel to back [p, p + bytes) with transparent huge pages (Linux madvise
// MADV_HUGEPAGE on the whole 4 KiB pages inside the range; a no-op elsewhere, for ranges under
// 4 MiB, or when the kernel refuses). Filling a large fresh array then takes one page fault per
// 2 MiB instead of one per 4 KiB: in a virtual machine the faults were half the time of building
// a national zone set (benchmarks/RESULTS.md, issue 19).
void advise_huge_pages(void* p, std::size_t bytes);

}  // namespace redline
