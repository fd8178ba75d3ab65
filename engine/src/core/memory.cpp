#include "redline/core/memory.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace redline {

void release_free_memory() {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

}  // namespace redline
