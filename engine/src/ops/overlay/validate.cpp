#include "redline/ops/overlay/validate.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "redline/core/error.hpp"
#include "redline/core/gauss_kruger_zone.hpp"
#include "redline/core/option_name.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geodesy/crs_domain.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/geom/polygon_overlap.hpp"
#include "redline/geom/validity.hpp"
#include "redline/io/vector_layer.hpp"
#include "redline/ops/provenance.hpp"

namespace redline {

const char* problem_name(ProblemKind kind) {
    switch (kind) {
        case ProblemKind::MissingCrs:
            return "missing_crs";
        case ProblemKind::EmptyGeometry:
            return "empty_geometry";
        case ProblemKind::NonPolygonal:
            return "non_polygonal";
        case ProblemKind::InvalidGeometry:
            return "invalid_geometry";
        case ProblemKind::OutsideCrsArea:
            return "outside_crs_area";
        case ProblemKind::DuplicateId:
            return "duplicate_id";
        case ProblemKind::DuplicateGeometry:
            return "duplicate_geometry";
        case ProblemKind::Overlap:
            return "overlap";
    }
    return "?";
}

namespace {

constexpr ProblemKind kAllKinds[] = {ProblemKind::MissingCrs,        ProblemKind::EmptyGeometry,
                                     ProblemKind::NonPolygonal,      ProblemKind::InvalidGeometry,
                                     ProblemKind::OutsideCrsArea,    ProblemKind::DuplicateId,
                                     ProblemKind::DuplicateGeometry, ProblemKind::Overlap};

}  // namespace

TableSpec ValidationReport::table_spec() const {
    TableSpec spec;
    spec.layer_name = "problems";
    spec.columns = {{"id", ColumnType::Text},      {"fid", ColumnType::Integer},
                    {"problem", ColumnType::Text}, {"detail", ColumnType::Text},
                    {"x", ColumnType::Real},       {"y", ColumnType::Real},
                    {"area_m2", ColumnType::Real}};
    return spec;
}

std::vector<Value> ValidationReport::row_values(const ValidationProblem& p) const {
    std::vector<Value> v;
    v.emplace_back(p.feature == ValidationProblem::kLayer ? Value{} : Value{p.id});
    v.emplace_back(p.feature == ValidationProblem::kLayer ? Value{} : Value{p.fid});
    v.emplace_back(std::string(problem_name(p.kind)));
    v.emplace_back(p.detail);
    v.emplace_back(p.has_location ? Value{p.location.x} : Value{});
    v.emplace_back(p.has_location ? Value{p.location.y} : Value{});
    v.emplace_back(std::isfinite(p.area_m2) ? Value{p.area_m2} : Value{});
    return v;
}

nlohmann::json ValidationReport::summary_json() const {
    nlohmann::json by_kind = nlohmann::json::object();
    for (ProblemKind k : kAllKinds) by_kind[problem_name(k)] = 0;
    std::vector<std::size_t> features_with;
    for (const auto& p : problems) {
        by_kind[problem_name(p.kind)] = by_kind[problem_name(p.kind)].get<std::size_t>() + 1;
        if (p.feature != ValidationProblem::kLayer) features_with.push_back(p.feature);
    }
    std::sort(features_with.begin(), features_with.end());
    features_with.erase(std::unique(features_with.begin(), features_with.end()),
                        features_with.end());
    return nlohmann::json{{"layer", label},
                          {"features", features},
                          {"problems", problems.size()},
                          {"features_with_problems", features_with.size()},
                          {"by_problem", by_kind},
                          {"clean", clean()}};
}

std::vector<std::string> ValidationReport::summary_lines() const {
    std::vector<std::string> out;
    if (clean()) {
        out.push_back(fmt::format("layer '{}': {} features, no problems", label, features));
        return out;
    }
    const nlohmann::json s = summary_json();
    std::vector<std::string> parts;
    for (ProblemKind k : kAllKinds) {
        const auto n = s["by_problem"][problem_name(k)].get<std::size_t>();
        if (n) parts.push_back(fmt::format("{} {}", n, problem_name(k)));
    }
    out.push_back(fmt::format("layer '{}': {} problem{} in {} of {} features: {}", label,
                              problems.size(), problems.size() == 1 ? "" : "s",
                              s["features_with_problems"].get<std::size_t>(), features,
                              fmt::join(parts, ", ")));
    return out;
}

void ValidationReport::write(const std::string& output) const {
    const TableFormat f = table_format_of(
        output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}, REDLINE_OPTION("output"));
    TableSpec spec = table_spec();
    const bool gpkg = f == TableFormat::Gpkg;
    if (gpkg) {
        spec.geometry = GeometryKind::Point;
        spec.crs_wkt = meta.value("crs_wkt", std::string());
    }
    nlohmann::json m = meta;
    m.erase("crs_wkt");
    auto w = TableWriter::open(output, spec, f, m);
    for (const auto& p : problems) {
        if (gpkg && p.has_location)
            w->write(row_values(p), p.location);
        else
            w->write(row_values(p));
    }
    w->add_extra("summary", summary_json());
    w->commit();
}

ValidationReport run_validate(const ValidateRequest& req) {
    const int threads = req.threads;
    LayerReadOptions ro;
    ro.id_field = req.id_field;
    ro.unique_ids = false;
    ro.allow_invalid_types = true;
    ro.assign_crs = req.layer_crs;
    ro.encoding = req.encoding;
    VectorLayer vl = read_polygon_layer(parse_layer_ref(req.layer), ro);
    const std::size_t n = vl.fids.size();

    ValidationReport rep;
    rep.label = vl.label;
    rep.path = vl.ref.path;
    rep.crs_label = vl.crs_label;
    rep.features = n;
    std::vector<ValidationProblem>& probs = rep.problems;
    auto add = [&](std::size_t i, ProblemKind kind, std::string detail) -> ValidationProblem& {
        ValidationProblem p;
        p.feature = i;
        if (i != ValidationProblem::kLayer) {
            p.id = vl.ids[i];
            p.fid = vl.fids[i];
        }
        p.kind = kind;
        p.detail = render_for_cli(detail);  // a column of the file: the CLI's words
        p.area_m2 = std::nan("");
        probs.push_back(std::move(p));
        return probs.back();
    };

    // CRS
    const Box all_bounds = [&] {
        Box b;
        for (const auto& g : vl.polygons) b.expand(g.bounds());
        return b;
    }();
    if (vl.crs_wkt.empty() || vl.crs_assigned) {
        std::string detail = "the layer declares no CRS";
        if (vl.crs_assigned)
            detail += fmt::format("; {} was assumed as given by " REDLINE_OPTION("layer_crs"),
                                  vl.crs_label);
        else if (const std::string gk = gauss_kruger_hint(all_bounds, "layer_crs"); !gk.empty())
            detail += "; " + gk;
        else if (!all_bounds.empty() && all_bounds.xmin >= -180 && all_bounds.xmax <= 360 &&
                 all_bounds.ymin >= -90 && all_bounds.ymax <= 90)
            detail +=
                "; its coordinates look like longitude/latitude degrees: declare EPSG:4490 "
                "(CGCS2000) or EPSG:4326 (WGS 84), or pass " REDLINE_OPTION("layer_crs");
        else
            detail += "; declare it in the file or pass " REDLINE_OPTION("layer_crs");
        add(ValidationProblem::kLayer, ProblemKind::MissingCrs, detail);
    }

    // Empty and non-polygonal features: both lists are in feature order and each matches a
    // feature whose geometry was left empty.
    std::vector<char> usable(n, 1);
    {
        std::size_t ti = 0, ei = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (!vl.polygons[i].empty()) continue;
            usable[i] = 0;
            const std::string prefix = vl.ids[i] + " (";
            if (ti < vl.type_problems.size() && vl.type_problems[ti].rfind(prefix, 0) == 0) {
                std::string type = vl.type_problems[ti].substr(prefix.size());
                if (!type.empty() && type.back() == ')') type.pop_back();
                add(i, ProblemKind::NonPolygonal,
                    fmt::format("{} geometry in a polygon layer", type));
                ++ti;
            } else {
                if (ei < vl.empty_ids.size() && vl.empty_ids[ei] == vl.ids[i]) ++ei;
                add(i, ProblemKind::EmptyGeometry, "null or empty geometry");
            }
        }
    }

    // Rings the source left open (the reader closed them, so GEOS sees a valid ring).
    for (std::size_t i : vl.unclosed)
        if (usable[i])
            add(i, ProblemKind::InvalidGeometry,
                "ring not closed: its last point is not its first (the other commands close it by "
                "joining them)");

    // Validity (GEOS)
    for (const auto& is : check_validity(vl.polygons, threads)) {
        usable[is.index] = 0;
        auto& p = add(is.index, ProblemKind::InvalidGeometry, is.reason);
        p.has_location = std::isfinite(is.location.x) && std::isfinite(is.location.y);
        p.location = is.location;
    }

    // Coordinates outside the CRS's area of use. The layer's CRS is described once, here.
    Crs crs;
    nlohmann::json domain_meta;
    if (!vl.crs_wkt.empty()) {
        const CrsDomain proto = [&] {
            try {
                crs = make_crs(vl.crs_wkt, vl.crs_label);
                return CrsDomain(crs, req.margin_deg);
            } catch (const Error& e) {
                fail(e.kind(),
                     fmt::format("layer '{}' in '{}': {}", vl.label, vl.ref.path, e.what()));
            }
        }();
        domain_meta = proto.describe();
        std::vector<std::size_t> bad_count(n, 0);
        std::vector<Point> first_bad(n);
        std::vector<std::string> reason(n);
        tbb::enumerable_thread_specific<CrsDomain> domains(
            [&] { return CrsDomain(crs, req.margin_deg); });
        tbb::task_arena arena(resolve_threads(threads));
        arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 16), [&](const auto& r) {
                const CrsDomain& dom = domains.local();
                for (std::size_t i = r.begin(); i != r.end(); ++i)
                    for (const auto& poly : vl.polygons[i].polygons)
                        for (const auto& ring : poly.rings)
                            for (std::size_t v = 0; v < ring.size(); ++v) {
                                const Point& pt = ring[v];
                                if (v + 1 == ring.size() && v > 0 && pt == ring[0])
                                    break;  // closing vertex
                                if (!std::isfinite(pt.x) || !std::isfinite(pt.y))
                                    continue;  // invalid_geometry
                                std::string why = dom.check(pt);
                                if (why.empty()) continue;
                                if (bad_count[i]++ == 0) {
                                    first_bad[i] = pt;
                                    reason[i] = std::move(why);
                                }
                            }
            });
        });
        for (std::size_t i = 0; i < n; ++i)
            if (bad_count[i]) {
                usable[i] = 0;  // its area cannot be measured
                auto& p = add(i, ProblemKind::OutsideCrsArea,
                              fmt::format("{} {} cannot be in {}; the first: {}", bad_count[i],
                                          bad_count[i] == 1 ? "vertex" : "vertices", vl.crs_label,
                                          reason[i]));
                p.has_location = true;
                p.location = first_bad[i];
            }
    }

    // Duplicate ids
    if (!req.id_field.empty()) {
        std::map<std::string, std::size_t> seen;
        for (std::size_t i = 0; i < n; ++i) {
            auto [it, inserted] = seen.emplace(vl.ids[i], i);
            if (!inserted)
                add(i, ProblemKind::DuplicateId,
                    fmt::format(REDLINE_OPTION_VALUE(
                                    "id", "'{}'") " value '{}' is also used by feature fid {}",
                                req.id_field, vl.ids[i], vl.fids[it->second]));
        }
    }

    // Duplicates and overlaps among usable features
    {
        std::vector<MultiPolygon> geoms(n);
        for (std::size_t i = 0; i < n; ++i)
            if (usable[i]) geoms[i] = vl.polygons[i];
        const bool metric = !crs.empty();
        std::unique_ptr<ConcurrentAreaCalculator> calc;
        if (metric) calc = std::make_unique<ConcurrentAreaCalculator>(crs, req.densify_m);
        if (calc)
            for (const auto& w : calc->prototype().warnings()) rep.warnings.push_back(w);
        // A piece that cannot be measured (a vertex outside the projection's domain) must not stop
        // the validation: its area is unknown (NaN) and reported as such.
        const AreaFunction measure = [&](const MultiPolygon& mp) {
            if (!metric) return planar_area(mp);
            try {
                return calc->area_m2(mp);
            } catch (const Error&) {
                return std::nan("");
            }
        };
        std::vector<double> areas(n, 0.0);
        tbb::task_arena arena(resolve_threads(threads));
        arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 16), [&](const auto& r) {
                for (std::size_t i = r.begin(); i != r.end(); ++i) areas[i] = measure(geoms[i]);
            });
        });
        OverlapOptions oo;
        oo.self = true;
        oo.locate = true;
        oo.threads = threads;
        oo.cancel = req.cancel;
        oo.progress = req.progress;
        oo.progress_label = "overlaps";
        oo.describe_pair = [&](std::size_t i, std::size_t j) {
            return fmt::format("features '{}' and '{}' of layer '{}'", vl.ids[i], vl.ids[j],
                               vl.label);
        };
        const auto overlaps = find_overlaps(geoms, {}, areas, {}, measure, oo);
        const std::string unit = metric ? "m2" : "square CRS units";
        for (const auto& ov : overlaps) {
            if (!(ov.area_m2 > 0) && !std::isnan(ov.area_m2)) continue;  // a contact without area
            if (ov.kind == OverlapKind::Equal) {
                auto& p = add(
                    ov.b, ProblemKind::DuplicateGeometry,
                    fmt::format("same area as feature '{}' (fid {})", vl.ids[ov.a], vl.fids[ov.a]));
                p.other = ov.a;
                p.has_location = true;
                p.location = ov.location;
                if (metric) p.area_m2 = ov.area_m2;
                continue;
            }
            if (ov.area_m2 <= req.min_overlap_m2 && metric) continue;
            const char* how = ov.kind == OverlapKind::BInsideA   ? " (which lies inside it)"
                              : ov.kind == OverlapKind::AInsideB ? " (this feature lies inside it)"
                                                                 : "";
            auto& p = add(ov.a, ProblemKind::Overlap,
                          metric ? fmt::format("overlaps feature '{}' (fid {}){}", vl.ids[ov.b],
                                               vl.fids[ov.b], how)
                                 : fmt::format("overlaps feature '{}' (fid {}){} by {:.9g} {}",
                                               vl.ids[ov.b], vl.fids[ov.b], how, ov.area_m2, unit));
            p.other = ov.b;
            p.has_location = true;
            p.location = ov.location;
            if (metric) p.area_m2 = ov.area_m2;
        }
    }

    std::stable_sort(probs.begin(), probs.end(),
                     [](const ValidationProblem& a, const ValidationProblem& b) {
                         const bool la = a.feature == ValidationProblem::kLayer,
                                    lb = b.feature == ValidationProblem::kLayer;
                         if (la != lb) return la;
                         if (a.feature != b.feature) return a.feature < b.feature;
                         if (a.kind != b.kind)
                             return static_cast<int>(a.kind) < static_cast<int>(b.kind);
                         const bool oa = a.other == ValidationProblem::kLayer,
                                    ob = b.other == ValidationProblem::kLayer;
                         if (oa != ob) return oa;
                         return a.other < b.other;
                     });

    // vl.warnings only repeat the empty geometries and open rings, which are rows here, and the
    // text encoding chosen by detection, which is not.
    if (!vl.text_encoding_warning.empty())
        rep.warnings.insert(rep.warnings.begin(), vl.text_encoding_warning);
    rep.meta = engine_provenance();
    rep.meta["command"] = "validate";
    rep.meta["layer"] = {{"layer", vl.label},
                         {"path", vl.ref.path},
                         {"crs", vl.crs_label},
                         {"crs_declared", !vl.crs_wkt.empty() && !vl.crs_assigned},
                         {"features", n}};
    rep.meta["crs_domain"] = domain_meta;
    rep.meta["min_overlap_m2"] = req.min_overlap_m2;
    rep.meta["crs_wkt"] = vl.crs_wkt;  // for GeoPackage locations; removed from written metadata
    rep.meta["warnings"] = render_for_cli(rep.warnings);  // files: the CLI's words
    return rep;
}

}  // namespace redline
