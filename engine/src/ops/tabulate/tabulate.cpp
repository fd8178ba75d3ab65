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
#include "redline/geom/polygon_dissolve.hpp"
#include "redline/geom/polygon_overlap.hpp"
#include "redline/geom/polygon_union.hpp"
#include "redline/io/layer_ref.hpp"
#include "redline/io/vector_layer.hpp"
#include "redline/layers/conform.hpp"
#include "redline/layers/layer_dissolve.hpp"
#include "redline/layers/layer_reading.hpp"
#include "redline/ops/provenance.hpp"
#include "redline/ops/tabulate/land_use_codes.hpp"

namespace redline {
namespace {

constexpr const char* kUncovered = "uncovered";

// The land-use layer with its class codes and deduction coefficients, one per geometry.
struct LandUseLayer {
    PolygonLayer layer;
    std::vector<std::string> classes;
    std::vector<double> coefficients;
    std::vector<std::optional<double>> recorded;  // --check-field values (nullopt: NULL)
    std::string text;                             // "land-use layer 'DLTB' in 'dltb.gpkg'"
};

LandUseLayer read_land_use(const TabulateRequest& req) {
    if (req.class_field.empty())
        fail(ErrorKind::InvalidInput,
             REDLINE_OPTION("class_field") " is required: the field of the land-use codes");
    LayerReadOptions ro;
    ro.extra_fields = {req.class_field};
    ro.extra_field_options = {REDLINE_OPTION("class_field")};
    if (!req.deduct_field.empty()) {
        ro.extra_fields.push_back(req.deduct_field);
        ro.extra_field_options.push_back(REDLINE_OPTION("deduct_field"));
    }
    const std::size_t check_at = ro.extra_fields.size();
    if (!req.check_field.empty()) {
        ro.extra_fields.push_back(req.check_field);
        ro.extra_field_options.push_back("" REDLINE_OPTION("check_field") "");
    }
    ro.assign_crs = req.policy.assumed_crs;
    ro.encoding = req.policy.encoding;
    ro.encoding_option = req.policy.naming.option("encoding");
    ro.progress = req.progress;
    VectorLayer raw = read_polygon_layer(parse_layer_ref(req.landuse), ro);
    LandUseLayer lu;
    auto extra = std::move(raw.extra);
    const bool assigned = raw.crs_assigned;
    lu.layer = to_polygon_layer(std::move(raw));
    lu.text = fmt::format("land-use layer '{}' in '{}'", lu.layer.label, lu.layer.path);
    if (assigned)
        lu.layer.warnings.push_back(fmt::format(
            "layer '{}' declares no CRS; using {} as given by {}", lu.layer.label,
            lu.layer.crs.label, req.policy.naming.option(req.policy.naming.crs_option)));
    const std::size_t n = lu.layer.size();
    lu.classes.resize(n);
    lu.coefficients.assign(n, 0.0);
    std::size_t null_coefficients = 0;
    if (!req.check_field.empty()) lu.recorded.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (!req.check_field.empty()) {
            const std::string t = text::trim(extra[i][check_at]);
            if (!t.empty()) {
                const auto v = text::parse_double(t);
                if (!v || !std::isfinite(*v))
                    fail(ErrorKind::InvalidInput,
                         fmt::format("{}: feature '{}' has '{}' in " REDLINE_OPTION(
                                         "check_field") " '{}', not a "
                                                        "number; the field must hold each parcel's "
                                                        "area in m2 "
                                                        "(TBMJ)",
                                     lu.text, lu.layer.ids[i], t, req.check_field));
                lu.recorded[i] = *v;
            }
        }
        std::string code = text::trim(extra[i][0]);
        if (code.empty())
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}: feature '{}' has no land-use code in " REDLINE_OPTION_VALUE(
                                 "class_field", "'{}'") " (NULL "
                                                        "or empty); every parcel needs one",
                             lu.text, lu.layer.ids[i], req.class_field));
        if (req.level > 0) {
            auto at = land_use_code_at_level(code, req.level);
            if (!at)
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: feature '{}' has land-use code '{}' in '{}', which does not "
                                 "start with two digits; " REDLINE_OPTION_VALUE(
                                     "level", "{}") " needs GB/T 21010 codes (e.g. "
                                                    "0101, 0307K, 05H1); leave " REDLINE_OPTION(
                                                        "level") " out to keep codes as written",
                                 lu.text, lu.layer.ids[i], code, req.class_field, req.level));
            code = *at;
        }
        lu.classes[i] = std::move(code);
        if (req.deduct_field.empty()) continue;
        const std::string c = text::trim(extra[i][1]);
        if (c.empty()) {
            ++null_coefficients;
            continue;
        }
        const auto v = text::parse_double(c);
        if (!v || !std::isfinite(*v) || *v < 0.0 || *v >= 1.0)
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}: feature '{}' has deduction coefficient '{}' in " REDLINE_OPTION(
                                 "deduct_field") " "
                                                 "'{}', outside [0, 1); the coefficient is the "
                                                 "deducted fraction of "
                                                 "the parcel (KCXS, e.g. 0.08 for 8 %), not a "
                                                 "percentage or an area",
                             lu.text, lu.layer.ids[i], c, req.deduct_field));
        lu.coefficients[i] = *v;
    }
    if (null_coefficients > 0)
        lu.layer.warnings.push_back(fmt::format(
            "{}: {} parcel{} without a value in " REDLINE_OPTION_VALUE(
                "deduct_field", "'{}'") " (NULL or empty) count with "
                                        "coefficient 0 (no deduction)",
            lu.text, null_coefficients, null_coefficients == 1 ? "" : "s", req.deduct_field));
    return lu;
}

std::string describe_point(const Point& p, const Crs& crs) {
    const int decimals = crs.geographic() ? 7 : 2;
    return fmt::format("({}, {})", format_real(p.x, decimals), format_real(p.y, decimals));
}

// Overlaps between parcels: an error, or (First) each parcel loses the parts of earlier ones.
void resolve_overlaps(LandUseLayer& lu, const std::vector<double>& areas,
                      const ConcurrentAreaCalculator& calc, const TabulateRequest& req,
                      TabulateReport& rep) {
    OverlapOptions oo;
    oo.self = true;
    oo.locate = true;
    oo.threads = req.threads;
    oo.cancel = req.cancel;
    oo.progress = req.progress;
    oo.progress_label = "overlaps";
    oo.describe_pair = [&](std::size_t i, std::size_t j) {
        return fmt::format("parcels '{}' and '{}' of {}", lu.layer.ids[i], lu.layer.ids[j],
                           lu.text);
    };
    const auto overlaps = find_overlaps(
        lu.layer.geoms, {}, areas, {}, [&](const MultiPolygon& mp) { return calc.area_m2(mp); },
        oo);
    if (overlaps.empty()) return;
    ExactAreaSum total;
    for (const auto& ov : overlaps) total.add(ov.area_m2);
    rep.overlaps = overlaps.size();
    rep.overlap_area_m2 = total.value();
    std::vector<std::string> examples;
    for (std::size_t k = 0; k < overlaps.size() && k < req.max_examples; ++k) {
        const auto& ov = overlaps[k];
        examples.push_back(fmt::format("parcels '{}' ({}) and '{}' ({}) overlap by {} m2 at {}",
                                       lu.layer.ids[ov.a], lu.classes[ov.a], lu.layer.ids[ov.b],
                                       lu.classes[ov.b], format_real(ov.area_m2, 2),
                                       describe_point(ov.location, lu.layer.crs)));
    }
    const std::string head = fmt::format(
        "{} is not a coverage: {} pair{} of parcels overlap, {} m2 in total; {}{}", lu.text,
        overlaps.size(), overlaps.size() == 1 ? "" : "s", format_real(rep.overlap_area_m2, 2),
        overlaps.size() > examples.size() ? fmt::format("the first {}: ", examples.size())
                                          : std::string(),
        fmt::join(examples, "; "));
    if (req.on_overlap == OnOverlap::Error)
        fail(ErrorKind::InvalidInput,
             head +
                 ". Fix the layer (redline validate lists every overlap), or pass "
                 REDLINE_OPTION("on_overlap") " first to count each overlapping area once, for the first of "
                 "the overlapping parcels in feature order");
    rep.warnings.push_back(head +
                           "; " REDLINE_OPTION("on_overlap") " first: each overlapping area counts once, for the "
                           "first of the overlapping parcels in feature order");
    // Parcel j loses the union of the earlier parcels that overlap it.
    std::map<std::size_t, std::vector<std::size_t>> earlier;
    for (const auto& ov : overlaps) earlier[ov.b].push_back(ov.a);
    std::vector<std::size_t> targets;
    for (const auto& [j, is] : earlier) targets.push_back(j);
    std::vector<MultiPolygon> cut(targets.size());
    tbb::task_arena arena(resolve_threads(req.threads));
    arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, targets.size(), [&](std::size_t t) {
            std::vector<const MultiPolygon*> parts;
            for (std::size_t i : earlier.at(targets[t])) parts.push_back(&lu.layer.geoms[i]);
            const MultiPolygon before = dissolve(parts, 1);
            cut[t] = difference(lu.layer.geoms[targets[t]], before);
        });
    });
    for (std::size_t t = 0; t < targets.size(); ++t) lu.layer.geoms[targets[t]] = std::move(cut[t]);
}

struct ClassSums {
    ExactAreaSum area;
    ExactAreaSum net;
    std::size_t parcels = 0;
};

}  // namespace

OnOverlap parse_on_overlap(const std::string& text) {
    if (text == "error") return OnOverlap::Error;
    if (text == "first") return OnOverlap::First;
    fail(ErrorKind::InvalidInput,
         fmt::format(REDLINE_OPTION("on_overlap") " must be 'error' or 'first', got '{}'", text));
}

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

    LandUseLayer lu = read_land_use(req);
    conform(lu.layer, lu.layer.crs, lu.text, policy, threads);

    const DissolveBy by{req.dissolve, req.dissolve_by};
    LayerFields zfields;
    zfields.id = req.id_field;
    zfields.group = req.dissolve_by;
    zfields.unique_ids = !by.any();
    PolygonLayer zones = load_polygon_layer(req.zones, zfields, policy);
    conform(zones, lu.layer.crs, lu.text, policy, threads);
    dissolve_layer(zones, by, threads);

    TabulateReport rep;
    rep.named = codes.has_value();
    rep.convention = req.convention ? *req.convention : default_area_convention(lu.layer.crs);
    rep.warnings = lu.layer.warnings;
    for (const auto& w : zones.warnings) rep.warnings.push_back(w);
    const ConcurrentAreaCalculator calc = [&] {
        try {
            return ConcurrentAreaCalculator(lu.layer.crs, policy.densify_m, rep.convention);
        } catch (const Error& e) {
            fail(e.kind(), fmt::format("{}: {}", lu.text, e.what()));
        }
    }();
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
    resolve_overlaps(lu, parcel_areas, calc, req, rep);
    if (rep.overlaps > 0) parcel_areas = measure_areas(lu.layer.geoms, calc, threads);
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
    // Uncovered: zone minus the union of its parcels, measured (exactly 0 when covered).
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
    if (gap_zones > 0)
        rep.warnings.push_back(fmt::format(
            "{} of {} zone{} not fully covered by {}: {} m2 in total (rows class=uncovered: gaps "
            "between parcels or zone area outside the layer)",
            gap_zones, zones.size(),
            zones.size() == 1 ? " is" : (gap_zones == 1 ? "s is" : "s are"), lu.text,
            format_real(rep.uncovered_area_m2, 2)));

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
    rep.meta["on_overlap"] = req.on_overlap == OnOverlap::Error ? "error" : "first";
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
