#include "redline/ops/tabulate/tabulate_steps.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cmath>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/text.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geom/coverage_edges.hpp"
#include "redline/geom/polygon_dissolve.hpp"
#include "redline/geom/polygon_overlap.hpp"
#include "redline/geom/polygon_union.hpp"
#include "redline/layers/conform.hpp"
#include "redline/layers/layer_dissolve.hpp"
#include "redline/layers/layer_reading.hpp"
#include "redline/ops/provenance.hpp"

namespace redline::tabulate_detail {
namespace {

constexpr const char* kUncovered = "uncovered";

PolygonLayer read_zones(const TabulateRequest& req, const Crs& crs, const std::string& lu_text) {
    const DissolveBy by{req.dissolve, req.dissolve_by};
    LayerFields zfields;
    zfields.id = req.id_field;
    zfields.group = req.dissolve_by;
    zfields.unique_ids = !by.any();
    PolygonLayer zones =
        req.zone_layer ? *req.zone_layer : load_polygon_layer(req.zones, zfields, req.policy);
    conform(zones, crs, lu_text, req.policy, req.threads);
    dissolve_layer(zones, by, req.threads);
    return zones;
}

// The report's fields that come from the layer's CRS and the zones, in the warnings' order
// (the layer's, the zones', the area calculator's).
void start_report(TabulateReport& rep, const std::optional<LandUseCodes>& codes,
                  const std::vector<std::string>& lu_warnings, const PolygonLayer& zones,
                  const ConcurrentAreaCalculator& calc) {
    rep.named = codes.has_value();
    rep.warnings = lu_warnings;
    for (const auto& w : zones.warnings) rep.warnings.push_back(w);
    for (const auto& w : calc.prototype().warnings()) rep.warnings.push_back(w);
    rep.area_method = calc.prototype().description();
    rep.ellipsoid = calc.prototype().ellipsoid();
    rep.zones = zones.size();
}

AreaConvention convention_of(const TabulateRequest& req, const Crs& crs) {
    return req.convention ? *req.convention : default_area_convention(crs);
}

}  // namespace

LandUseReadOptions read_options(const TabulateRequest& req) {
    LandUseReadOptions ro;
    ro.class_field = req.class_field;
    ro.deduct_field = req.deduct_field;
    ro.check_field = req.check_field;
    ro.policy = req.policy;
    ro.progress = req.progress;
    ro.threads = req.threads;
    return ro;
}

void attach_check(TabulateReport& rep, AreaCheck check, const LandUseLayer& lu,
                  const TabulateRequest& req) {
    rep.check = std::move(check);
    rep.check.crs_wkt = lu.layer.crs.wkt;
    rep.check.layer_text = lu.text;
    if (!rep.check.rows.empty() || rep.check.missing > 0)
        rep.warnings.push_back(rep.check.message(req.max_examples));
}

void apply_level(LandUseLayer& lu, const TabulateRequest& req) {
    if (req.level == 0) return;
    for (std::size_t i = 0; i < lu.classes.size(); ++i) {
        auto at = land_use_code_at_level(lu.classes[i], req.level);
        if (!at)
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}: feature '{}' has land-use code '{}' in '{}', which does not "
                             "start with two digits; " REDLINE_OPTION_VALUE(
                                 "level", "{}") " needs GB/T 21010 codes (e.g. "
                                                "0101, 0307K, 05H1); leave " REDLINE_OPTION(
                                                    "level") " out to keep codes as written",
                             lu.text, lu.layer.ids[i], lu.classes[i], req.class_field, req.level));
        lu.classes[i] = std::move(*at);
    }
}

void add_zone_pieces(const std::vector<MultiPolygon>& zgeoms, const std::vector<double>& zareas,
                     const std::vector<std::size_t>& zone_index, const PolygonLayer& zones,
                     const LandUseLayer& lu, const std::vector<double>& parcel_areas,
                     const ConcurrentAreaCalculator& calc, const TabulateRequest& req,
                     ProgressSink* progress, ZoneTotals& t) {
    OverlapOptions oo;
    oo.plane_area_scale = calc.prototype().plane_area_scale();
    oo.threads = req.threads;
    oo.cancel = req.cancel;
    oo.progress = progress;
    oo.progress_label = "tabulate";
    oo.describe_pair = [&](std::size_t z, std::size_t p) {
        return fmt::format("zone '{}' and parcel '{}' of {}", zones.ids[zone_index[z]],
                           lu.layer.ids[p], lu.text);
    };
    const auto pieces = find_overlaps(
        zgeoms, lu.layer.geoms, zareas, parcel_areas,
        [&](const MultiPolygon& mp) { return calc.area_m2(mp); }, oo);

    std::vector<std::vector<std::size_t>> zone_parcels(zgeoms.size());
    for (const auto& pc : pieces) {
        ClassSums& s = t.sums[zone_index[pc.a]][lu.classes[pc.b]];
        s.area.add(pc.area_m2);
        s.net.add(pc.area_m2 * (1.0 - lu.coefficients[pc.b]));
        ++s.parcels;
        zone_parcels[pc.a].push_back(pc.b);
    }
    tbb::task_arena arena(resolve_threads(req.threads));
    arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, zgeoms.size(), [&](std::size_t z) {
            if (req.cancel && req.cancel->cancelled()) return;
            double& uncovered = t.uncovered[zone_index[z]];
            if (zone_parcels[z].empty()) {
                uncovered = zareas[z];
                return;
            }
            std::vector<const MultiPolygon*> parts;
            for (std::size_t p : zone_parcels[z]) parts.push_back(&lu.layer.geoms[p]);
            if (covered_by_parts(zgeoms[z], parts)) {
                uncovered = 0;
                return;
            }
            uncovered = calc.area_m2(difference(zgeoms[z], dissolve(parts, 1)));
        });
    });
    if (req.cancel && req.cancel->cancelled())
        throw Error(ErrorKind::Cancelled, "interrupted; no output was written");
}

void finish_report(TabulateReport& rep, const TabulateRequest& req, const PolygonLayer& zones,
                   const ZoneTotals& t, const std::optional<LandUseCodes>& codes,
                   const std::string& lu_text, const nlohmann::json& landuse,
                   const std::string& check_method) {
    ExactAreaSum all_uncovered;
    std::size_t gap_zones = 0;
    for (std::size_t z = 0; z < zones.size(); ++z) {
        ExactAreaSum covered_sum;
        for (const auto& [cls, s] : t.sums[z]) covered_sum.add(s.area);
        const double covered = covered_sum.value();
        for (const auto& [cls, s] : t.sums[z]) {
            TabulateRow r;
            r.zone = zones.ids[z];
            r.cls = cls;
            r.area_m2 = s.area.value();
            r.net_area_m2 = s.net.value();
            r.share = covered > 0 ? r.area_m2 / covered : std::nan("");
            r.parcels = s.parcels;
            if (codes) {
                if (const LandUseClass* c = codes->find(cls)) {
                    r.class_name = c->name;
                    r.group = c->group;
                    r.group_name = c->group_name;
                }
            }
            rep.rows.push_back(std::move(r));
        }
        TabulateRow u;
        u.zone = zones.ids[z];
        u.cls = kUncovered;
        u.uncovered = true;
        u.area_m2 = t.uncovered[z];
        u.share = std::nan("");
        u.net_area_m2 = std::nan("");
        rep.rows.push_back(std::move(u));
        all_uncovered.add(t.uncovered[z]);
        if (t.uncovered[z] > 0) ++gap_zones;
    }
    rep.uncovered_area_m2 = all_uncovered.value();
    if (gap_zones > 0) {
        rep.gap_warning = fmt::format(
            "{} of {} zone{} not fully covered by {}: {} m2 in total (rows class=uncovered: gaps "
            "between parcels or zone area outside the layer)",
            gap_zones, zones.size(),
            zones.size() == 1 ? " is" : (gap_zones == 1 ? "s is" : "s are"), lu_text,
            format_real(rep.uncovered_area_m2, 2));
        rep.warnings.push_back(rep.gap_warning);
    }

    const DissolveBy by{req.dissolve, req.dissolve_by};
    rep.meta = engine_provenance();
    rep.meta["command"] = "tabulate";
    rep.meta["landuse"] = landuse;
    rep.meta["zones"] = zones.describe(LayerRole::Overlay);
    if (by.any())
        rep.meta["dissolve"] =
            req.dissolve ? std::string("all") : "by field '" + req.dissolve_by + "'";
    rep.meta["class_field"] = req.class_field;
    rep.meta["deduct_field"] = req.deduct_field;
    rep.meta["level"] = req.level == 0 ? nlohmann::json("as written") : nlohmann::json(req.level);
    if (codes) rep.meta["classes"] = codes->id();
    rep.meta["on_overlap"] = on_overlap_name(req.on_overlap);
    rep.meta["area_convention"] = area_convention_name(rep.convention);
    rep.meta["area_method"] = rep.area_method;
    if (rep.convention == AreaConvention::Geodesic) rep.meta["densify_m"] = req.policy.densify_m;
    rep.meta["ellipsoid"] = rep.ellipsoid;
    rep.meta["area_unit"] = "m2";
    if (!req.check_field.empty()) {
        rep.meta["check_field"] = req.check_field;
        rep.meta["check_tolerance_m2"] = req.check_tolerance.abs_m2;
        rep.meta["check_tolerance_relative"] = req.check_tolerance.relative;
        rep.meta["check_failed"] = rep.check.rows.size();
    }
    rep.meta["warnings"] = render_for_cli(rep.warnings);  // files: the CLI's words
    if (!req.check_field.empty()) {
        rep.check.meta = rep.meta;
        rep.check.meta["command"] = "tabulate " REDLINE_OPTION("check_field") "";
        rep.check.meta["area_convention"] = "survey";
        rep.check.meta["area_method"] = check_method;
        rep.check.meta.erase("densify_m");
    }
}

Setup set_up(const TabulateRequest& req, const std::optional<LandUseCodes>& codes,
             LandUseLayer& lu) {
    conform(lu.layer, lu.layer.crs, lu.text, req.policy, req.threads);
    PolygonLayer zones = read_zones(req, lu.layer.crs, lu.text);
    const AreaConvention convention = convention_of(req, lu.layer.crs);
    Setup s{std::move(zones), TabulateReport{},
            land_use_area_calculator(lu, req.policy.densify_m, convention)};
    s.rep.convention = convention;
    start_report(s.rep, codes, lu.layer.warnings, s.zones, s.calc);
    return s;
}

}  // namespace redline::tabulate_detail
