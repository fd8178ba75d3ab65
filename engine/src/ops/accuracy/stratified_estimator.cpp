#include "redline/ops/accuracy/stratified_estimator.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

#include "redline/core/error.hpp"
#include "redline/ops/accuracy/normal_quantile.hpp"

namespace redline::accuracy {
namespace {

[[noreturn]] void invalid(const std::string& message) {
    fail(ErrorKind::InvalidInput, "accuracy estimate: " + message);
}

std::string str(double v) {
    std::ostringstream s;
    s.precision(12);
    s << v;
    return s.str();
}

// Everything both estimators need, validated.
struct Prepared {
    std::vector<EstimationStratum> strata;
    std::vector<std::vector<const LabelledUnit*>> units;  // per stratum, input order
    std::vector<double> weight;                           // W_h = A_h / A
    std::vector<double> fpc;                              // 1 - n_h / N_h, or 1
    double total_area = 0;
    std::vector<std::int64_t> classes;         // ascending
    std::map<std::int64_t, std::size_t> slot;  // class id -> index in classes
    std::set<std::int64_t> map_classes;
    std::vector<std::string> warnings;

    std::size_t n(std::size_t h) const { return units[h].size(); }
};

Prepared prepare(const std::vector<EstimationStratum>& strata,
                 const std::vector<LabelledUnit>& units, const EstimateOptions& o,
                 bool map_class_strata) {
    Prepared p;
    p.strata = strata;
    std::map<std::int64_t, std::size_t> index;
    for (std::size_t h = 0; h < strata.size(); ++h) {
        const auto& s = strata[h];
        if (!index.emplace(s.id, h).second) {
            invalid("stratum " + std::to_string(s.id) +
                    " is listed twice; give each stratum's "
                    "area once");
        }
        if (!(std::isfinite(s.area_m2) && s.area_m2 >= 0)) {
            invalid("stratum " + std::to_string(s.id) + " has area " + str(s.area_m2) +
                    " m2; a mapped area of 0 m2 or more is expected");
        }
        p.total_area += s.area_m2;
    }
    p.units.resize(strata.size());
    for (const auto& u : units) {
        const auto it = index.find(u.stratum);
        if (it == index.end()) {
            invalid("a labelled unit is in stratum " + std::to_string(u.stratum) +
                    ", which is not among the strata whose areas were given; the sample and the "
                    "strata do not match");
        }
        p.units[it->second].push_back(&u);
    }
    if (!(p.total_area > 0)) invalid("the strata's total mapped area is 0 m2");
    for (std::size_t h = 0; h < strata.size(); ++h) {
        const auto& s = strata[h];
        const std::string name = "stratum " + std::to_string(s.id);
        const std::size_t n = p.n(h);
        if (s.area_m2 > 0 && n == 0) {
            invalid(name + " has a mapped area of " + str(s.area_m2) +
                    " m2 but no labelled unit; every stratum with area needs at least 2 units");
        }
        if (s.area_m2 == 0 && n > 0) {
            invalid(name + " has " + std::to_string(n) +
                    " labelled units but a mapped area of 0 m2; the strata areas do not match "
                    "the sample");
        }
        if (n == 1) {
            if (!o.allow_small) {
                invalid(name +
                        " has 1 labelled unit; its variance is undefined (n_h - 1 = 0). "
                        "Label more units, merge the stratum, or allow small strata to "
                        "get point estimates without the intervals that depend on it");
            }
            p.warnings.push_back(name +
                                 " has 1 labelled unit: its variance is undefined, so "
                                 "the standard errors and confidence intervals that "
                                 "include it are absent (NaN)");
        }
        p.weight.push_back(s.area_m2 / p.total_area);
        double f = 1.0;
        if (o.finite_population_correction && n > 0) {
            if (s.units == 0) {
                invalid(name +
                        " has no cell count; the finite population correction needs the "
                        "number of cells of every stratum");
            }
            if (n > s.units) {
                invalid(name + " has " + std::to_string(n) + " labelled units but only " +
                        std::to_string(s.units) + " cells");
            }
            f = 1.0 - static_cast<double>(n) / static_cast<double>(s.units);
        }
        p.fpc.push_back(f);
    }
    // Map classes.
    if (map_class_strata) {
        for (const auto& s : strata) p.map_classes.insert(s.id);
    } else if (!o.map_areas_m2.empty()) {
        for (const auto& [c, a] : o.map_areas_m2) p.map_classes.insert(c);
        for (const auto& u : units) {
            if (!p.map_classes.count(u.map_class)) {
                invalid("a labelled unit has map class " + std::to_string(u.map_class) +
                        ", which is not among the map classes given");
            }
        }
    } else {
        for (const auto& u : units) p.map_classes.insert(u.map_class);
    }
    const auto unmapped = unmapped_reference_classes(units, p.map_classes);
    if (!unmapped.empty()) {
        std::string list;
        for (const auto& [c, n] : unmapped) {
            list += (list.empty() ? "" : ", ") + std::to_string(c) + " (" + std::to_string(n) +
                    (n == 1 ? " unit)" : " units)");
        }
        if (!o.allow_unmapped_reference) {
            invalid("reference classes that are not classes of the map: " + list +
                    "; correct the labels, or allow them explicitly (they then get an area "
                    "estimate and no user's accuracy)");
        }
        p.warnings.push_back("reference classes that are not classes of the map: " + list);
    }
    std::set<std::int64_t> all = p.map_classes;
    for (const auto& u : units) all.insert(u.reference_class);
    p.classes.assign(all.begin(), all.end());
    for (std::size_t i = 0; i < p.classes.size(); ++i) p.slot[p.classes[i]] = i;
    return p;
}

void fill_common(const Prepared& p, const std::vector<LabelledUnit>& units, AccuracyEstimate& e) {
    const std::size_t k = p.classes.size();
    e.total_area_m2 = p.total_area;
    e.warnings = p.warnings;
    e.matrix_counts.assign(k, std::vector<std::uint64_t>(k, 0));
    e.matrix_proportions.assign(k, std::vector<double>(k, 0.0));
    for (const auto& u : units) {
        ++e.matrix_counts[p.slot.at(u.map_class)][p.slot.at(u.reference_class)];
    }
    for (std::size_t h = 0; h < p.strata.size(); ++h) {
        e.strata.push_back(StratumSummary{p.strata[h].id, p.strata[h].area_m2, p.weight[h],
                                          static_cast<std::uint64_t>(p.n(h))});
        const double n = static_cast<double>(p.n(h));
        for (const LabelledUnit* u : p.units[h]) {
            e.matrix_proportions[p.slot.at(u->map_class)][p.slot.at(u->reference_class)] +=
                p.weight[h] / n;
        }
    }
    e.classes.resize(k);
    for (std::size_t i = 0; i < k; ++i) {
        ClassEstimate& c = e.classes[i];
        c.class_id = p.classes[i];
        c.map_class = p.map_classes.count(c.class_id) > 0;
    }
}

void finish_class(double A, double z, ClassEstimate& c) {
    c.area_m2 = A * c.proportion;
    c.area_se_m2 = A * c.proportion_se;
    c.area_ci_m2 = z * c.area_se_m2;
    c.users_accuracy_ci = z * c.users_accuracy_se;
    c.producers_accuracy_ci = z * c.producers_accuracy_se;
}

// Strata = map classes: Olofsson et al. 2014 (as Olofsson et al. 2013).
void olofsson(const Prepared& p, const std::vector<LabelledUnit>& units, AccuracyEstimate& e) {
    e.estimator = "olofsson2014";
    fill_common(p, units, e);
    const std::size_t k = p.classes.size();
    // Per map class i (row): stratum area N_i, W_i, n_i., fpc g_i.
    std::vector<double> N(k, 0.0), W(k, 0.0), g(k, 1.0), n(k, 0.0);
    for (std::size_t h = 0; h < p.strata.size(); ++h) {
        const std::size_t i = p.slot.at(p.strata[h].id);
        N[i] = p.strata[h].area_m2;
        W[i] = p.weight[h];
        g[i] = p.fpc[h];
        n[i] = static_cast<double>(p.n(h));
    }
    auto nij = [&](std::size_t i, std::size_t j) {
        return static_cast<double>(e.matrix_counts[i][j]);
    };
    const auto& P = e.matrix_proportions;  // p_ij = W_i n_ij / n_i.
    // The variance term of a row i with share q = n_ij / n_i.: q (1 - q) / (n_i. - 1), undefined
    // for a single unit.
    auto term = [&](std::size_t i, double q) {
        if (n[i] < 2) return kUndefined;
        return q * (1.0 - q) / (n[i] - 1.0);
    };
    std::vector<double> col(k, 0.0);
    for (std::size_t i = 0; i < k; ++i) {
        for (std::size_t j = 0; j < k; ++j) col[j] += P[i][j];
    }
    // Overall accuracy and its variance.
    double O = 0, VO = 0;
    for (std::size_t i = 0; i < k; ++i) {
        O += P[i][i];
        if (n[i] > 0) VO += W[i] * W[i] * g[i] * term(i, nij(i, i) / n[i]);
    }
    e.overall_accuracy = O;
    e.overall_accuracy_se = std::sqrt(VO);
    e.overall_accuracy_ci = e.z * e.overall_accuracy_se;
    for (std::size_t j = 0; j < k; ++j) {
        ClassEstimate& c = e.classes[j];
        c.map_area_m2 = c.map_class ? N[j] : 0.0;
        // Area proportion p_.k and its standard error.
        double Vp = 0;
        for (std::size_t i = 0; i < k; ++i) {
            if (n[i] > 0) Vp += W[i] * W[i] * g[i] * term(i, nij(i, j) / n[i]);
        }
        c.proportion = col[j];
        c.proportion_se = std::sqrt(Vp);
        // User's accuracy and its variance.
        if (n[j] > 0) {
            const double U = nij(j, j) / n[j];
            c.users_accuracy = U;
            c.users_accuracy_se = std::sqrt(g[j] * term(j, U));
        }
        // Producer's accuracy and its variance: N_.j = sum_i N_i. n_ij / n_i.;
        // V = [N_j.^2 (1 - P)^2 U_j (1 - U_j) / (n_j. - 1)
        //      + P^2 sum_{i != j} N_i.^2 (n_ij / n_i.)(1 - n_ij / n_i.) / (n_i. - 1)] / N_.j^2
        if (col[j] > 0) {
            const double Pj = P[j][j] / col[j];
            double Nj = 0;
            for (std::size_t i = 0; i < k; ++i) {
                if (n[i] > 0) Nj += N[i] * nij(i, j) / n[i];
            }
            double first = 0;
            if (n[j] > 0) {
                const double U = nij(j, j) / n[j];
                first = N[j] * N[j] * g[j] * (1.0 - Pj) * (1.0 - Pj) * term(j, U);
            }
            double rest = 0;
            for (std::size_t i = 0; i < k; ++i) {
                if (i != j && n[i] > 0) rest += N[i] * N[i] * g[i] * term(i, nij(i, j) / n[i]);
            }
            c.producers_accuracy = Pj;
            c.producers_accuracy_se = std::sqrt((first + Pj * Pj * rest) / (Nj * Nj));
        }
        finish_class(p.total_area, e.z, c);
    }
}

// Any strata: Stehman 2014. y_u and x_u are indicator functions of a unit.
using Indicator = std::function<double(const LabelledUnit&)>;

struct StratumMoments {
    double my = 0, mx = 0, vy = 0, vx = 0, cxy = 0;  // means, sample variances, covariance
};

StratumMoments moments(const std::vector<const LabelledUnit*>& us, const Indicator& y,
                       const Indicator& x) {
    StratumMoments m;
    const double n = static_cast<double>(us.size());
    for (const LabelledUnit* u : us) {
        m.my += y(*u);
        m.mx += x(*u);
    }
    m.my /= n;
    m.mx /= n;
    if (us.size() < 2) {
        m.vy = m.vx = m.cxy = kUndefined;
        return m;
    }
    for (const LabelledUnit* u : us) {
        const double dy = y(*u) - m.my, dx = x(*u) - m.mx;
        m.vy += dy * dy;
        m.vx += dx * dx;
        m.cxy += dx * dy;
    }
    m.vy /= n - 1;
    m.vx /= n - 1;
    m.cxy /= n - 1;
    return m;
}

// Stratified estimator of a proportion (eq. 2 divided by A) and its SE (eq. 25).
std::pair<double, double> proportion(const Prepared& p, const Indicator& y) {
    double est = 0, var = 0;
    for (std::size_t h = 0; h < p.strata.size(); ++h) {
        if (p.n(h) == 0) continue;
        const StratumMoments m = moments(p.units[h], y, y);
        est += p.weight[h] * m.my;
        var += p.weight[h] * p.weight[h] * p.fpc[h] * m.vy / static_cast<double>(p.n(h));
    }
    return {est, std::sqrt(var)};
}

// Combined ratio estimator R = Y / X (eqs. 18-19, 22-23) and its SE (eq. 28), with the strata's
// area shares as weights (the common factor A cancels).
std::pair<double, double> ratio(const Prepared& p, const Indicator& y, const Indicator& x) {
    std::vector<StratumMoments> ms(p.strata.size());
    double Y = 0, X = 0;
    for (std::size_t h = 0; h < p.strata.size(); ++h) {
        if (p.n(h) == 0) continue;
        ms[h] = moments(p.units[h], y, x);
        Y += p.weight[h] * ms[h].my;
        X += p.weight[h] * ms[h].mx;
    }
    if (!(X > 0)) return {kUndefined, kUndefined};
    const double R = Y / X;
    double var = 0;
    for (std::size_t h = 0; h < p.strata.size(); ++h) {
        if (p.n(h) == 0) continue;
        const StratumMoments& m = ms[h];
        var += p.weight[h] * p.weight[h] * p.fpc[h] * (m.vy + R * R * m.vx - 2.0 * R * m.cxy) /
               static_cast<double>(p.n(h));
    }
    return {R, std::sqrt(var / (X * X))};
}

void stehman(const Prepared& p, const std::vector<LabelledUnit>& units, const EstimateOptions& o,
             AccuracyEstimate& e) {
    e.estimator = "stehman2014";
    fill_common(p, units, e);
    // Overall accuracy: y_u = 1 when map = reference (eq. 12).
    const auto [O, SO] = proportion(
        p, [](const LabelledUnit& u) { return u.map_class == u.reference_class ? 1.0 : 0.0; });
    e.overall_accuracy = O;
    e.overall_accuracy_se = SO;
    e.overall_accuracy_ci = e.z * SO;
    for (ClassEstimate& c : e.classes) {
        const std::int64_t k = c.class_id;
        const auto it = o.map_areas_m2.find(k);
        if (it != o.map_areas_m2.end()) {
            c.map_area_m2 = it->second;
        } else if (!c.map_class) {
            c.map_area_m2 = 0.0;
        }
        // Area proportion of reference class k: y_u = 1 when reference = k (eq. 14).
        const auto [pk, sk] = proportion(
            p, [k](const LabelledUnit& u) { return u.reference_class == k ? 1.0 : 0.0; });
        c.proportion = pk;
        c.proportion_se = sk;
        const Indicator correct = [k](const LabelledUnit& u) {
            return u.map_class == k && u.reference_class == k ? 1.0 : 0.0;
        };
        // User's accuracy: y_u = correct and mapped k, x_u = mapped k (eqs. 18-19).
        const auto [U, SU] =
            ratio(p, correct, [k](const LabelledUnit& u) { return u.map_class == k ? 1.0 : 0.0; });
        c.users_accuracy = U;
        c.users_accuracy_se = SU;
        // Producer's accuracy: y_u = correct and reference k, x_u = reference k (eqs. 22-23).
        const auto [Pk, SP] = ratio(
            p, correct, [k](const LabelledUnit& u) { return u.reference_class == k ? 1.0 : 0.0; });
        c.producers_accuracy = Pk;
        c.producers_accuracy_se = SP;
        finish_class(p.total_area, e.z, c);
    }
}

}  // namespace

std::map<std::int64_t, std::uint64_t> unmapped_reference_classes(
    const std::vector<LabelledUnit>& units, const std::set<std::int64_t>& map_classes) {
    std::map<std::int64_t, std::uint64_t> out;
    for (const auto& u : units) {
        if (!map_classes.count(u.reference_class)) ++out[u.reference_class];
    }
    return out;
}

bool strata_are_map_classes(const std::vector<LabelledUnit>& units) {
    return std::all_of(units.begin(), units.end(),
                       [](const LabelledUnit& u) { return u.map_class == u.stratum; });
}

AccuracyEstimate estimate_accuracy(const std::vector<EstimationStratum>& strata,
                                   const std::vector<LabelledUnit>& units,
                                   const EstimateOptions& options) {
    AccuracyEstimate e;
    e.confidence = options.confidence;
    e.z = z_for_confidence(options.confidence);
    e.finite_population_correction = options.finite_population_correction;
    const bool map_strata = strata_are_map_classes(units);
    if (options.estimator == Estimator::MapClassStrata && !map_strata) {
        const auto bad = std::find_if(units.begin(), units.end(), [](const LabelledUnit& u) {
            return u.map_class != u.stratum;
        });
        invalid(
            "the map-class estimator needs strata that are the map classes, but a unit of "
            "stratum " +
            std::to_string(bad->stratum) + " has map class " + std::to_string(bad->map_class) +
            "; use the general estimator");
    }
    const bool use_map_strata = options.estimator == Estimator::MapClassStrata ||
                                (options.estimator == Estimator::Auto && map_strata);
    const Prepared p = prepare(strata, units, options, use_map_strata);
    if (use_map_strata) {
        olofsson(p, units, e);
    } else {
        stehman(p, units, options, e);
    }
    return e;
}

DomainEstimate estimate_domain(const std::vector<EstimationStratum>& strata,
                               const std::vector<LabelledUnit>& units,
                               const std::function<bool(std::size_t unit)>& in_domain,
                               const EstimateOptions& options) {
    DomainEstimate d;
    d.confidence = options.confidence;
    d.z = z_for_confidence(options.confidence);
    const Prepared p = prepare(strata, units, options, false);
    const LabelledUnit* first = units.data();
    std::vector<char> member(units.size());
    for (std::size_t i = 0; i < units.size(); ++i) {
        member[i] = in_domain(i) ? 1 : 0;
        d.units_in_domain += static_cast<std::uint64_t>(member[i]);
    }
    const auto [est, se] = proportion(p, [&](const LabelledUnit& u) {
        return member[static_cast<std::size_t>(&u - first)] ? 1.0 : 0.0;
    });
    d.proportion = est;
    d.proportion_se = se;
    d.total_area_m2 = p.total_area;
    d.area_m2 = p.total_area * est;
    d.area_se_m2 = p.total_area * se;
    d.area_ci_m2 = d.z * d.area_se_m2;
    return d;
}

}  // namespace redline::accuracy
