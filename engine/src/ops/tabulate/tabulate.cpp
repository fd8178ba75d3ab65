#include "redline/ops/tabulate/tabulate.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <map>

#include "redline/core/error.hpp"
#include "redline/core/exact_area_sum.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/text.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/geom/coverage_edges.hpp"
#include "redline/geom/polygon_dissolve.hpp"
#include "redline/geom/polygon_overlap.hpp"
#include "redline/geom/polygon_union.hpp"
#include "redline/io/layer_ref.hpp"
#include "redline/io/vector_layer.hpp"
#include "redline/layers/conform.hpp"
#include "redline/layers/land_use_codes.hpp"
#include "redline/layers/land_use_layer.hpp"
#include "redline/layers/layer_dissolve.hpp"
#include "redline/layers/layer_reading.hpp"
#include "redline/ops/provenance.hpp"

namespace redline {
namespace {

constexpr const char* kUncovered = "uncovered";

struct ClassSums {
    ExactAreaSum area;
    ExactAreaSum net;
    std::size_t parcels = 0;
};

}  // namespace

TableSpec TabulateReport::table_spec() const {
    TableSpec spec;
    spec.layer_name = "tabulate";
    spec.columns = {{"zone", ColumnType::Text},
                    {"class", ColumnType::Text},
                    {"area_m2", ColumnType::Real},
                    {"share", ColumnType::Real},
                    {"net_area_m2", ColumnType::Real}};
    if (named) {
        spec.columns.push_back({"class_name", ColumnType::Text});
        spec.columns.push_back({"group", ColumnType::Text});
        spec.columns.push_back({"group_name", ColumnType::Text});
    }
    spec.columns.push_back({"parcels", ColumnType::Integer});
    spec.columns.push_back({"area_convention", ColumnType::Text});
    return spec;
}

std::vector<Value> TabulateReport::row_values(const TabulateRow& row) const {
    std::vector<Value> v;
    v.emplace_back(row.zone);
    v.emplace_back(row.cls);
    v.emplace_back(row.area_m2);
    if (std::isnan(row.share))
        v.emplace_back(std::monostate{});
    else
        v.emplace_back(row.share);
    if (row.uncovered)
        v.emplace_back(std::monostate{});
    else
        v.emplace_back(row.net_area_m2);
    if (named) {
        v.emplace_back(row.class_name);
        v.emplace_back(row.group);
        v.emplace_back(row.group_name);
    }
    v.emplace_back(static_cast<std::int64_t>(row.parcels));
    v.emplace_back(std::string(area_convention_name(convention)));
    return v;
}

nlohmann::json TabulateReport::summary() const {
    ExactAreaSum area, net;
    for (const auto& r : rows) {
        if (r.uncovered) continue;
        area.add(r.area_m2);
        net.add(r.net_area_m2);
    }
    return nlohmann::json{{"rows", rows.size()},
                          {"zones", zones},
                          {"parcels", parcels},
                          {"area_m2", area.value()},
                          {"net_area_m2", net.value()},
                          {"uncovered_area_m2", uncovered_area_m2},
                          {"overlaps", overlaps},
                          {"overlap_area_m2", overlap_area_m2},
                          {"area_convention", area_convention_name(convention)}};
}

void TabulateReport::write(const std::string& output) const {
    const TableFormat f = table_format_of(
        output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}, REDLINE_OPTION("output"));
    auto w = TableWriter::open(output, table_spec(), f, meta);
    for (const auto& r : rows) w->write(row_values(r));
    w->add_extra("summary", summary());
    w->commit();
}

TabulateReport run_tabulate(const TabulateRequest& req) {
    const LayerPolicy& policy = req.policy;
    const int threads = req.threads;
    if (req.dissolve && !req.dissolve_by.empty())
        fail(ErrorKind::InvalidInput, REDLINE_FLAG("dissolve") " and " REDLINE_OPTION(
                                          "dissolve_by") " exclude each other; pick one");
    if (req.level < 0 || req.level > 2)
        fail(ErrorKind::InvalidInput,
             fmt::format(REDLINE_OPTION("level") " must be 1 or 2 (or left out), got {}",
                         req.level));
    std::optional<LandUseCodes> codes;
    if (!req.classes.empty()) codes = LandUseCodes::load(req.classes);

    LandUseReadOptions ro;
    ro.class_field = req.class_field;
    ro.deduct_field = req.deduct_field;
    ro.check_field = req.check_field;
    ro.policy = policy;
    ro.progress = req.progress;
    LandUseLayer lu = read_land_use_layer(req.landuse, ro);
    if (req.level > 0)
        for (std::size_t i = 0; i < lu.classes.size(); ++i) {
            auto at = land_use_code_at_level(lu.classes[i], req.level);
            if (!at)
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: feature '{}' has land-use code '{}' in '{}', which does not "
                                 "start with two digits; " REDLINE_OPTION_VALUE(
                                     "level", "{}") " needs GB/T 21010 codes (e.g. "
                                                    "0101, 0307K, 05H1); leave " REDLINE_OPTION(
                                                        "level") " out to keep codes as written",
                                 lu.text, lu.layer.ids[i], lu.classes[i], req.class_field,
                                 req.level));
            lu.classes[i] = std::move(*at);
        }
    conform(lu.layer, lu.layer.crs, lu.text, policy, threads);

    const DissolveBy by{req.dissolve, req.dissolve_by};
    LayerFields zfields;
    zfields.id = req.id_field;
    zfields.group = req.dissolve_by;
    zfields.unique_ids = !by.any();
    PolygonLayer zones =
        req.zone_layer ? *req.zone_layer : load_polygon_layer(req.zones, zfields, policy);
    conform(zones, lu.layer.crs, lu.text, policy, threads);
    dissolve_layer(zones, by, threads);

    TabulateReport rep;
    rep.named = codes.has_value();
    rep.convention = req.convention ? *req.convention : default_area_convention(lu.layer.crs);
    rep.warnings = lu.layer.warnings;
    for (const auto& w : zones.warnings) rep.warnings.push_back(w);
    const ConcurrentAreaCalculator calc =
        land_use_area_calculator(lu, policy.densify_m, rep.convention);
    for (const auto& w : calc.prototype().warnings()) rep.warnings.push_back(w);
    rep.area_method = calc.prototype().description();
    rep.ellipsoid = calc.prototype().ellipsoid();
    rep.zones = zones.size();
    rep.parcels = lu.layer.size();

    std::vector<double> parcel_areas = measure_areas(lu.layer.geoms, calc, threads);
    std::string check_method;
    if (!req.check_field.empty()) {
        // Each parcel as read, in the survey convention whatever the table's convention.
        std::vector<double> survey_areas;
        check_method = rep.area_method;
        if (rep.convention != AreaConvention::Survey) {
            const ConcurrentAreaCalculator survey(lu.layer.crs, policy.densify_m,
                                                  AreaConvention::Survey);
            survey_areas = measure_areas(lu.layer.geoms, survey, threads);
            check_method = survey.prototype().description();
        }
        rep.check = check_parcel_areas(req.check_field, req.check_tolerance, lu.layer.ids,
                                       lu.classes, lu.layer.geoms, lu.recorded,
                                       survey_areas.empty() ? parcel_areas : survey_areas);
        rep.check.crs_wkt = lu.layer.crs.wkt;
        rep.check.layer_text = lu.text;
        if (!rep.check.rows.empty() || rep.check.missing > 0)
            rep.warnings.push_back(rep.check.message(req.max_examples));
    }
    OverlapResolution resolved =
        resolve_land_use_overlaps(lu, parcel_areas, calc, overlap_resolve_options(req));
    rep.overlaps = resolved.overlaps;
    rep.overlap_area_m2 = resolved.area_m2;
    for (auto& w : resolved.warnings) rep.warnings.push_back(std::move(w));
    const std::vector<double> zone_areas = measure_areas(zones.geoms, calc, threads);

    // Zone x parcel intersections.
    OverlapOptions oo;
    oo.plane_area_scale = calc.prototype().plane_area_scale();
    oo.threads = threads;
    oo.cancel = req.cancel;
    oo.progress = req.progress;
    oo.progress_label = "tabulate";
    oo.describe_pair = [&](std::size_t z, std::size_t p) {
        return fmt::format("zone '{}' and parcel '{}' of {}", zones.ids[z], lu.layer.ids[p],
                           lu.text);
    };
    const auto pieces = find_overlaps(
        zones.geoms, lu.layer.geoms, zone_areas, parcel_areas,
        [&](const MultiPolygon& mp) { return calc.area_m2(mp); }, oo);

    std::vector<std::map<std::string, ClassSums>> sums(zones.size());
    std::vector<std::vector<std::size_t>> zone_parcels(zones.size());
    for (const auto& pc : pieces) {
        ClassSums& s = sums[pc.a][lu.classes[pc.b]];
        s.area.add(pc.area_m2);
        s.net.add(pc.area_m2 * (1.0 - lu.coefficients[pc.b]));
        ++s.parcels;
        zone_parcels[pc.a].push_back(pc.b);
    }
    // Uncovered: zone minus the union of its parcels, measured (exactly 0 when covered). When
    // the parcels' shared edges prove that the zone is covered (geom/coverage_edges.hpp), the
    // answer is 0 without the union; otherwise (a gap, a T-junction, a multipolygon zone) the
    // union is measured as before.
    std::vector<double> uncovered(zones.size(), 0.0);
    tbb::task_arena arena(resolve_threads(threads));
    arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, zones.size(), [&](std::size_t z) {
            if (req.cancel && req.cancel->cancelled()) return;
            if (zone_parcels[z].empty()) {
                uncovered[z] = zone_areas[z];
                return;
            }
            std::vector<const MultiPolygon*> parts;
            for (std::size_t p : zone_parcels[z]) parts.push_back(&lu.layer.geoms[p]);
            if (covered_by_parts(zones.geoms[z], parts)) return;
            uncovered[z] = calc.area_m2(difference(zones.geoms[z], dissolve(parts, 1)));
        });
    });
    if (req.cancel && req.cancel->cancelled())
        throw Error(ErrorKind::Cancelled, "interrupted; no output was written");

    ExactAreaSum all_uncovered;
    std::size_t gap_zones = 0;
    for (std::size_t z = 0; z < zones.size(); ++z) {
        ExactAreaSum covered_sum;
        for (const auto& [cls, s] : sums[z]) covered_sum.add(s.area);
        const double covered = covered_sum.value();
        for (const auto& [cls, s] : sums[z]) {
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
        u.area_m2 = uncovered[z];
        u.share = std::nan("");
        u.net_area_m2 = std::nan("");
        rep.rows.push_back(std::move(u));
        all_uncovered.add(uncovered[z]);
        if (uncovered[z] > 0) ++gap_zones;
    }
    rep.uncovered_area_m2 = all_uncovered.value();
    if (gap_zones > 0) {
        rep.gap_warning = fmt::format(
            "{} of {} zone{} not fully covered by {}: {} m2 in total (rows class=uncovered: gaps "
            "between parcels or zone area outside the layer)",
            gap_zones, zones.size(),
            zones.size() == 1 ? " is" : (gap_zones == 1 ? "s is" : "s are"), lu.text,
            format_real(rep.uncovered_area_m2, 2));
        rep.warnings.push_back(rep.gap_warning);
    }

    rep.meta = engine_provenance();
    rep.meta["command"] = "tabulate";
    rep.meta["landuse"] = lu.layer.describe(LayerRole::Overlay);
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
    if (rep.convention == AreaConvention::Geodesic) rep.meta["densify_m"] = policy.densify_m;
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
    return rep;
}

}  // namespace redline
