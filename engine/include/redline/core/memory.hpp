#pragma once
// Returning freed heap memory to the operating system.
// Thread-safety: safe to call from any thread (glibc's malloc_trim locks its arenas).

namespace redline {

// Gives the pages of freed heap memory back to the system (glibc malloc_trim; a no-op
// elsewhere): after a large structure of many small allocations is freed, peak RSS would
// otherwise stay at its high-water mark.
void release_free_memory();

}  // namespace redline
