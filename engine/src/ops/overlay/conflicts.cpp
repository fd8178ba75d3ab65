#include "redline/ops/overlay/conflicts.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <exception>

#include "redline/core/error.hpp"
#include "redline/core/exact_area_sum.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/text.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/geom/polygon_overlap.hpp"
#include "redline/layers/conform.hpp"
#include "redline/layers/layer_reading.hpp"
#include "redline/ops/provenance.hpp"

namespace redline {

bool id_less(const std::string& a, const std::string& b) {
    const auto ia = text::parse_int(a), ib = text::parse_int(b);
    if (ia && ib) {
        if (*ia != *ib) return *ia < *ib;
        return a < b;  // "7" vs "07"
    }
    if (ia != ib && (ia || ib)) return ia.has_value();  // integers before text
    return a < b;
}

TableSpec ConflictsReport::table_spec(bool with_geometry) const {
    TableSpec spec;
    spec.layer_name = "conflicts";
    spec.columns = {{"layer_a", ColumnType::Text},
                    {"id_a", ColumnType::Text},
                    {"layer_b", ColumnType::Text},
                    {"id_b", ColumnType::Text},
                    {"area_m2", ColumnType::Real}};
    if (with_geometry) {
        spec.geometry = GeometryKind::Polygon;
        spec.crs_wkt = crs_wkt;
    }
    return spec;
}

std::vector<Value> ConflictsReport::row_values(const ConflictRow& row) const {
    return {layer_labels[row.layer_a], row.id_a, layer_labels[row.layer_b], row.id_b, row.area_m2};
}

nlohmann::json ConflictsReport::summary_json() const {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& s : summaries)
        arr.push_back({{"layer_a", layer_labels[s.layer_a]},
                       {"layer_b", layer_labels[s.layer_b]},
                       {"conflicts", s.conflicts},
                       {"area_m2", s.area_m2},
                       {"slivers", s.slivers},
                       {"sliver_area_m2", s.sliver_area_m2},
                       {"min_area_m2", min_area_m2},
                       {"pass", s.conflicts == 0}});
    return arr;
}

std::vector<std::string> ConflictsReport::summary_lines() const {
    std::vector<std::string> out;
    for (const auto& s : summaries) {
        const std::string pair =
            s.layer_a == s.layer_b
                ? fmt::format("{} (inside the layer)", layer_labels[s.layer_a])
                : fmt::format("{} x {}", layer_labels[s.layer_a], layer_labels[s.layer_b]);
        out.push_back(fmt::format("{}: {} conflict{}, {} m2; {} sliver{} ({} m2) below {} m2", pair,
                                  s.conflicts, s.conflicts == 1 ? "" : "s",
                                  format_real(s.area_m2, 2), s.slivers, s.slivers == 1 ? "" : "s",
                                  format_real(s.sliver_area_m2, 6), min_area_m2));
    }
    return out;
}

void ConflictsReport::write(const std::string& output) const {
    const TableFormat f = table_format_of(
        output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}, REDLINE_OPTION("output"));
    const bool geometry = f == TableFormat::Gpkg;
    auto w = TableWriter::open(output, table_spec(geometry), f, meta);
    for (const auto& r : rows) {
        if (geometry)
            w->write(row_values(r), r.geometry);
        else
            w->write(row_values(r));
    }
    w->add_extra("summary", summary_json());
    w->commit();
}

ConflictsReport run_conflicts(const ConflictsRequest& req, std::vector<PolygonLayer>* conformed) {
    const LayerPolicy& policy = req.policy;
    const int threads = req.threads;
    const std::size_t n = req.layers.size();
    if (n < 2 && !(req.self && n == 1))
        fail(
            ErrorKind::InvalidInput,
            fmt::format(
                "conflicts needs at least two layers (got {}): pass " REDLINE_OPTION(
                    "layers") " twice or more, "
                              "e.g. " REDLINE_OPTION("layers") " plan.gpkg:redline " REDLINE_OPTION(
                                  "layers") " plan.gpkg:cropland (or one layer "
                                            "with " REDLINE_FLAG("self") ")",
                n));
    if (!req.id_fields.empty() && req.id_fields.size() != 1 && req.id_fields.size() != n)
        fail(ErrorKind::InvalidInput,
             fmt::format(
                 REDLINE_OPTION(
                     "id") " was given {} times for {} layers; give it once (for every layer) or "
                           "once per " REDLINE_OPTION("layers") ", in the same order",
                 req.id_fields.size(), n));
    if (!(req.min_area_m2 >= 0) || !std::isfinite(req.min_area_m2))
        fail(ErrorKind::InvalidInput,
             fmt::format(REDLINE_OPTION("min_area") " must be a non-negative area in m2, got {}",
                         req.min_area_m2));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j)
            if (req.layers[i] == req.layers[j])
                fail(ErrorKind::InvalidInput,
                     fmt::format(
                         "layer '{}' is given twice; every feature would conflict with "
                         "itself. Use " REDLINE_FLAG("self") " for overlaps inside one layer",
                         req.layers[i]));

    // Layers are read concurrently (each opens its own dataset); the first failing layer in
    // --layer order decides the error, so messages do not depend on timing.
    std::vector<PolygonLayer> layers(n);
    std::vector<std::exception_ptr> errors(n);
    tbb::task_arena arena(resolve_threads(threads));
    arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
            try {
                LayerFields fields;
                fields.id = req.id_fields.empty()       ? std::string()
                            : req.id_fields.size() == 1 ? req.id_fields[0]
                                                        : req.id_fields[i];
                layers[i] = load_polygon_layer(req.layers[i], fields, policy);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        });
    });
    // A layer without a CRS counts as a reading error (in --layer order), before any layer is
    // conformed.
    std::string first_text;
    for (std::size_t i = 0; i < n; ++i) {
        if (errors[i]) std::rethrow_exception(errors[i]);
        if (i == 0) first_text = fmt::format("layer '{}' in '{}'", layers[0].label, layers[0].path);
        require_crs(layers[i], layers[0].crs, first_text, policy);
    }
    const Crs crs = layers[0].crs;
    for (auto& l : layers) conform(l, crs, first_text, policy, threads);

    ConflictsReport rep;
    rep.min_area_m2 = req.min_area_m2;
    rep.crs_wkt = crs.wkt;
    for (const auto& l : layers) {
        rep.layer_labels.push_back(l.label);
        for (const auto& w : l.warnings) rep.warnings.push_back(w);
    }
    const ConcurrentAreaCalculator calc = [&] {
        try {
            return ConcurrentAreaCalculator(crs, policy.densify_m);
        } catch (const Error& e) {
            fail(e.kind(), fmt::format("{}: {}", first_text, e.what()));
        }
    }();
    for (const auto& w : calc.prototype().warnings()) rep.warnings.push_back(w);
    rep.ellipsoid = calc.prototype().ellipsoid();
    rep.area_method = calc.prototype().description();

    std::vector<std::vector<double>> areas(n);
    for (std::size_t i = 0; i < n; ++i) areas[i] = measure_areas(layers[i].geoms, calc, threads);
    const AreaFunction measure = [&](const MultiPolygon& mp) { return calc.area_m2(mp); };

    for (std::size_t la = 0; la < n; ++la) {
        for (std::size_t lb = la; lb < n; ++lb) {
            const bool self = la == lb;
            if (self && !req.self) continue;
            OverlapOptions oo;
            oo.self = self;
            oo.keep_pieces = req.keep_geometry;
            oo.plane_area_scale = calc.prototype().plane_area_scale();
            oo.threads = threads;
            oo.cancel = req.cancel;
            oo.progress = req.progress;
            oo.progress_label =
                self ? layers[la].label : layers[la].label + " x " + layers[lb].label;
            oo.describe_pair = [&](std::size_t i, std::size_t j) {
                return fmt::format("feature '{}' of layer '{}' and feature '{}' of layer '{}'",
                                   layers[la].ids[i], layers[la].label, layers[lb].ids[j],
                                   layers[lb].label);
            };
            auto overlaps = find_overlaps(layers[la].geoms, layers[lb].geoms, areas[la], areas[lb],
                                          measure, oo);
            ConflictPairSummary s;
            s.layer_a = la;
            s.layer_b = lb;
            std::vector<ConflictRow> rows;
            for (auto& ov : overlaps) {
                if (!(ov.area_m2 > 0)) continue;  // a contact without area
                if (ov.area_m2 < req.min_area_m2) {
                    ++s.slivers;
                    continue;
                }
                ConflictRow r;
                r.layer_a = la;
                r.layer_b = lb;
                r.feature_a = ov.a;
                r.feature_b = ov.b;
                r.id_a = layers[la].ids[ov.a];
                r.id_b = layers[lb].ids[ov.b];
                r.area_m2 = ov.area_m2;
                r.geometry = std::move(ov.piece);
                if (self && id_less(r.id_b, r.id_a)) {
                    std::swap(r.id_a, r.id_b);
                    std::swap(r.feature_a, r.feature_b);
                }
                rows.push_back(std::move(r));
            }
            std::sort(rows.begin(), rows.end(), [](const ConflictRow& x, const ConflictRow& y) {
                if (x.id_a != y.id_a) return id_less(x.id_a, y.id_a);
                if (x.id_b != y.id_b) return id_less(x.id_b, y.id_b);
                if (x.feature_a != y.feature_a) return x.feature_a < y.feature_a;
                return x.feature_b < y.feature_b;
            });
            // Exact (order-free) totals.
            ExactAreaSum listed, slivers;
            for (const auto& r : rows) {
                ++s.conflicts;
                listed.add(r.area_m2);
            }
            for (const auto& ov : overlaps)
                if (ov.area_m2 > 0 && ov.area_m2 < req.min_area_m2) slivers.add(ov.area_m2);
            s.area_m2 = listed.value();
            s.sliver_area_m2 = slivers.value();
            rep.summaries.push_back(s);
            for (auto& r : rows) rep.rows.push_back(std::move(r));
        }
    }

    rep.meta = engine_provenance();
    rep.meta["command"] = "conflicts";
    nlohmann::json lj = nlohmann::json::array();
    for (const auto& l : layers) lj.push_back(l.describe(LayerRole::Overlay));
    rep.meta["layers"] = lj;
    rep.meta["crs"] = crs.label;
    rep.meta["min_area_m2"] = req.min_area_m2;
    rep.meta["self"] = req.self;
    rep.meta["area_method"] = rep.area_method;
    rep.meta["densify_m"] = policy.densify_m;
    rep.meta["ellipsoid"] = rep.ellipsoid;
    rep.meta["area_unit"] = "m2";
    rep.meta["warnings"] = render_for_cli(rep.warnings);  // files: the CLI's words
    if (conformed) *conformed = std::move(layers);
    return rep;
}

}  // namespace redline
