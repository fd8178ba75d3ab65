#include "redline/ops/overlay/area.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <map>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/geom/polygon_dissolve.hpp"
#include "redline/geom/polygon_overlap.hpp"
#include "redline/layers/conform.hpp"
#include "redline/layers/layer_reading.hpp"
#include "redline/ops/provenance.hpp"

namespace redline {

TableSpec AreaReport::table_spec() const {
    TableSpec spec;
    spec.layer_name = "area";
    if (dissolved) {
        spec.columns = {{"group", ColumnType::Text},
                        {"area_m2", ColumnType::Real},
                        {"sum_m2", ColumnType::Real},
                        {"overlap_m2", ColumnType::Real}};
    } else {
        spec.columns = {{"id", ColumnType::Text}, {"area_m2", ColumnType::Real}};
    }
    if (within) spec.columns.push_back({"share", ColumnType::Real});
    return spec;
}

std::vector<Value> AreaReport::row_values(const AreaRow& row) const {
    std::vector<Value> v;
    v.emplace_back(row.key);
    v.emplace_back(row.area_m2);
    if (dissolved) {
        v.emplace_back(row.sum_m2);
        v.emplace_back(row.overlap_m2);
    }
    if (within) v.emplace_back(row.share);
    return v;
}

nlohmann::json AreaReport::summary() const {
    ExactAreaSum area_sum, sum_sum;
    std::size_t features = 0;
    for (const auto& r : rows) {
        area_sum.add(r.area_m2);
        sum_sum.add(r.sum_m2);
        features += r.features;
    }
    const double area = area_sum.value(), sum = sum_sum.value();
    nlohmann::json j{{"rows", rows.size()}, {"features", features}, {"area_m2", area}};
    if (dissolved) {
        j["sum_m2"] = sum;
        j["overlap_m2"] = sum - area;
    }
    if (within) {
        j["boundary_area_m2"] = boundary_area_m2;
        j["share"] = boundary_area_m2 > 0 ? area / boundary_area_m2 : std::nan("");
    }
    return j;
}

void AreaReport::write(const std::string& output) const {
    const TableFormat f = table_format_of(
        output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}, REDLINE_OPTION("output"));
    auto w = TableWriter::open(output, table_spec(), f, meta);
    for (const auto& r : rows) w->write(row_values(r));
    w->add_extra("summary", summary());
    w->commit();
}

UnionArea measure_union(const std::vector<const MultiPolygon*>& parts,
                        const ExactAreaSum& parts_sum, const ConcurrentAreaCalculator& calc,
                        int threads) {
    UnionArea u;
    u.pieces = DisjointUnion(dissolve(parts, threads), calc, threads);
    u.area_m2 = u.pieces.area_m2();
    u.sum_m2 = parts_sum.value();
    return u;
}

AreaReport run_area(const AreaRequest& req) {
    const LayerPolicy& policy = req.policy;
    const int threads = req.threads;
    const bool dissolving = req.dissolve || !req.dissolve_by.empty();
    if (req.dissolve && !req.dissolve_by.empty())
        fail(ErrorKind::InvalidInput, REDLINE_FLAG("dissolve") " and " REDLINE_OPTION(
                                          "dissolve_by") " exclude each other; pick one");

    LayerFields fields;
    fields.id = req.id_field;
    fields.group = req.dissolve_by;
    fields.unique_ids = !dissolving;
    PolygonLayer layer = load_polygon_layer(req.layer, fields, policy);
    const std::string layer_text = fmt::format("layer '{}' in '{}'", layer.label, layer.path);
    conform(layer, layer.crs, layer_text, policy, threads);

    AreaReport rep;
    rep.dissolved = dissolving;
    rep.within = !req.within.empty();
    rep.warnings = layer.warnings;

    const ConcurrentAreaCalculator calc = [&] {
        try {
            return ConcurrentAreaCalculator(layer.crs, policy.densify_m);
        } catch (const Error& e) {
            fail(e.kind(), fmt::format("{}: {}", layer_text, e.what()));
        }
    }();
    for (const auto& w : calc.prototype().warnings()) rep.warnings.push_back(w);
    rep.ellipsoid = calc.prototype().ellipsoid();
    rep.area_method = calc.prototype().description();
    const std::vector<ExactAreaSum> feature_sums = measure_area_sums(layer.geoms, calc, threads);
    std::vector<double> areas(feature_sums.size());
    for (std::size_t i = 0; i < areas.size(); ++i) areas[i] = feature_sums[i].value();

    // The part of every feature inside the boundary (union of the boundary layer).
    std::vector<double> inside;
    std::vector<MultiPolygon> pieces;
    nlohmann::json boundary_meta;
    if (rep.within) {
        LayerFields bfields;
        bfields.unique_ids = false;
        PolygonLayer boundary = load_polygon_layer(req.within, bfields, policy);
        conform(boundary, layer.crs, layer_text, policy, threads);
        for (const auto& w : boundary.warnings) rep.warnings.push_back(w);
        std::vector<const MultiPolygon*> parts;
        for (const auto& g : boundary.geoms) parts.push_back(&g);
        std::vector<MultiPolygon> bound(1);
        bound[0] = dissolve(parts, threads);
        if (bound[0].empty())
            fail(ErrorKind::InvalidInput,
                 fmt::format(
                     "boundary layer '{}' in '{}' covers no area (all its geometries are empty)",
                     boundary.label, boundary.path));
        rep.boundary_area_m2 = measure_area(bound[0], calc, threads);
        boundary_meta = boundary.describe(LayerRole::Overlay);
        boundary_meta["area_m2"] = rep.boundary_area_m2;

        OverlapOptions oo;
        oo.keep_pieces = dissolving;
        oo.plane_area_scale = calc.prototype().plane_area_scale();
        oo.threads = threads;
        oo.cancel = req.cancel;
        oo.progress = req.progress;
        oo.progress_label = "within";
        oo.describe_pair = [&](std::size_t i, std::size_t) {
            return fmt::format("feature '{}' of layer '{}' and the union of boundary layer '{}'",
                               layer.ids[i], layer.label, boundary.label);
        };
        auto overlaps = find_overlaps(
            layer.geoms, bound, areas, {rep.boundary_area_m2},
            [&](const MultiPolygon& mp) { return calc.area_m2(mp); }, oo);
        inside.assign(layer.size(), 0.0);
        if (dissolving) pieces.resize(layer.size());
        for (auto& ov : overlaps) {
            inside[ov.a] = ov.area_m2;
            if (dissolving) pieces[ov.a] = std::move(ov.piece);
        }
    }
    const std::vector<double>& measured = rep.within ? inside : areas;
    const std::vector<MultiPolygon>& geoms = rep.within ? pieces : layer.geoms;
    // Exact per-feature sums of polygon areas: the union of disjoint parts then has exactly the
    // parts' total (overlap 0), whatever the order of the polygons in the union.
    std::vector<ExactAreaSum> part_sums;
    if (dissolving)
        part_sums = rep.within ? measure_area_sums(pieces, calc, threads) : feature_sums;

    if (!dissolving) {
        rep.rows.resize(layer.size());
        for (std::size_t i = 0; i < layer.size(); ++i) {
            AreaRow& r = rep.rows[i];
            r.key = layer.ids[i];
            r.area_m2 = measured[i];
            r.features = 1;
        }
    } else {
        std::vector<std::string> order;
        std::map<std::string, std::vector<std::size_t>> members;
        for (std::size_t i = 0; i < layer.size(); ++i) {
            const std::string key = req.dissolve ? std::string("all") : layer.groups[i];
            auto [it, inserted] = members.try_emplace(key);
            if (inserted) order.push_back(key);
            it->second.push_back(i);
        }
        rep.rows.resize(order.size());
        auto dissolve_group = [&](std::size_t g, int inner_threads) {
            if (req.cancel && req.cancel->cancelled())
                throw Error(ErrorKind::Cancelled, "interrupted; no output was written");
            const auto& idx = members.at(order[g]);
            std::vector<const MultiPolygon*> parts;
            ExactAreaSum sum;
            for (std::size_t i : idx) {
                parts.push_back(&geoms[i]);
                sum.add(part_sums[i]);
            }
            const UnionArea u = measure_union(parts, sum, calc, inner_threads);
            AreaRow& r = rep.rows[g];
            r.key = order[g];
            r.area_m2 = u.area_m2;
            r.sum_m2 = u.sum_m2;
            r.overlap_m2 = u.overlap_m2();
            r.features = idx.size();
        };
        const int n = resolve_threads(threads);
        if (order.size() >= static_cast<std::size_t>(2 * n) && n > 1) {
            tbb::task_arena arena(n);
            arena.execute([&] {
                tbb::parallel_for(std::size_t{0}, order.size(),
                                  [&](std::size_t g) { dissolve_group(g, 1); });
            });
        } else {
            for (std::size_t g = 0; g < order.size(); ++g) dissolve_group(g, threads);
        }
    }
    if (rep.within)
        for (auto& r : rep.rows)
            r.share = rep.boundary_area_m2 > 0 ? r.area_m2 / rep.boundary_area_m2 : std::nan("");

    rep.meta = engine_provenance();
    rep.meta["command"] = "area";
    rep.meta["layer"] = layer.describe(LayerRole::Overlay);
    if (rep.within) rep.meta["within"] = boundary_meta;
    if (dissolving)
        rep.meta["dissolve"] =
            req.dissolve ? std::string("all") : "by field '" + req.dissolve_by + "'";
    rep.meta["area_method"] = rep.area_method;
    rep.meta["densify_m"] = policy.densify_m;
    rep.meta["ellipsoid"] = rep.ellipsoid;
    rep.meta["area_unit"] = "m2";
    rep.meta["warnings"] = render_for_cli(rep.warnings);  // files: the CLI's words
    return rep;
}

}  // namespace redline
