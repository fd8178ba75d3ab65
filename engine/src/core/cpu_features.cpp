#include "redline/core/cpu_features.hpp"

namespace redline {

const CpuFeatures& CpuFeatures::host() {
    static const CpuFeatures features = [] {
        CpuFeatures f;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
        __builtin_cpu_init();
        f.sha = __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1") &&
                __builtin_cpu_supports("ssse3");
        f.avx512_vbmi = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                        __builtin_cpu_supports("avx512vbmi");
#endif
        return f;
    }();
    return features;
}

}  // namespace redline
