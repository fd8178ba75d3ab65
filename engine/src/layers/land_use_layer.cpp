#include "redline/layers/land_use_layer.hpp"

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
#include "redline/geom/polygon_dissolve.hpp"
#include "redline/geom/polygon_overlap.hpp"
#include "redline/geom/polygon_union.hpp"
#include "redline/io/layer_ref.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/io/vector_layer.hpp"
#include "redline/layers/layer_reading.hpp"

namespace redline {
namespace {

std::string describe_point(const Point& p, const Crs& crs) {
    const int decimals = crs.geographic() ? 7 : 2;
    return fmt::format("({}, {})", format_real(p.x, decimals), format_real(p.y, decimals));
}

}  // namespace

OnOverlap parse_on_overlap(const std::string& text) {
    if (text == "error") return OnOverlap::Error;
    if (text == "first") return OnOverlap::First;
    fail(ErrorKind::InvalidInput,
         fmt::format(REDLINE_OPTION("on_overlap") " must be 'error' or 'first', got '{}'", text));
}

const char* on_overlap_name(OnOverlap o) { return o == OnOverlap::Error ? "error" : "first"; }

LandUseLayer read_land_use_layer(const std::string& layer_ref, const LandUseReadOptions& req) {
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
    ro.spatial_filter = req.spatial_filter;
    ro.threads = req.threads;
    VectorLayer raw = read_polygon_layer(parse_layer_ref(layer_ref), ro);
    LandUseLayer lu;
    auto extra = std::move(raw.extra);
    const bool assigned = raw.crs_assigned;
    lu.fids = raw.fids;
    lu.layer = to_polygon_layer(std::move(raw));
    lu.text = fmt::format("{} '{}' in '{}'", req.role, lu.layer.label, lu.layer.path);
    if (assigned)
        lu.layer.warnings.push_back(fmt::format(
            "layer '{}' declares no CRS; using {} as given by {}", lu.layer.label,
            lu.layer.crs.label, req.policy.naming.option(req.policy.naming.crs_option)));
    const std::size_t n = lu.layer.size();
    lu.classes.resize(n);
    lu.coefficients.assign(n, 0.0);
    std::size_t null_coefficients = 0;
    if (!req.check_field.empty()) lu.recorded.resize(n);
    if (!req.deduct_field.empty()) lu.no_coefficient.assign(n, 0);
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
        lu.classes[i] = std::move(code);
        if (req.deduct_field.empty()) continue;
        const std::string c = text::trim(extra[i][1]);
        if (c.empty()) {
            ++null_coefficients;
            lu.no_coefficient[i] = 1;
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
        lu.layer.warnings.push_back(
            no_coefficient_warning(lu.text, null_coefficients, req.deduct_field));
    return lu;
}

std::string no_coefficient_warning(const std::string& text, std::size_t count,
                                   const std::string& deduct_field) {
    return fmt::format("{}: {} parcel{} without a value in " REDLINE_OPTION_VALUE(
                           "deduct_field", "'{}'") " (NULL or empty) count with "
                                                   "coefficient 0 (no deduction)",
                       text, count, count == 1 ? "" : "s", deduct_field);
}

ConcurrentAreaCalculator land_use_area_calculator(const LandUseLayer& lu, double densify_m,
                                                  AreaConvention convention) {
    try {
        return ConcurrentAreaCalculator(lu.layer.crs, densify_m, convention);
    } catch (const Error& e) {
        fail(e.kind(), fmt::format("{}: {}", lu.text, e.what()));
    }
}

OverlapResolution resolve_land_use_overlaps(LandUseLayer& lu, std::vector<double>& areas,
                                            const ConcurrentAreaCalculator& calc,
                                            const OverlapResolveOptions& req) {
    OverlapResolution rep;
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
    if (overlaps.empty()) return rep;
    ExactAreaSum total;
    for (const auto& ov : overlaps) total.add(ov.area_m2);
    rep.overlaps = overlaps.size();
    rep.area_m2 = total.value();
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
        overlaps.size(), overlaps.size() == 1 ? "" : "s", format_real(rep.area_m2, 2),
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
    areas = measure_areas(lu.layer.geoms, calc, req.threads);
    return rep;
}

}  // namespace redline
