#pragma once
// Strata of the cells of a two-date map pair by their transition (t0 class, t1 class): how one
// operation (change rules, ops/change) hands a stratification to another (the accuracy sample,
// ops/accuracy) without either including the other.
// Thread-safety: stratum_of must be safe to call concurrently (a pure function).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace redline {

struct TransitionStrata {
    // names[k]: the name of stratum k (k = 0, 1, ..., names.size() - 1).
    std::vector<std::string> names;
    // The stratum of a transition of valid cells, in [0, names.size()).
    std::function<std::int64_t(std::int64_t t0_class, std::int64_t t1_class)> stratum_of;
    // What identifies the stratification in digests (e.g. the rules serialized).
    std::string identity;
    bool empty() const { return names.empty(); }
};

}  // namespace redline
