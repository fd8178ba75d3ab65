#include "redline/ops/accuracy/sample_design.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <sstream>

#include "redline/core/error.hpp"

namespace redline::accuracy {
namespace {

[[noreturn]] void invalid(const std::string& message) {
    fail(ErrorKind::InvalidInput, "sample design: " + message);
}

std::string str(double v) {
    std::ostringstream s;
    s.precision(12);
    s << v;
    return s.str();
}

void check_users_accuracy(double u, const std::string& what) {
    if (!(u > 0.0 && u < 1.0)) {
        invalid(what + " = " + str(u) +
                " is outside (0, 1); give the conjectured user's accuracy as a fraction such as "
                "0.85 (0 and 1 would make the stratum's standard deviation zero)");
    }
}

struct Prepared {
    std::vector<double> weight;  // W_h
    std::vector<double> ua;      // U_h
    std::vector<double> sd;      // S_h
};

Prepared prepare(const std::vector<DesignStratum>& strata, double default_users_accuracy) {
    if (strata.empty()) {
        invalid("no strata: the map has no class with area in the region to sample");
    }
    check_users_accuracy(default_users_accuracy, "default_users_accuracy");
    std::set<std::int64_t> seen;
    double total = 0;
    for (const auto& s : strata) {
        const std::string name = "stratum " + std::to_string(s.id);
        if (!seen.insert(s.id).second) {
            invalid(name + " is listed twice; each stratum must appear once");
        }
        if (!(std::isfinite(s.area_m2) && s.area_m2 > 0)) {
            invalid(name + " has mapped area " + str(s.area_m2) +
                    " m2; an empty stratum cannot be sampled: leave it out of the design");
        }
        if (s.units == 0) {
            invalid(name +
                    " has no sampling units (cells); an empty stratum cannot be sampled: "
                    "leave it out of the design");
        }
        if (!std::isnan(s.expected_users_accuracy)) {
            check_users_accuracy(s.expected_users_accuracy, "expected_users_accuracy of " + name);
        }
        total += s.area_m2;
    }
    Prepared p;
    for (const auto& s : strata) {
        const double u = std::isnan(s.expected_users_accuracy) ? default_users_accuracy
                                                               : s.expected_users_accuracy;
        p.weight.push_back(s.area_m2 / total);
        p.ua.push_back(u);
        p.sd.push_back(std::sqrt(u * (1.0 - u)));
    }
    return p;
}

double unrounded_size(const Prepared& p, double target_se) {
    if (!(std::isfinite(target_se) && target_se > 0)) {
        invalid("target_se = " + str(target_se) +
                " must be a positive standard error of overall accuracy (for example 0.01); "
                "or give the sample size instead");
    }
    double sum = 0;
    for (std::size_t h = 0; h < p.weight.size(); ++h) sum += p.weight[h] * p.sd[h];
    const double r = sum / target_se;
    return r * r;
}

// Rounds up, taking a value within 1e-9 of an integer as that integer.
std::uint64_t round_up(double x) {
    const double nearest = std::round(x);
    if (std::fabs(x - nearest) <= 1e-9) return static_cast<std::uint64_t>(std::max(nearest, 1.0));
    return static_cast<std::uint64_t>(std::max(std::ceil(x), 1.0));
}

}  // namespace

Allocation parse_allocation(const std::string& name) {
    if (name == "proportional") return Allocation::Proportional;
    if (name == "equal") return Allocation::Equal;
    if (name == "neyman") return Allocation::Neyman;
    invalid("allocation '" + name + "' is not known; expected proportional, equal or neyman");
}

const char* allocation_name(Allocation allocation) {
    switch (allocation) {
        case Allocation::Proportional:
            return "proportional";
        case Allocation::Equal:
            return "equal";
        case Allocation::Neyman:
            return "neyman";
    }
    return "?";
}

std::vector<std::uint64_t> allocate_units(std::uint64_t n, const std::vector<double>& weights,
                                          const std::vector<std::uint64_t>& floor,
                                          const std::vector<std::uint64_t>& cap,
                                          std::vector<double>* shares) {
    const std::size_t k = weights.size();
    if (k == 0 || floor.size() != k || cap.size() != k) {
        invalid("allocation needs one weight, floor and cap per stratum");
    }
    std::uint64_t floor_sum = 0, cap_sum = 0;
    for (std::size_t h = 0; h < k; ++h) {
        if (!(std::isfinite(weights[h]) && weights[h] > 0)) {
            invalid("allocation weight " + str(weights[h]) + " of stratum #" +
                    std::to_string(h + 1) + " must be positive");
        }
        if (floor[h] > cap[h]) invalid("allocation floor above the cap");
        floor_sum += floor[h];
        cap_sum += cap[h];
    }
    if (n > cap_sum) {
        invalid("sample size n = " + std::to_string(n) +
                " is larger than the population: the strata hold " + std::to_string(cap_sum) +
                " units (cells) in all; choose a smaller size or a larger target_se");
    }
    if (floor_sum > n) {
        invalid("min_per_stratum needs " + std::to_string(floor_sum) +
                " units in all (the minimum, or all units of a smaller stratum, in each of the " +
                std::to_string(k) + " strata) but the sample size n is " + std::to_string(n) +
                "; lower min_per_stratum or raise the size");
    }
    // Water filling: g(lambda) = sum clamp(lambda * w, floor, cap) is continuous and
    // nondecreasing with breakpoints floor/w and cap/w; find the segment where it reaches n.
    auto clamp_at = [&](std::size_t h, double lambda) {
        return std::clamp(lambda * weights[h], static_cast<double>(floor[h]),
                          static_cast<double>(cap[h]));
    };
    auto g = [&](double lambda) {
        double s = 0;
        for (std::size_t h = 0; h < k; ++h) s += clamp_at(h, lambda);
        return s;
    };
    std::vector<double> breaks;
    for (std::size_t h = 0; h < k; ++h) {
        breaks.push_back(static_cast<double>(floor[h]) / weights[h]);
        breaks.push_back(static_cast<double>(cap[h]) / weights[h]);
    }
    std::sort(breaks.begin(), breaks.end());
    std::vector<double> real(k);
    const double target = static_cast<double>(n);
    if (static_cast<double>(floor_sum) >= target) {
        for (std::size_t h = 0; h < k; ++h) real[h] = static_cast<double>(floor[h]);
    } else {
        double lo = 0, hi = breaks.back();
        for (double b : breaks) {
            if (g(b) >= target) {
                hi = b;
                break;
            }
            lo = b;
        }
        // On (lo, hi] the strata with floor/w <= lo and cap/w >= hi are linear in lambda.
        double fixed = 0, slope = 0;
        for (std::size_t h = 0; h < k; ++h) {
            const double f = static_cast<double>(floor[h]) / weights[h];
            const double c = static_cast<double>(cap[h]) / weights[h];
            if (c <= lo) {
                fixed += static_cast<double>(cap[h]);
            } else if (f >= hi) {
                fixed += static_cast<double>(floor[h]);
            } else {
                slope += weights[h];
            }
        }
        const double lambda = slope > 0 ? (target - fixed) / slope : hi;
        for (std::size_t h = 0; h < k; ++h) real[h] = clamp_at(h, lambda);
    }
    // Largest remainder.
    std::vector<std::uint64_t> out(k);
    std::uint64_t assigned = 0;
    std::vector<std::int64_t> frac_key(k);
    for (std::size_t h = 0; h < k; ++h) {
        const double fl = std::floor(real[h]);
        out[h] = std::min(static_cast<std::uint64_t>(fl), cap[h]);
        out[h] = std::max(out[h], floor[h]);
        assigned += out[h];
        frac_key[h] = std::llround((real[h] - fl) * 1e9);
    }
    if (assigned > n) fail(ErrorKind::Internal, "sample design: allocation overshoots n");
    std::vector<std::size_t> order(k);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return frac_key[a] > frac_key[b]; });
    std::uint64_t left = n - assigned;
    for (std::size_t pass = 0; left > 0 && pass < 2; ++pass) {
        for (std::size_t h : order) {
            if (left == 0) break;
            if (out[h] < cap[h] && (pass == 1 || frac_key[h] > 0)) {
                ++out[h];
                --left;
            }
        }
    }
    if (left > 0) fail(ErrorKind::Internal, "sample design: allocation cannot place all units");
    if (shares) *shares = real;
    return out;
}

double sample_size_unrounded(const std::vector<DesignStratum>& strata, double target_se,
                             double default_users_accuracy) {
    return unrounded_size(prepare(strata, default_users_accuracy), target_se);
}

SampleDesign design_sample(const std::vector<DesignStratum>& strata,
                           const SampleDesignOptions& options) {
    const Prepared p = prepare(strata, options.default_users_accuracy);
    SampleDesign d;
    d.allocation = options.allocation;
    d.min_per_stratum = options.min_per_stratum;
    if (options.size > 0) {
        d.n = options.size;
    } else {
        d.target_se = options.target_se;
        d.n_unrounded = unrounded_size(p, options.target_se);
        if (!(d.n_unrounded < 1e18)) {
            invalid("target_se = " + str(options.target_se) + " asks for " + str(d.n_unrounded) +
                    " units; give a larger target_se");
        }
        d.n = round_up(d.n_unrounded);
    }
    const std::size_t k = strata.size();
    std::vector<double> weights(k);
    std::vector<std::uint64_t> floor(k), cap(k);
    for (std::size_t h = 0; h < k; ++h) {
        switch (options.allocation) {
            case Allocation::Proportional:
                weights[h] = p.weight[h];
                break;
            case Allocation::Equal:
                weights[h] = 1.0;
                break;
            case Allocation::Neyman:
                weights[h] = p.weight[h] * p.sd[h];
                break;
        }
        cap[h] = strata[h].units;
        floor[h] = std::min(options.min_per_stratum, cap[h]);
    }
    std::vector<double> shares;
    const std::vector<std::uint64_t> n = allocate_units(d.n, weights, floor, cap, &shares);
    double var = 0;
    for (std::size_t h = 0; h < k; ++h) {
        StratumAllocation a;
        a.id = strata[h].id;
        a.area_m2 = strata[h].area_m2;
        a.weight = p.weight[h];
        a.users_accuracy = p.ua[h];
        a.sd = p.sd[h];
        a.units = cap[h];
        a.share = shares[h];
        a.n = n[h];
        a.at_minimum = floor[h] > 0 && shares[h] <= static_cast<double>(floor[h]);
        a.at_cap = shares[h] >= static_cast<double>(cap[h]);
        d.strata.push_back(a);
        var += n[h] > 0 ? p.weight[h] * p.weight[h] * p.sd[h] * p.sd[h] / static_cast<double>(n[h])
                        : std::numeric_limits<double>::infinity();
    }
    d.anticipated_overall_se = std::sqrt(var);
    return d;
}

}  // namespace redline::accuracy
