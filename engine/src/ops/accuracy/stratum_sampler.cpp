#include "redline/ops/accuracy/stratum_sampler.hpp"

#include <algorithm>
#include <string>

#include "redline/core/error.hpp"

namespace redline::accuracy {
namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

// SplitMix64 finalizer (a bijection of 64-bit integers).
std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

}  // namespace

std::uint64_t sample_key(std::uint64_t seed, std::uint64_t cell_index) {
    return mix(mix(seed) + (cell_index + 1) * kGolden);
}

StratumSampler::StratumSampler(std::uint64_t seed,
                               const std::map<std::int64_t, std::uint64_t>& quota)
    : m_seed(seed) {
    for (const auto& [id, n] : quota) {
        Stratum s;
        s.quota = n;
        s.heap.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(n, 1u << 20)));
        m_strata.emplace(id, std::move(s));
    }
}

void StratumSampler::push(Stratum& s, const Entry& e) {
    if (s.quota == 0) return;
    if (s.heap.size() < s.quota) {
        s.heap.push_back(e);
        std::push_heap(s.heap.begin(), s.heap.end());
    } else if (e < s.heap.front()) {
        std::pop_heap(s.heap.begin(), s.heap.end());
        s.heap.back() = e;
        std::push_heap(s.heap.begin(), s.heap.end());
    }
}

void StratumSampler::offer(std::int64_t stratum, std::uint64_t cell_index) {
    const auto it = m_strata.find(stratum);
    if (it == m_strata.end()) {
        fail(ErrorKind::Internal, "stratum sampler: stratum " + std::to_string(stratum) +
                                      " has no quota in the sample design");
    }
    ++it->second.offered;
    push(it->second, Entry{sample_key(m_seed, cell_index), cell_index});
}

void StratumSampler::merge(const StratumSampler& other) {
    bool same = other.m_seed == m_seed && other.m_strata.size() == m_strata.size();
    auto b = other.m_strata.begin();
    for (auto a = m_strata.cbegin(); same && a != m_strata.cend(); ++a, ++b) {
        same = a->first == b->first && a->second.quota == b->second.quota;
    }
    if (!same) {
        fail(ErrorKind::InvalidInput,
             "stratum sampler: cannot merge samplers of different seeds or quotas");
    }
    for (auto& [id, s] : m_strata) {
        const Stratum& o = other.m_strata.at(id);
        s.offered += o.offered;
        for (const Entry& e : o.heap) push(s, e);
    }
}

std::vector<SampledCell> StratumSampler::selection() const {
    std::vector<SampledCell> out;
    for (const auto& [id, s] : m_strata) {
        std::vector<Entry> sorted = s.heap;
        std::sort(sorted.begin(), sorted.end());
        for (const Entry& e : sorted) out.push_back(SampledCell{id, e.cell, e.key});
    }
    return out;
}

std::uint64_t StratumSampler::offered(std::int64_t stratum) const {
    const auto it = m_strata.find(stratum);
    return it == m_strata.end() ? 0 : it->second.offered;
}

std::map<std::int64_t, std::uint64_t> StratumSampler::shortfall() const {
    std::map<std::int64_t, std::uint64_t> out;
    for (const auto& [id, s] : m_strata) {
        if (s.heap.size() < s.quota) out[id] = s.quota - s.heap.size();
    }
    return out;
}

}  // namespace redline::accuracy
