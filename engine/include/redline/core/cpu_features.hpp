#pragma once
// What the host processor can run, asked once per process, for the code paths chosen at runtime
// (SHA-256 with the SHA extensions, core/sha256.hpp; byte class mapping with AVX-512 VBMI,
// io/tile_classes.hpp). On anything but x86-64 with GCC or Clang every feature is false.
// Thread-safety: safe from any thread (a function-local static, initialized once).

namespace redline {

struct CpuFeatures {
    bool sha = false;          // SHA-NI with SSSE3 and SSE4.1 (what the SHA-256 rounds use)
    bool avx512_vbmi = false;  // AVX-512 F, BW and VBMI (64-byte table lookups)

    // The features of the processor this process runs on.
    static const CpuFeatures& host();
};

}  // namespace redline
