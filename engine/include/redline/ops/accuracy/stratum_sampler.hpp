#pragma once
// Stratified random sampling of cells without replacement in one pass, identical for any
// thread count, tile order or partition of the raster (docs/accuracy.md#sampling-scheme).
//
// Scheme (bottom-k sampling): every cell gets a 64-bit key, a counter-based hash of
// (seed, global cell index) that needs no state shared between threads:
//   key(seed, i) = mix(mix(seed) + (i + 1) * 0x9E3779B97F4A7C15)   (mod 2^64)
// with mix the output function of SplitMix64 (Steele, Lea and Flood 2014), constants as in
// java.util.SplittableRandom: key(seed, .) is the i-th output of a SplitMix64 stream whose
// state starts at mix(seed). Each stratum keeps the n_h cells with the smallest keys (a bounded
// max-heap). Because the keys behave as independent uniform draws, the n_h smallest of the N_h
// keys of a stratum are a uniform random subset of size n_h: simple random sampling without
// replacement within each stratum. The set of the n_h smallest keys of a union is the same
// whichever way the union is split and merged, so partial samplers of disjoint cell ranges merge
// exactly. For one seed, i -> key is a bijection of 64-bit integers (odd multiplier, invertible
// mix), so two cells never share a key; comparisons still break ties by cell index.
//
// The global cell index is the caller's: for a raster, row * width + col of the full grid.
// A prefix of a stratum's selection in key order is itself a simple random sample, so a sample
// can be cut down (or reserve units taken in order) without redrawing.
// Thread-safety: one sampler per thread; merge() partial samplers afterwards, in any order.
#include <cstdint>
#include <map>
#include <vector>

namespace redline::accuracy {

// The key of a cell (see above).
std::uint64_t sample_key(std::uint64_t seed, std::uint64_t cell_index);

struct SampledCell {
    std::int64_t stratum = 0;
    std::uint64_t cell_index = 0;
    std::uint64_t key = 0;
};

class StratumSampler {
  public:
    // quota: n_h per stratum id (0 allowed: the stratum is counted but not sampled).
    StratumSampler(std::uint64_t seed, const std::map<std::int64_t, std::uint64_t>& quota);

    // Offers one cell of a stratum that has a quota (Internal error otherwise: the caller's
    // strata and the design disagree). A cell must be offered once in the whole job.
    void offer(std::int64_t stratum, std::uint64_t cell_index);
    // Adds a partial sampler of the same seed and quotas built over disjoint cells
    // (InvalidInput otherwise). Exact and order-free.
    void merge(const StratumSampler& other);

    // The selected cells: strata ascending, within a stratum in key order (the draw order).
    std::vector<SampledCell> selection() const;
    // Cells offered so far in a stratum (N_h once the pass is complete).
    std::uint64_t offered(std::int64_t stratum) const;
    // Strata whose offered cells were fewer than their quota: stratum -> cells missing.
    std::map<std::int64_t, std::uint64_t> shortfall() const;
    std::uint64_t seed() const { return m_seed; }

  private:
    struct Entry {
        std::uint64_t key;
        std::uint64_t cell;
        bool operator<(const Entry& o) const { return key != o.key ? key < o.key : cell < o.cell; }
    };
    struct Stratum {
        std::uint64_t quota = 0;
        std::uint64_t offered = 0;
        std::vector<Entry> heap;  // max-heap by (key, cell), size <= quota
    };
    void push(Stratum& s, const Entry& e);

    std::uint64_t m_seed;
    std::map<std::int64_t, Stratum> m_strata;
};

}  // namespace redline::accuracy
