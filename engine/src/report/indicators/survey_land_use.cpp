#include "redline/report/indicators/survey_land_use.hpp"

#include <set>

#include "redline/core/units.hpp"
#include "redline/ops/tabulate/tabulate.hpp"
#include "redline/report/report_context.hpp"

namespace redline {
namespace {

// The survey layer's first-level classes inside the union of inputs.<zones>.
TabulateReport tabulate_in(ReportContext& ctx, const std::string& zones) {
    const ReportConfig& cfg = ctx.config();
    TabulateRequest req;
    req.landuse = cfg.input("landuse");
    req.class_field = cfg.has("landuse_class_field") ? cfg.input("landuse_class_field") : "DLBM";
    req.deduct_field = cfg.input("landuse_deduct_field");
    req.zones = cfg.input(zones);
    req.dissolve = true;
    req.classes = "gbt21010";
    req.level = 1;
    req.policy = ctx.layer_policy();  // the overlay policy with the config's options
    req.threads = ctx.threads();
    req.cancel = ctx.cancel();
    TabulateReport r = ctx.stage("landuse", [&] { return run_tabulate(req); });
    ctx.warn(r.warnings);
    return r;
}

struct ClassSums {
    double area_m2 = 0, net_m2 = 0, covered_m2 = 0, uncovered_m2 = 0;
    nlohmann::json classes = nlohmann::json::array();
};

ClassSums sum_classes(const TabulateReport& r, const std::set<std::string>& codes) {
    ClassSums s;
    for (const auto& row : r.rows) {
        if (row.uncovered) {
            s.uncovered_m2 += row.area_m2;
            continue;
        }
        s.covered_m2 += row.area_m2;
        if (!codes.count(row.cls)) continue;
        s.area_m2 += row.area_m2;
        s.net_m2 += row.net_area_m2;
        s.classes.push_back({{"class", row.cls},
                             {"name", row.class_name},
                             {"area_km2", units::m2_to_km2(row.area_m2)},
                             {"net_area_km2", units::m2_to_km2(row.net_area_m2)},
                             {"parcels", row.parcels}});
    }
    return s;
}

nlohmann::json common(const ReportContext& ctx, const TabulateReport& r, const ClassSums& s) {
    return {{"landuse", ctx.config().input("landuse")},
            {"area_convention", area_convention_name(r.convention)},
            {"area_method", r.area_method},
            {"parcels", r.parcels},
            {"classes", s.classes},
            {"surveyed_km2", units::m2_to_km2(s.covered_m2)},
            {"not_surveyed_km2", units::m2_to_km2(s.uncovered_m2)}};
}

}  // namespace

IndicatorResult CroplandSurvey::compute(ReportContext& ctx, const IndicatorSpec& spec) const {
    const TabulateReport r = tabulate_in(ctx, "land");
    const ClassSums s = sum_classes(r, {"01"});
    nlohmann::json d = common(ctx, r, s);
    d["gross_km2"] = units::m2_to_km2(s.area_m2);
    d["net_km2"] = units::m2_to_km2(s.net_m2);
    d["deductions_km2"] = units::m2_to_km2(s.area_m2 - s.net_m2);
    d["net_yi_mu"] = units::m2_to_yi_mu(s.net_m2);
    d["deduct_field"] = ctx.config().input("landuse_deduct_field");
    return evaluate(spec, units::m2_to_km2(s.net_m2), d);
}

IndicatorResult EcrConstructionLand::compute(ReportContext& ctx, const IndicatorSpec& spec) const {
    const TabulateReport r = tabulate_in(ctx, "redline");
    const ClassSums s = sum_classes(r, {"05", "06", "07", "08", "09", "10"});
    nlohmann::json d = common(ctx, r, s);
    d["net_km2"] = units::m2_to_km2(s.net_m2);
    return evaluate(spec, units::m2_to_km2(s.area_m2), d);
}

}  // namespace redline
