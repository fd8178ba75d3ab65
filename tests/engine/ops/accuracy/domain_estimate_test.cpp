// estimate_domain: the stratified estimator of the area share of a domain (a group of reference
// classes, or a class restricted to a known part of the map), checked against the per-class
// estimator and against a hand computation.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

#include "redline/core/error.hpp"
#include "redline/ops/accuracy/stratified_estimator.hpp"

namespace redline::accuracy {
namespace {

// Strata = map classes 1, 2, 3 (areas 6, 3, 1 km2); reference labels with errors.
const std::vector<EstimationStratum> kStrata = {{1, 6e6}, {2, 3e6}, {3, 1e6}};
const std::vector<LabelledUnit> kUnits = {
    {1, 1, 1}, {1, 1, 1}, {1, 1, 2}, {1, 1, 1}, {1, 1, 3},  // stratum 1: 3 x 1, 1 x 2, 1 x 3
    {2, 2, 2}, {2, 2, 2}, {2, 2, 1}, {2, 2, 2},             // stratum 2: 3 x 2, 1 x 1
    {3, 3, 3}, {3, 3, 2}, {3, 3, 3}};                       // stratum 3: 2 x 3, 1 x 2

TEST(DomainEstimateTest, OneReferenceClassEqualsTheClassEstimate) {
    const AccuracyEstimate e = estimate_accuracy(kStrata, kUnits);
    for (const ClassEstimate& c : e.classes) {
        const DomainEstimate d = estimate_domain(kStrata, kUnits, [&](std::size_t i) {
            return kUnits[i].reference_class == c.class_id;
        });
        EXPECT_NEAR(d.proportion, c.proportion, 1e-15) << c.class_id;
        EXPECT_NEAR(d.proportion_se, c.proportion_se, 1e-15) << c.class_id;
        EXPECT_NEAR(d.area_m2, c.area_m2, 1e-6) << c.class_id;
        EXPECT_NEAR(d.area_ci_m2, c.area_ci_m2, 1e-6) << c.class_id;
    }
}

TEST(DomainEstimateTest, GroupOfClassesByHand) {
    // Domain = reference in {2, 3}. Per stratum: ybar_1 = 2/5, ybar_2 = 3/4, ybar_3 = 3/3;
    // W = 0.6, 0.3, 0.1. p = 0.6*0.4 + 0.3*0.75 + 0.1*1 = 0.565.
    // V = sum W_h^2 ybar(1 - ybar)/(n_h - 1):
    //   0.36 * 0.24 / 4 = 0.0216, 0.09 * 0.1875 / 3 = 0.005625, total 0.027225, SE 0.165.
    const std::set<std::int64_t> group = {2, 3};
    EstimateOptions o;
    o.confidence = 0.95;
    const DomainEstimate d = estimate_domain(
        kStrata, kUnits, [&](std::size_t i) { return group.count(kUnits[i].reference_class) > 0; },
        o);
    EXPECT_NEAR(d.proportion, 0.565, 1e-15);
    EXPECT_NEAR(d.proportion_se, 0.165, 1e-15);
    EXPECT_NEAR(d.area_m2, 0.565 * 1e7, 1e-6);
    EXPECT_NEAR(d.area_se_m2, 0.165 * 1e7, 1e-6);
    EXPECT_NEAR(d.area_ci_m2, 1.959963984540054 * 0.165 * 1e7, 1e-3);
    EXPECT_EQ(d.units_in_domain, 8u);
    EXPECT_EQ(d.total_area_m2, 1e7);
    // The group's share is the sum of its classes' shares (the SE is not: covariances).
    const AccuracyEstimate e = estimate_accuracy(kStrata, kUnits);
    EXPECT_NEAR(d.proportion, e.classes[1].proportion + e.classes[2].proportion, 1e-15);
}

TEST(DomainEstimateTest, DomainCutByUnitIndexAndBadInput) {
    // Leaving out unit 2 (stratum 1, reference 2) from "reference 2": ybar_1 = 0.
    const DomainEstimate d = estimate_domain(
        kStrata, kUnits, [&](std::size_t i) { return i != 2 && kUnits[i].reference_class == 2; });
    EXPECT_NEAR(d.proportion, 0.3 * 0.75 + 0.1 / 3.0, 1e-15);
    EXPECT_EQ(d.units_in_domain, 4u);
    // The sample is validated like estimate_accuracy's.
    std::vector<LabelledUnit> one = kUnits;
    one.resize(10);  // stratum 3 keeps one unit
    try {
        estimate_domain(kStrata, one, [](std::size_t) { return true; });
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("stratum 3 has 1 labelled unit"), std::string::npos)
            << e.what();
    }
    EstimateOptions small;
    small.allow_small = true;
    const DomainEstimate s = estimate_domain(
        kStrata, one, [](std::size_t) { return false; }, small);
    EXPECT_TRUE(std::isnan(s.proportion_se));
}

}  // namespace
}  // namespace redline::accuracy
