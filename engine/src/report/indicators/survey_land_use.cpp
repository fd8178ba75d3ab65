#include "redline/report/indicators/survey_land_use.hpp"

#include <fmt/format.h>

#include <set>

#include "redline/core/units.hpp"
#include "redline/geom/polygon_union.hpp"
#include "redline/layers/conform.hpp"
#include "redline/layers/layer_dissolve.hpp"
#include "redline/layers/layer_reading.hpp"
#include "redline/ops/tabulate/tabulate.hpp"
#include "redline/report/report_context.hpp"

namespace redline {
namespace {

constexpr const char* kAll = "all";

std::string region_zone(const std::string& region) { return "region " + region; }

// The zones of a survey tabulation, in the layer's own CRS (tabulate conforms them to the survey
// layer's, as it would a layer it read): the union of inputs.<key> as zone "all", then, with
// inputs.regions, its part inside each region as zone "region <name>" (a region it misses has no
// zone). Warnings of this second reading are not repeated: the report gave them when it read
// the same files.
PolygonLayer survey_zones(ReportContext& ctx, const std::string& key) {
    const ReportConfig& cfg = ctx.config();
    const LayerPolicy& policy = ctx.layer_policy();
    const int threads = ctx.threads();
    LayerFields all;
    all.unique_ids = false;
    PolygonLayer z = load_polygon_layer(cfg.input(key), all, policy);
    const std::string name = fmt::format("layer '{}' in '{}'", z.label, z.path);
    conform(z, z.crs, name, policy, threads);
    dissolve_layer(z, DissolveBy{true, ""}, threads);
    z.warnings.clear();
    if (!cfg.has("regions")) return z;
    LayerFields by_region;
    by_region.group = cfg.input("regions_id");
    by_region.unique_ids = false;
    PolygonLayer reg = load_polygon_layer(cfg.input("regions"), by_region, policy);
    conform(reg, z.crs, name, policy, threads);
    dissolve_layer(reg, DissolveBy{false, by_region.group}, 1);
    const MultiPolygon whole = z.geoms.empty() ? MultiPolygon{} : z.geoms.front();
    for (std::size_t i = 0; i < reg.size(); ++i) {
        MultiPolygon part = intersection(whole, reg.geoms[i]);
        if (part.polygons.empty()) continue;
        z.ids.push_back(region_zone(reg.ids[i]));
        z.geoms.push_back(std::move(part));
    }
    return z;
}

// The survey layer's first-level classes inside survey_zones(key).
TabulateReport tabulate_in(ReportContext& ctx, const std::string& key) {
    const ReportConfig& cfg = ctx.config();
    TabulateRequest req;
    req.landuse = cfg.input("landuse");
    req.class_field = cfg.has("landuse_class_field") ? cfg.input("landuse_class_field") : "DLBM";
    req.deduct_field = cfg.input("landuse_deduct_field");
    req.zones = cfg.input(key);
    req.classes = "gbt21010";
    req.level = 1;
    req.policy = ctx.layer_policy();  // the overlay policy with the config's options
    req.threads = ctx.threads();
    req.cancel = ctx.cancel();
    TabulateReport r = ctx.stage("landuse", [&] {
        req.zone_layer = survey_zones(ctx, key);
        return run_tabulate(req);
    });
    for (const auto& w : r.warnings)
        if (w != r.gap_warning) ctx.warn({w});
    for (const auto& row : r.rows)
        if (row.uncovered && row.zone == kAll && row.area_m2 > 0)
            ctx.warn(
                {fmt::format("inputs.landuse does not cover {} m2 of the union of "
                             "inputs.{} (gaps between parcels or area outside the layer; "
                             "reported as not_surveyed_km2)",
                             format_real(row.area_m2, 2), key)});
    return r;
}

struct ClassSums {
    double area_m2 = 0, net_m2 = 0, covered_m2 = 0, uncovered_m2 = 0;
    nlohmann::json classes = nlohmann::json::array();
};

ClassSums sum_classes(const TabulateReport& r, const std::string& zone,
                      const std::set<std::string>& codes) {
    ClassSums s;
    for (const auto& row : r.rows) {
        if (row.zone != zone) continue;
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

// With regions: the region table's column `column`, km2 of the classes `codes` (net of
// deductions or gross) inside each region's part of the zones.
void add_region_column(ReportContext& ctx, const TabulateReport& r, const std::string& column,
                       const std::set<std::string>& codes, bool net) {
    const ReportRegions& regions = ctx.regions();
    if (regions.empty()) return;
    std::vector<double> km2;
    for (const auto& name : regions.names) {
        const ClassSums s = sum_classes(r, region_zone(name), codes);
        km2.push_back(units::m2_to_km2(net ? s.net_m2 : s.area_m2));
    }
    ctx.region_survey_columns.emplace_back(column, std::move(km2));
}

const std::set<std::string> kCropland = {"01"};
const std::set<std::string> kConstruction = {"05", "06", "07", "08", "09", "10"};

}  // namespace

IndicatorResult CroplandSurvey::compute(ReportContext& ctx, const IndicatorSpec& spec) const {
    const TabulateReport r = tabulate_in(ctx, "land");
    const ClassSums s = sum_classes(r, kAll, kCropland);
    add_region_column(ctx, r, "cropland_survey_net_km2", kCropland, true);
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
    const ClassSums s = sum_classes(r, kAll, kConstruction);
    add_region_column(ctx, r, "ecr_construction_land_km2", kConstruction, false);
    nlohmann::json d = common(ctx, r, s);
    d["net_km2"] = units::m2_to_km2(s.net_m2);
    return evaluate(spec, units::m2_to_km2(s.area_m2), d);
}

}  // namespace redline
