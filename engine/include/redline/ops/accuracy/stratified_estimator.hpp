#pragma once
// Map accuracy and error-adjusted area estimates with confidence intervals from a stratified
// random sample whose units were labelled with a reference class
// (docs/accuracy.md#estimators).
//
// Two estimators, chosen automatically (EstimateOptions::estimator, DEFAULT Auto):
//  * "olofsson2014": the strata are the map classes (every unit's map class is its stratum).
//    Olofsson et al. 2014 (RSE 148:42-57), also Olofsson et al. 2013 (RSE 129:122-131):
//    p_ij = W_i n_ij / n_i., overall, user's and producer's accuracy, area proportions p_.k
//    with their variances as written there (the mapped N_j. in the first term of V(P_j),
//    i != j in its second term).
//  * "stehman2014": any stratification (zones, change strata, another map's classes), used
//    when some unit's map class differs from its stratum. Stehman 2014 (IJRS 35:4923-4939):
//    class area proportions and overall accuracy as stratified means (eqs. 2, 12, 14, 16, variance
//    eq. 25), user's and producer's accuracy as combined ratio estimators (eqs. 18-19 and 22-23,
//    variance eq. 28).
// With strata = map classes both give the same numbers (a test checks it).
//
// Units: each stratum's mapped area A_h (m2) weights its units equally (A_h / n_h each); exact
// for equal-area cells, see docs/accuracy.md#cell-areas for cells of varying area. Areas are
// A * p_.k with A = sum_h A_h. CI half-widths are z * SE with z the two-sided normal quantile of
// `confidence`. The finite population correction (1 - n_h / N_h) multiplies each stratum's
// variance term when asked (DEFAULT off, as in Olofsson et al.; needs the strata's unit counts).
//
// Bad input (InvalidInput, naming the stratum or class): confidence outside (0, 1), a unit whose
// stratum is not listed, a listed stratum repeated, a negative or non-finite area, a stratum
// with area but no labelled unit, a stratum with units but no area, a stratum with one labelled
// unit (variance undefined) unless allow_small, reference classes that are not map classes
// unless allow_unmapped_reference, Estimator::MapClassStrata for units whose map class differs
// from their stratum, the finite population correction without unit counts or with more
// labelled units than cells.
// allow_small: a stratum with a single unit keeps its point estimates; every variance with a
// term of that stratum is undefined and reported as NaN (absent CI), with a warning.
// Thread-safety: pure function.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace redline::accuracy {

struct EstimationStratum {
    std::int64_t id = 0;
    double area_m2 = 0;       // mapped area of the stratum, m2 (>= 0)
    std::uint64_t units = 0;  // cells in the stratum, for the finite population correction
                              // only; DEFAULT 0 = unknown
};

struct LabelledUnit {
    std::int64_t stratum = 0;
    std::int64_t map_class = 0;
    std::int64_t reference_class = 0;
};

enum class Estimator { Auto, MapClassStrata, General };

struct EstimateOptions {
    double confidence = 0.95;                   // DEFAULT 0.95, in (0, 1)
    bool allow_small = false;                   // DEFAULT false: < 2 units in a stratum is an error
    bool allow_unmapped_reference = false;      // DEFAULT false: see unmapped_reference_classes
    bool finite_population_correction = false;  // DEFAULT false
    Estimator estimator = Estimator::Auto;      // DEFAULT Auto (see above)
    // Map classes and their mapped areas (m2), used by the general estimator to know the map's
    // classes and report map areas. DEFAULT empty: with strata = map classes the strata are the
    // map classes; otherwise the map classes seen in the sample, with unknown (NaN) map areas.
    std::map<std::int64_t, double> map_areas_m2;
};

constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

struct ClassEstimate {
    std::int64_t class_id = 0;
    bool map_class = true;            // false: a reference class absent from the map
    double map_area_m2 = kUndefined;  // area of the class on the map; NaN when unknown
    double proportion = 0;            // p_.k, estimated share of the total area
    double proportion_se = 0;
    double area_m2 = 0;  // A * p_.k
    double area_se_m2 = 0;
    double area_ci_m2 = 0;               // half-width, z * SE
    double users_accuracy = kUndefined;  // NaN when no unit is mapped as the class
    double users_accuracy_se = kUndefined;
    double users_accuracy_ci = kUndefined;
    double producers_accuracy = kUndefined;  // NaN when the class's estimated area is 0
    double producers_accuracy_se = kUndefined;
    double producers_accuracy_ci = kUndefined;
};

struct StratumSummary {
    std::int64_t id = 0;
    double area_m2 = 0;
    double weight = 0;    // W_h = A_h / A
    std::uint64_t n = 0;  // labelled units
};

struct AccuracyEstimate {
    std::string estimator;  // "olofsson2014" | "stehman2014"
    double confidence = 0.95;
    double z = 0;
    bool finite_population_correction = false;
    double total_area_m2 = 0;  // A
    double overall_accuracy = 0;
    double overall_accuracy_se = 0;
    double overall_accuracy_ci = 0;
    std::vector<ClassEstimate> classes;  // ascending class id
    // Error matrix, rows = map class, columns = reference class, both in `classes` order:
    // unit counts, and estimated proportions of area p_ij (summing to 1).
    std::vector<std::vector<std::uint64_t>> matrix_counts;
    std::vector<std::vector<double>> matrix_proportions;
    std::vector<StratumSummary> strata;  // in input order
    std::vector<std::string> warnings;
};

// Reference classes of the units that are not in map_classes, with their unit counts: the check
// behind allow_unmapped_reference, for the caller to report.
std::map<std::int64_t, std::uint64_t> unmapped_reference_classes(
    const std::vector<LabelledUnit>& units, const std::set<std::int64_t>& map_classes);

// True when every unit's map class is its stratum (the "olofsson2014" estimator applies).
bool strata_are_map_classes(const std::vector<LabelledUnit>& units);

AccuracyEstimate estimate_accuracy(const std::vector<EstimationStratum>& strata,
                                   const std::vector<LabelledUnit>& units,
                                   const EstimateOptions& options = {});

// The estimated share of the total area of a domain of the population, with its standard error:
// the stratified estimator of a proportion (Stehman 2014 eq. 2 divided by A, variance eq. 25;
// with strata = map classes and the domain "reference class k" it is Olofsson et al.'s p_.k).
// `in_domain(i)` says whether units[i] belongs to the domain: a group of reference classes
// ("forest", several codes), or a class restricted to a known part of the map (converted and
// outside the permitted polygons). Validated like estimate_accuracy (same errors); allow_small
// gives NaN for the SE when a stratum has one unit.
struct DomainEstimate {
    double proportion = 0;  // share of A
    double proportion_se = 0;
    double area_m2 = 0;  // A * proportion
    double area_se_m2 = 0;
    double area_ci_m2 = 0;  // z * area_se_m2 (half-width)
    double total_area_m2 = 0;
    double confidence = 0.95;
    double z = 0;
    std::uint64_t units_in_domain = 0;
};

DomainEstimate estimate_domain(const std::vector<EstimationStratum>& strata,
                               const std::vector<LabelledUnit>& units,
                               const std::function<bool(std::size_t unit)>& in_domain,
                               const EstimateOptions& options = {});

}  // namespace redline::accuracy
