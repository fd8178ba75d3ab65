// Properties of the stratified estimators: perfect samples, self-weighting samples, exact
// unbiasedness over every possible sample of a tiny population, coverage of the confidence
// intervals on simulated maps, and the bad-input errors.
#include "redline/ops/accuracy/stratified_estimator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "redline/core/error.hpp"
#include "redline/ops/accuracy/normal_quantile.hpp"
#include "redline/ops/accuracy/sample_design.hpp"
#include "redline/ops/accuracy/stratum_sampler.hpp"

namespace redline::accuracy {
namespace {

TEST(StratifiedEstimatorTest, PerfectSampleGivesTheMapAreasWithZeroVariance) {
    // Strata = map classes.
    const std::vector<EstimationStratum> strata = {{3, 5e6}, {7, 2e6}, {9, 1e5}};
    std::vector<LabelledUnit> units;
    for (const auto& s : strata) {
        for (int i = 0; i < 6; ++i) units.push_back({s.id, s.id, s.id});
    }
    for (Estimator est : {Estimator::Auto, Estimator::General}) {
        EstimateOptions o;
        o.estimator = est;
        const auto e = estimate_accuracy(strata, units, o);
        EXPECT_EQ(e.overall_accuracy, 1.0);
        EXPECT_EQ(e.overall_accuracy_se, 0.0);
        for (std::size_t k = 0; k < 3; ++k) {
            const auto& c = e.classes[k];
            EXPECT_EQ(c.class_id, strata[k].id);
            EXPECT_NEAR(c.area_m2, strata[k].area_m2, 1e-9 * strata[k].area_m2);
            EXPECT_EQ(c.area_se_m2, 0.0);
            EXPECT_EQ(c.area_ci_m2, 0.0);
            EXPECT_EQ(c.users_accuracy, 1.0);
            EXPECT_EQ(c.producers_accuracy, 1.0);
            EXPECT_EQ(c.users_accuracy_se, 0.0);
            EXPECT_EQ(c.producers_accuracy_se, 0.0);
        }
    }
    // Strata = two zones, map classes 1 and 2 inside both: a perfect sample gives the
    // estimated class areas from the zone weights, UA = PA = OA = 1, and OA has no variance.
    const std::vector<EstimationStratum> zones = {{100, 6e6}, {200, 4e6}};
    std::vector<LabelledUnit> zu = {{100, 1, 1}, {100, 1, 1}, {100, 2, 2}, {100, 2, 2},
                                    {200, 1, 1}, {200, 2, 2}, {200, 2, 2}, {200, 2, 2}};
    const auto e = estimate_accuracy(zones, zu);
    EXPECT_EQ(e.estimator, "stehman2014");
    EXPECT_EQ(e.overall_accuracy, 1.0);
    EXPECT_EQ(e.overall_accuracy_se, 0.0);
    EXPECT_NEAR(e.classes[0].area_m2, 6e6 / 2 + 4e6 / 4, 1e-6);
    EXPECT_EQ(e.classes[0].users_accuracy, 1.0);
    EXPECT_EQ(e.classes[0].users_accuracy_se, 0.0);
    EXPECT_EQ(e.classes[1].producers_accuracy_se, 0.0);
}

TEST(StratifiedEstimatorTest, ProportionalAllocationIsSelfWeighting) {
    // n_h proportional to A_h: every unit has the same weight, so p_.k = n_.k / n.
    const std::vector<EstimationStratum> strata = {{1, 5e6}, {2, 3e6}, {3, 2e6}};
    const int counts[3][3] = {{40, 6, 4}, {3, 25, 2}, {1, 3, 16}};  // n = 50, 30, 20
    std::vector<LabelledUnit> units;
    int col[3] = {0, 0, 0};
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
            for (int c = 0; c < counts[i][j]; ++c) units.push_back({i + 1, i + 1, j + 1});
            col[j] += counts[i][j];
        }
    }
    const auto e = estimate_accuracy(strata, units);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(e.classes[k].proportion, col[k] / 100.0, 1e-15);
    EXPECT_NEAR(e.overall_accuracy, 81 / 100.0, 1e-15);
    EXPECT_NEAR(e.classes[1].producers_accuracy, 25.0 / col[1], 1e-15);
}

// A tiny population of equal-area cells (1 m2 each): every possible stratified sample is
// enumerated, so the estimators' expectations and the sampling variance are exact. The
// stratified estimator of a proportion is unbiased, and with the finite population correction
// so is its variance estimator (Cochran 1977, chapter 5).
struct Cell {
    std::int64_t map, ref;
};

template <typename F>
void for_each_subset(int n, int k, F f) {
    std::vector<int> idx(k);
    for (int i = 0; i < k; ++i) idx[i] = i;
    while (true) {
        f(idx);
        int i = k - 1;
        while (i >= 0 && idx[i] == n - k + i) --i;
        if (i < 0) return;
        ++idx[i];
        for (int j = i + 1; j < k; ++j) idx[j] = idx[j - 1] + 1;
    }
}

void check_unbiased(const std::vector<std::vector<Cell>>& population,
                    const std::vector<int>& sample_sizes, bool map_class_strata) {
    std::vector<EstimationStratum> strata;
    double total = 0;
    std::map<std::int64_t, double> true_area;
    double true_correct = 0;
    for (std::size_t h = 0; h < population.size(); ++h) {
        const std::int64_t id = map_class_strata ? population[h][0].map : 100 + h;
        strata.push_back({id, static_cast<double>(population[h].size()),
                          static_cast<std::uint64_t>(population[h].size())});
        total += population[h].size();
        for (const Cell& c : population[h]) {
            true_area[c.ref] += 1;
            true_correct += c.map == c.ref;
        }
    }
    std::map<std::int64_t, double> sum_p, sum_p2, sum_v;
    double sum_o = 0, sum_o2 = 0, sum_vo = 0, count = 0;
    EstimateOptions o;
    o.finite_population_correction = true;
    o.allow_unmapped_reference = true;
    // Nested enumeration of the strata's subsets.
    std::vector<std::vector<int>> chosen(population.size());
    std::function<void(std::size_t)> recurse = [&](std::size_t h) {
        if (h == population.size()) {
            std::vector<LabelledUnit> units;
            for (std::size_t s = 0; s < population.size(); ++s) {
                for (int i : chosen[s]) {
                    const Cell& c = population[s][i];
                    units.push_back({strata[s].id, c.map, c.ref});
                }
            }
            const auto e = estimate_accuracy(strata, units, o);
            for (const auto& c : e.classes) {
                sum_p[c.class_id] += c.proportion;
                sum_p2[c.class_id] += c.proportion * c.proportion;
                sum_v[c.class_id] += c.proportion_se * c.proportion_se;
            }
            sum_o += e.overall_accuracy;
            sum_o2 += e.overall_accuracy * e.overall_accuracy;
            sum_vo += e.overall_accuracy_se * e.overall_accuracy_se;
            count += 1;
            return;
        }
        for_each_subset(static_cast<int>(population[h].size()), sample_sizes[h],
                        [&](const std::vector<int>& idx) {
                            chosen[h] = idx;
                            recurse(h + 1);
                        });
    };
    recurse(0);
    for (const auto& [k, a] : true_area) {
        const double mean = sum_p[k] / count;
        const double var = sum_p2[k] / count - mean * mean;
        EXPECT_NEAR(mean, a / total, 1e-13) << "class " << k;
        EXPECT_NEAR(sum_v[k] / count, var, 1e-13) << "class " << k;
    }
    const double mean_o = sum_o / count;
    EXPECT_NEAR(mean_o, true_correct / total, 1e-13);
    EXPECT_NEAR(sum_vo / count, sum_o2 / count - mean_o * mean_o, 1e-13);
}

TEST(StratifiedEstimatorTest, ProportionEstimatorsAndVariancesAreExactlyUnbiased) {
    // Strata = map classes (olofsson2014): stratum of map class 1 has 6 cells, class 2 has 5.
    check_unbiased({{{1, 1}, {1, 1}, {1, 2}, {1, 1}, {1, 3}, {1, 2}},
                    {{2, 2}, {2, 1}, {2, 2}, {2, 2}, {2, 3}}},
                   {3, 2}, true);
    // Strata = zones (stehman2014): 3 zones of 5, 4 and 6 cells with mixed map classes.
    check_unbiased({{{1, 1}, {2, 1}, {1, 2}, {2, 2}, {1, 1}},
                    {{2, 2}, {2, 3}, {1, 1}, {3, 3}},
                    {{3, 3}, {3, 1}, {1, 1}, {2, 2}, {3, 3}, {1, 3}}},
                   {2, 3, 2}, false);
}

// Coverage: a synthetic truth of 3 classes on 10,000 cells, a noisy map of it (about 15 % of
// cells mislabelled), a design from the map (300 units, proportional, at least 50 per stratum),
// samples drawn with the bottom-k sampler for 1000 seeds and labelled from the truth.
//  * Areas and overall accuracy: the 95 % CIs must cover the true values in 95 % of the runs;
//    with 1000 runs the binomial SD of the observed rate is 0.0069, the band [0.925, 0.975] is
//    +-3.6 SD. Intervals half as wide (a variance off by a factor of 4) cover about 68 %.
//  * User's accuracy with strata = map classes is a proportion within one stratum: the exact
//    coverage of its interval (normal approximation, as in the papers) follows from the
//    hypergeometric distribution and is below 95 % for accuracies near 1 (0.910 for class 1
//    here); the observed rate must match it within 3.5 binomial SD.
//  * The other accuracies are ratio estimators without an exact coverage: their normal
//    intervals also undercover near 1 or when the denominator rests on few units, so the band
//    is [0.89, 0.975], which still fails a variance off by a factor of 2.
struct Scene {
    std::vector<std::int64_t> truth, map, zone;
};

Scene make_scene() {
    Scene s;
    const std::uint64_t cells = 10000;
    for (std::uint64_t c = 0; c < cells; ++c) {
        const double u = std::ldexp(double(sample_key(123456789, c)), -64);
        const double v = std::ldexp(double(sample_key(987654321, c)), -64);
        const std::int64_t t = u < 0.6 ? 1 : u < 0.9 ? 2 : 3;
        std::int64_t m = t;
        if (v < 0.15) m = t % 3 + 1;        // mislabelled as the next class
        if (v > 0.97) m = (t + 1) % 3 + 1;  // or as the one after
        s.truth.push_back(t);
        s.map.push_back(m);
        s.zone.push_back(c < 3000 ? 10 : 20);
    }
    return s;
}

struct Coverage {
    std::map<std::string, int> hits;
    std::map<std::string, double> exact;  // exact coverage where known
    int runs = 0;
    void count(const std::string& what, double est, double ci, double truth) {
        hits[what] += std::fabs(est - truth) <= ci;
    }
};

// Exact coverage of the interval u +- z sqrt((1 - n/N) u (1 - u) / (n - 1)) for the share K/N
// when u = k/n, k hypergeometric (n draws without replacement from N with K successes).
double wald_coverage(double N, double K, double n, double confidence) {
    const double z = z_for_confidence(confidence);
    auto log_choose = [](double a, double b) {
        return std::lgamma(a + 1) - std::lgamma(b + 1) - std::lgamma(a - b + 1);
    };
    double covered = 0;
    for (double k = std::max(0.0, n - (N - K)); k <= std::min(K, n); k += 1) {
        const double pr = std::exp(log_choose(K, k) + log_choose(N - K, n - k) - log_choose(N, n));
        const double u = k / n;
        const double se = std::sqrt((1 - n / N) * u * (1 - u) / (n - 1));
        if (std::fabs(u - K / N) <= z * se) covered += pr;
    }
    return covered;
}

void check_rates(const Coverage& cov) {
    ASSERT_EQ(cov.hits.size(), 10u);
    for (const auto& [what, hits] : cov.hits) {
        const double rate = double(hits) / cov.runs;
        const auto exact = cov.exact.find(what);
        if (exact != cov.exact.end()) {
            const double p = exact->second;
            EXPECT_NEAR(rate, p, 3.5 * std::sqrt(p * (1 - p) / cov.runs)) << what;
        } else if (what.rfind("area", 0) == 0 || what == "OA") {
            EXPECT_GE(rate, 0.925) << what;
            EXPECT_LE(rate, 0.975) << what;
        } else {
            EXPECT_GE(rate, 0.89) << what;
            EXPECT_LE(rate, 0.975) << what;
        }
    }
}

void run_coverage(bool zones_as_strata, Coverage& cov) {
    const Scene s = make_scene();
    const std::size_t cells = s.truth.size();
    std::map<std::int64_t, double> true_count, map_count, correct_mapped;
    double true_correct = 0;
    std::map<std::int64_t, std::uint64_t> stratum_cells;
    for (std::size_t c = 0; c < cells; ++c) {
        true_count[s.truth[c]] += 1;
        map_count[s.map[c]] += 1;
        if (s.truth[c] == s.map[c]) correct_mapped[s.map[c]] += 1, true_correct += 1;
        ++stratum_cells[zones_as_strata ? s.zone[c] : s.map[c]];
    }
    std::vector<DesignStratum> ds;
    std::vector<EstimationStratum> es;
    for (const auto& [id, n] : stratum_cells) {
        ds.push_back({id, 900.0 * n, n});
        es.push_back({id, 900.0 * n, n});
    }
    SampleDesignOptions dopt;
    dopt.size = 300;
    dopt.min_per_stratum = 50;
    const SampleDesign design = design_sample(ds, dopt);
    std::map<std::int64_t, std::uint64_t> quota;
    for (const auto& a : design.strata) quota[a.id] = a.n;
    if (!zones_as_strata) {
        for (const auto& a : design.strata) {
            cov.exact["UA " + std::to_string(a.id)] = wald_coverage(
                map_count[a.id], correct_mapped[a.id], static_cast<double>(a.n), 0.95);
        }
    }
    EstimateOptions eopt;
    eopt.finite_population_correction = true;
    for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
        StratumSampler sampler(seed, quota);
        for (std::size_t c = 0; c < cells; ++c) {
            sampler.offer(zones_as_strata ? s.zone[c] : s.map[c], c);
        }
        std::vector<LabelledUnit> units;
        for (const auto& u : sampler.selection()) {
            units.push_back({u.stratum, s.map[u.cell_index], s.truth[u.cell_index]});
        }
        const auto e = estimate_accuracy(es, units, eopt);
        ASSERT_EQ(e.estimator, zones_as_strata ? "stehman2014" : "olofsson2014");
        cov.count("OA", e.overall_accuracy, e.overall_accuracy_ci, true_correct / cells);
        for (const auto& c : e.classes) {
            const std::string k = std::to_string(c.class_id);
            cov.count("area " + k, c.area_m2, c.area_ci_m2, 900.0 * true_count[c.class_id]);
            cov.count("UA " + k, c.users_accuracy, c.users_accuracy_ci,
                      correct_mapped[c.class_id] / map_count[c.class_id]);
            cov.count("PA " + k, c.producers_accuracy, c.producers_accuracy_ci,
                      correct_mapped[c.class_id] / true_count[c.class_id]);
        }
        ++cov.runs;
    }
}

TEST(StratifiedEstimatorTest, ConfidenceIntervalsCoverAtTheNominalRateWithMapClassStrata) {
    Coverage cov;
    run_coverage(false, cov);
    EXPECT_NEAR(cov.exact.at("UA 1"), 0.910, 0.001);
    check_rates(cov);
}

TEST(StratifiedEstimatorTest, ConfidenceIntervalsCoverAtTheNominalRateWithZoneStrata) {
    Coverage cov;
    run_coverage(true, cov);
    check_rates(cov);
}

TEST(StratifiedEstimatorTest, ConfidenceLevelSetsTheHalfWidths) {
    const std::vector<EstimationStratum> strata = {{1, 7e5}, {2, 3e5}};
    const std::vector<LabelledUnit> units = {{1, 1, 1}, {1, 1, 2}, {1, 1, 1}, {2, 2, 2},
                                             {2, 2, 1}, {2, 2, 2}, {2, 2, 2}};
    EstimateOptions o;
    o.confidence = 0.9;
    const auto e = estimate_accuracy(strata, units, o);
    EXPECT_NEAR(e.z, 1.6448536269514722, 1e-13);
    EXPECT_DOUBLE_EQ(e.classes[0].area_ci_m2, e.z * e.classes[0].area_se_m2);
    EXPECT_DOUBLE_EQ(e.overall_accuracy_ci, e.z * e.overall_accuracy_se);
    // Proportions of the area-weighted error matrix sum to 1.
    double sum = 0;
    for (const auto& row : e.matrix_proportions) {
        for (double v : row) sum += v;
    }
    EXPECT_NEAR(sum, 1.0, 1e-15);
}

std::string error_of(const std::vector<EstimationStratum>& strata,
                     const std::vector<LabelledUnit>& units, const EstimateOptions& o = {}) {
    try {
        estimate_accuracy(strata, units, o);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        return e.what();
    }
    return "no error";
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(StratifiedEstimatorTest, SmallStrataAreErrorsUnlessAllowedThenTheirIntervalsAreAbsent) {
    const std::vector<EstimationStratum> strata = {{1, 7e5}, {2, 3e5}, {5, 1e4}};
    const std::vector<LabelledUnit> units = {{1, 1, 1}, {1, 1, 2}, {1, 1, 1}, {2, 2, 2},
                                             {2, 2, 1}, {2, 2, 2}, {5, 5, 5}};
    EXPECT_TRUE(has(error_of(strata, units), "stratum 5 has 1 labelled unit"));
    EstimateOptions o;
    o.allow_small = true;
    const auto e = estimate_accuracy(strata, units, o);
    ASSERT_EQ(e.warnings.size(), 1u);
    EXPECT_TRUE(has(e.warnings[0], "stratum 5"));
    EXPECT_NEAR(e.classes[2].area_m2, 1e4, 1e-9);      // point estimates are kept
    EXPECT_TRUE(std::isnan(e.classes[2].area_ci_m2));  // its variance term is undefined
    EXPECT_TRUE(std::isnan(e.overall_accuracy_ci));
    EXPECT_TRUE(std::isnan(e.classes[2].users_accuracy_ci));
    EXPECT_FALSE(std::isnan(e.classes[0].users_accuracy_ci));  // UA of class 1: stratum 1 only
    EXPECT_TRUE(std::isnan(e.classes[0].producers_accuracy_ci));
    // A stratum with area and no unit cannot be estimated, allowed or not.
    EXPECT_TRUE(has(error_of({{1, 7e5}, {2, 3e5}, {6, 5e3}}, units, o), "stratum 5"));
    EXPECT_TRUE(has(error_of({{1, 7e5}, {2, 3e5}, {5, 1e4}, {6, 5e3}}, units, o),
                    "stratum 6 has a mapped area of 5000 m2 but no labelled unit"));
}

TEST(StratifiedEstimatorTest, ReferenceClassesOffTheMapAreAnErrorUnlessAllowed) {
    const std::vector<EstimationStratum> strata = {{1, 7e5}, {2, 3e5}};
    const std::vector<LabelledUnit> units = {{1, 1, 1}, {1, 1, 9}, {1, 1, 1}, {2, 2, 2},
                                             {2, 2, 9}, {2, 2, 2}, {2, 2, 4}};
    EXPECT_EQ(unmapped_reference_classes(units, {1, 2}),
              (std::map<std::int64_t, std::uint64_t>{{4, 1}, {9, 2}}));
    EXPECT_TRUE(has(error_of(strata, units), "4 (1 unit), 9 (2 units)"));
    EstimateOptions o;
    o.allow_unmapped_reference = true;
    const auto e = estimate_accuracy(strata, units, o);
    ASSERT_EQ(e.classes.size(), 4u);
    const auto& c9 = e.classes[3];
    EXPECT_EQ(c9.class_id, 9);
    EXPECT_FALSE(c9.map_class);
    EXPECT_EQ(c9.map_area_m2, 0.0);
    EXPECT_NEAR(c9.area_m2, 7e5 / 3 + 3e5 / 4, 1e-6);
    EXPECT_TRUE(std::isnan(c9.users_accuracy));
    EXPECT_EQ(c9.producers_accuracy, 0.0);
    EXPECT_EQ(e.warnings.size(), 1u);
}

TEST(StratifiedEstimatorTest, OtherBadInput) {
    const std::vector<EstimationStratum> strata = {{1, 7e5}, {2, 3e5}};
    const std::vector<LabelledUnit> units = {{1, 1, 1}, {1, 1, 2}, {2, 2, 2}, {2, 2, 1}};
    EstimateOptions o;
    for (double c : {0.0, 1.0, 1.5}) {
        o.confidence = c;
        EXPECT_TRUE(has(error_of(strata, units, o), "confidence"));
    }
    EXPECT_TRUE(has(error_of(strata, {{1, 1, 1}, {1, 1, 1}, {3, 3, 3}, {2, 2, 2}, {2, 2, 2}}),
                    "stratum 3, which is not among the strata"));
    EXPECT_TRUE(has(error_of({{1, 7e5}, {1, 3e5}}, units), "listed twice"));
    EXPECT_TRUE(has(error_of({{1, 7e5}, {2, -1}}, units), "stratum 2 has area -1"));
    EXPECT_TRUE(has(error_of({{1, 7e5}, {2, 0}}, units), "mapped area of 0 m2"));
    o = {};
    o.estimator = Estimator::MapClassStrata;
    EXPECT_TRUE(has(error_of(strata, {{1, 1, 1}, {1, 2, 2}, {2, 2, 2}, {2, 2, 1}}, o),
                    "a unit of stratum 1 has map class 2"));
    o = {};
    o.finite_population_correction = true;
    EXPECT_TRUE(has(error_of(strata, units, o), "no cell count"));
    EXPECT_TRUE(has(error_of({{1, 7e5, 1}, {2, 3e5, 9}}, units, o), "only 1 cells"));
    o = {};
    o.map_areas_m2 = {{1, 6e5}, {2, 4e5}};
    EXPECT_TRUE(
        has(error_of(strata, {{1, 1, 1}, {1, 3, 1}, {2, 2, 2}, {2, 2, 1}}, o), "map class 3"));
}

TEST(StratifiedEstimatorTest, GeneralEstimatorReportsGivenMapAreas) {
    const std::vector<EstimationStratum> zones = {{100, 6e6}, {200, 4e6}};
    const std::vector<LabelledUnit> units = {{100, 1, 1}, {100, 2, 1}, {100, 2, 2},
                                             {200, 1, 1}, {200, 2, 2}, {200, 2, 2}};
    EstimateOptions o;
    EXPECT_TRUE(std::isnan(estimate_accuracy(zones, units, o).classes[0].map_area_m2));
    o.map_areas_m2 = {{1, 3.5e6}, {2, 6.5e6}};
    const auto e = estimate_accuracy(zones, units, o);
    EXPECT_EQ(e.classes[0].map_area_m2, 3.5e6);
    EXPECT_EQ(e.classes[1].map_area_m2, 6.5e6);
    // Error matrix counts: rows map, columns reference.
    EXPECT_EQ(e.matrix_counts, (std::vector<std::vector<std::uint64_t>>{{2, 0}, {1, 3}}));
    EXPECT_NEAR(e.matrix_proportions[1][0], 0.6 / 3, 1e-15);
    ASSERT_EQ(e.strata.size(), 2u);
    EXPECT_EQ(e.strata[1].n, 3u);
    EXPECT_DOUBLE_EQ(e.strata[1].weight, 0.4);
}

}  // namespace
}  // namespace redline::accuracy
