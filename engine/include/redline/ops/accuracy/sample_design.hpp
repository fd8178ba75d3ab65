#pragma once
// Stratified random sample design for map accuracy and area estimation: the sample size from a
// target standard error of overall accuracy, and its allocation to the strata
// (docs/accuracy.md#sample-design).
//
// Sample size (Olofsson et al. 2014, after Cochran 1977, chapter 5):
//   n = (sum_h W_h S_h / S)^2, S_h = sqrt(U_h (1 - U_h)),
// W_h the mapped area share of stratum h (from its exact area), U_h its conjectured user's
// accuracy, S the target standard error of overall accuracy. n is rounded up to an integer (a
// value within 1e-9 of an integer is taken as that integer, so 400.0000000001 is 400).
//
// Allocation: every stratum h gets a real share n_h = min(c_h, max(f_h, lambda a_h)) with
//   a_h = W_h (proportional), 1 (equal), W_h S_h (neyman),
//   f_h = min(min_per_stratum, c_h), the floor: strata below the minimum are raised to it (or to
//         their number of available units if smaller),
//   c_h = the number of available units (cells) of the stratum, the cap,
// and lambda the unique level at which sum_h n_h = n (the fixed point of "raise the rare strata
// to the minimum, allocate the remaining units to the other strata by the rule, repeat until
// stable", with the caps handled the same way). The real shares are then rounded by largest
// remainder: every stratum gets floor(n_h), and the n - sum floor(n_h) remaining units go one
// each to the strata with the largest fractional parts (compared at 1e-9 resolution), ties to
// the stratum given first. The total is exactly n, f_h <= n_h <= c_h for every stratum.
//
// Errors (InvalidInput, naming the parameter or stratum): no strata, a duplicated stratum id, a
// stratum with no area or no units, U outside (0, 1), target_se <= 0, n larger than the
// population (sum of units), sum_h f_h > n (min_per_stratum too large for n).
// Thread-safety: pure functions.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace redline::accuracy {

enum class Allocation { Proportional, Equal, Neyman };

// "proportional" | "equal" | "neyman"; throws InvalidInput naming the value otherwise.
Allocation parse_allocation(const std::string& name);
const char* allocation_name(Allocation allocation);

struct DesignStratum {
    std::int64_t id = 0;      // stratum code (a map class, or a change category)
    double area_m2 = 0;       // exact mapped area of the stratum, m2 (> 0)
    std::uint64_t units = 0;  // sampling units (cells) available in the stratum (> 0)
    // Conjectured user's accuracy U_h in (0, 1).
    // DEFAULT NaN = SampleDesignOptions::default_users_accuracy.
    double expected_users_accuracy = std::numeric_limits<double>::quiet_NaN();
};

struct SampleDesignOptions {
    std::uint64_t size = 0;               // DEFAULT 0 = from target_se
    double target_se = 0;                 // S, used when size == 0 (> 0)
    double default_users_accuracy = 0.8;  // DEFAULT 0.8, for strata without their own U
    Allocation allocation = Allocation::Proportional;  // DEFAULT proportional
    std::uint64_t min_per_stratum = 0;                 // DEFAULT 0 (no minimum)
};

struct StratumAllocation {
    std::int64_t id = 0;
    double area_m2 = 0;
    double weight = 0;          // W_h = area / total area
    double users_accuracy = 0;  // U_h used
    double sd = 0;              // S_h = sqrt(U_h (1 - U_h))
    std::uint64_t units = 0;    // c_h, the cap
    double share = 0;           // real-valued n_h before rounding
    std::uint64_t n = 0;        // allocated sample units
    bool at_minimum = false;    // held at the floor f_h (min_per_stratum or all its units)
    bool at_cap = false;        // limited by the available units
};

struct SampleDesign {
    std::uint64_t n = 0;  // total sample size (exactly the sum of the strata's n)
    // (sum W_h S_h / S)^2 before rounding up; NaN when the size was given.
    double n_unrounded = std::numeric_limits<double>::quiet_NaN();
    double target_se = std::numeric_limits<double>::quiet_NaN();  // NaN when size was given
    Allocation allocation = Allocation::Proportional;
    std::uint64_t min_per_stratum = 0;
    // Anticipated SE of overall accuracy for this allocation if the conjectured U_h hold:
    // sqrt(sum_h W_h^2 U_h (1 - U_h) / n_h) (docs/accuracy.md#sample-design).
    double anticipated_overall_se = 0;
    std::vector<StratumAllocation> strata;  // in input order
};

// (sum_h W_h S_h / S)^2 before rounding. Validates as design_sample does.
double sample_size_unrounded(const std::vector<DesignStratum>& strata, double target_se,
                             double default_users_accuracy = 0.8);

// The size (given or from target_se) and its allocation.
SampleDesign design_sample(const std::vector<DesignStratum>& strata,
                           const SampleDesignOptions& options);

// The allocation step alone: real shares min(cap, max(floor, lambda * weight)) summing to n,
// rounded by largest remainder (ties to the lower index). weights > 0, floor[h] <= cap[h],
// sum floor <= n <= sum cap (InvalidInput otherwise). `shares`, when given, receives the real
// shares.
std::vector<std::uint64_t> allocate_units(std::uint64_t n, const std::vector<double>& weights,
                                          const std::vector<std::uint64_t>& floor,
                                          const std::vector<std::uint64_t>& cap,
                                          std::vector<double>* shares = nullptr);

}  // namespace redline::accuracy
