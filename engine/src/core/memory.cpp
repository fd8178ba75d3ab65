#include "redline/core/memory.hpp"

#include <cstdlib>  // defines __GLIBC__ on glibc systems (tested below)

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
