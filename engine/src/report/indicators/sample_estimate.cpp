#include "redline/report/indicators/sample_estimate.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <map>
#include <memory>
#include <vector>

#include "redline/core/error.hpp"
#include "redline/core/units.hpp"
#include "redline/geom/polygon_locator.hpp"
#include "redline/ops/accuracy/estimate_job.hpp"
#include "redline/ops/change/change_rules.hpp"
#include "redline/report/indicators/land_cover_totals.hpp"
#include "redline/report/report_context.hpp"

namespace redline {
namespace {

using accuracy::DomainEstimate;
using accuracy::EstimateReport;

// The sample estimate of `id` over `population` (the design check runs against the sample's
// sidecar design), with every engine error prefixed by the config line of accuracy.<id>.
EstimateReport run_sample(ReportContext& ctx, const std::string& id,
                          accuracy::MapStrataRequest population) {
    const IndicatorSample& s = *ctx.config().sample_for(id);
    accuracy::EstimateRequest req;
    req.sample = s.sample;
    req.stratum_field = s.stratum_field;
    req.reference_field = s.reference_field;
    req.confidence = s.confidence;
    req.allow_small = s.allow_small;
    req.drop_unlabelled = s.drop_unlabelled;
    // A reference class the map does not show is a legitimate label (the map missed the class);
    // the callers check that every label is a class of the class table or a change category.
    req.allow_unmapped_reference = true;
    population.threads = ctx.threads();
    population.cancel = ctx.cancel();
    population.policy = LayerPolicy::zones();
    population.policy.reproject = ctx.options().reproject;
    population.policy.make_valid = ctx.options().make_valid;
    population.policy.encoding = ctx.options().encoding;
    population.policy.naming = ctx.layer_policy().naming;
    req.map = std::move(population);
    return ctx.stage("accuracy." + id, [&] {
        EstimateReport r = accuracy::run_estimate(req);
        if (!r.design_check.value("checked", false))
            fail(ErrorKind::InvalidInput,
                 fmt::format("the sample '{}' has no design file '{}' (written by `redline "
                             "sample` beside it), so it cannot be checked against the report's "
                             "map and population",
                             s.sample, s.design));
        return r;
    });
}

// Every reference label must be a known code: `valid(code)`, else InvalidInput naming the units'
// labels (a typo is never counted as "another class").
void check_labels(const ReportContext& ctx, const std::string& id, const EstimateReport& r,
                  const std::function<bool(std::int64_t)>& valid, const std::string& what) {
    std::map<std::int64_t, std::size_t> bad;
    for (const auto& u : r.units)
        if (!valid(u.reference_class)) ++bad[u.reference_class];
    if (bad.empty()) return;
    std::vector<std::string> list;
    for (const auto& [code, n] : bad) list.push_back(fmt::format("{} ({} units)", code, n));
    fail(ErrorKind::InvalidInput,
         fmt::format("{}: the sample '{}' has reference values that are not {}: {}",
                     ctx.config().where("accuracy." + id), ctx.config().sample_for(id)->sample,
                     what, fmt::join(list, ", ")));
}

DomainEstimate domain(const EstimateReport& r, const std::function<bool(std::size_t)>& in) {
    return accuracy::estimate_domain(r.strata, r.units, in, r.options);
}

nlohmann::json common(const ReportContext& ctx, const std::string& id, const EstimateReport& r,
                      const DomainEstimate& d) {
    const IndicatorSample& s = *ctx.config().sample_for(id);
    const auto num = [](double v) {
        return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
    };
    return {{"sample", s.sample},
            {"reference_field", s.reference_field},
            {"estimator", "stratified estimator of a proportion (Stehman 2014, eqs. 2 and 25)"},
            {"units", r.units.size()},
            {"units_in_domain", d.units_in_domain},
            {"strata", r.strata.size()},
            {"population_area_m2", d.total_area_m2},
            {"proportion", d.proportion},
            {"proportion_se", num(d.proportion_se)},
            {"z", d.z},
            {"overall_accuracy", num(r.estimate.overall_accuracy)},
            {"map_digest", r.map_digest},
            {"design_check", r.design_check},
            {"warnings", r.warnings}};
}

IndicatorEstimate make(const IndicatorSpec& spec, double value, double half, double confidence,
                       nlohmann::json details) {
    IndicatorEstimate e;
    e.value = value;
    e.half_width = half;
    e.confidence = confidence;
    e.verdict = interval_verdict(spec, e.low(), e.high());
    e.details = std::move(details);
    return e;
}

}  // namespace

std::optional<IndicatorEstimate> land_cover_estimate(ReportContext& ctx, const IndicatorSpec& spec,
                                                     const std::string& group) {
    if (!ctx.config().sample_for(spec.id)) return std::nullopt;
    accuracy::MapStrataRequest pop;
    pop.map = ctx.config().input("landcover_t1");
    pop.zones = ctx.config().input("land");
    const EstimateReport r = run_sample(ctx, spec.id, pop);
    const ClassTable& classes = ctx.classes();
    check_labels(
        ctx, spec.id, r, [&](std::int64_t c) { return classes.name_of(c).has_value(); },
        fmt::format("classes of the class table '{}'", classes.id()));
    const DomainEstimate d = domain(
        r, [&](std::size_t i) { return classes.in_group(r.units[i].reference_class, group); });
    const LandCoverTotals t = land_cover_totals(ctx);
    // The share applies to the valid land-cover area inside the land, the map value's own area.
    double scale = t.valid_m2;
    if (spec.unit == "percent")
        scale = 100.0 * t.valid_m2 / t.land_m2;
    else
        scale = *convert_unit(t.valid_m2, "m2", spec.unit);
    nlohmann::json details = common(ctx, spec.id, r, d);
    details["group"] = group;
    details["codes"] = classes.codes_of(group);
    details["valid_area_m2"] = t.valid_m2;
    details["land_area_m2"] = t.land_m2;
    return make(spec, d.proportion * scale, d.z * d.proportion_se * scale, d.confidence, details);
}

std::optional<IndicatorEstimate> conversion_estimate(ReportContext& ctx,
                                                     const IndicatorSpec& spec) {
    if (!ctx.config().sample_for(spec.id)) return std::nullopt;
    const ReportConfig& cfg = ctx.config();
    accuracy::MapStrataRequest pop;
    pop.t0 = cfg.input("landcover_t0");
    pop.t1 = cfg.input("landcover_t1");
    pop.zones = cfg.input("redline");
    const ChangeRules rules = ChangeRules::preset("redline", ctx.classes());
    pop.transitions = change_rule_strata(rules);
    const EstimateReport r = run_sample(ctx, spec.id, pop);
    const auto categories = static_cast<std::int64_t>(pop.transitions.names.size());
    check_labels(
        ctx, spec.id, r, [&](std::int64_t c) { return c >= 0 && c < categories; },
        fmt::format("change categories (0 stable to {})", categories - 1));
    // Units whose centre lies in a permitted polygon are outside the indicator's domain.
    std::unique_ptr<PolygonLocator> permitted;
    if (cfg.has("permitted")) {
        for (std::size_t i = 0; i < r.units.size(); ++i)
            if (!std::isfinite(r.unit_points[i].x) || !std::isfinite(r.unit_points[i].y))
                fail(
                    ErrorKind::InvalidInput,
                    fmt::format("{}: the sample '{}' has no x and y of its units (fields x, y "
                                "in the map's CRS), needed to leave out the units inside "
                                "inputs.permitted",
                                cfg.where("accuracy." + spec.id), cfg.sample_for(spec.id)->sample));
        permitted = std::make_unique<PolygonLocator>(ctx.layer("permitted").uni.merged());
    }
    std::uint64_t in_permitted = 0;
    const DomainEstimate d = domain(r, [&](std::size_t i) {
        if (r.units[i].reference_class == 0) return false;  // stable
        if (permitted && permitted->covers(r.unit_points[i])) {
            ++in_permitted;
            return false;
        }
        return true;
    });
    const double scale = *convert_unit(1.0, "m2", spec.unit);
    nlohmann::json details = common(ctx, spec.id, r, d);
    details["strata_names"] = pop.transitions.names;
    details["converted_units_in_permitted"] = in_permitted;
    return make(spec, d.area_m2 * scale, d.area_ci_m2 * scale, d.confidence, details);
}

}  // namespace redline
