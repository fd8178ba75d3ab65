#include "redline/ops/change/survey_change.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <map>
#include <tuple>

#include "redline/core/error.hpp"
#include "redline/core/exact_area_sum.hpp"
#include "redline/core/option_name.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/geodesy/transformer.hpp"
#include "redline/geom/point_on_surface.hpp"
#include "redline/geom/polygon_dissolve.hpp"
#include "redline/geom/polygon_locator.hpp"
#include "redline/geom/polygon_overlap.hpp"
#include "redline/geom/polygon_union.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/layers/conform.hpp"
#include "redline/layers/land_use_codes.hpp"
#include "redline/layers/layer_dissolve.hpp"
#include "redline/layers/zone_layer.hpp"
#include "redline/ops/provenance.hpp"

namespace redline {
namespace {

constexpr const char* kUncovered = "uncovered";

// A matrix key: codes ascending as text, `uncovered` last.
struct CodeKey {
    bool uncovered = false;
    std::string code;
    auto operator<=>(const CodeKey&) const = default;
    const std::string& text() const {
        static const std::string u = kUncovered;
        return uncovered ? u : code;
    }
};

struct Cell {
    ExactAreaSum area;
    std::size_t pieces = 0;
};

void check_cancel(const CancelToken* cancel) {
    if (cancel && cancel->cancelled())
        throw Error(ErrorKind::Cancelled, "interrupted; no output was written");
}

template <class F>
void parallel_each(std::size_t n, int threads, const F& f) {
    tbb::task_arena arena(resolve_threads(threads));
    arena.execute([&] { tbb::parallel_for(std::size_t{0}, n, f); });
}

// Reads, conforms (into `crs`, or its own CRS for t0) and resolves the overlaps of one layer.
LandUseLayer read_year(const std::string& ref, const char* role, const SurveyChangeRequest& req,
                       const LandUseLayer* t0) {
    LandUseReadOptions ro;
    ro.class_field = req.class_field;
    ro.role = role;
    ro.policy = req.policy;
    ro.progress = req.progress;
    LandUseLayer lu = read_land_use_layer(ref, ro);
    if (t0)
        conform(lu.layer, t0->layer.crs, t0->text, req.policy, req.threads);
    else
        conform(lu.layer, lu.layer.crs, lu.text, req.policy, req.threads);
    return lu;
}

}  // namespace

SurveyChangeReport run_survey_change(const SurveyChangeRequest& req) {
    const LayerPolicy& policy = req.policy;
    const int threads = req.threads;
    if (req.dissolve && !req.dissolve_by.empty())
        fail(ErrorKind::InvalidInput, REDLINE_FLAG("dissolve") " and " REDLINE_OPTION(
                                          "dissolve_by") " exclude each other; pick one");
    if (!(req.mmu_m2 >= 0) || !std::isfinite(req.mmu_m2))
        fail(ErrorKind::InvalidInput,
             fmt::format(REDLINE_OPTION_VALUE("mmu_m2", "{}") " must be a finite area >= 0 (m2)",
                         req.mmu_m2));
    require_permitted_min_share(req.permitted_min_share);
    const SurveyChangeRules rules = req.rules_path.empty()
                                        ? SurveyChangeRules::preset(req.preset)
                                        : SurveyChangeRules::load(req.rules_path);
    std::optional<LandUseCodes> codes;
    if (!req.classes.empty()) codes = LandUseCodes::load(req.classes);

    LandUseLayer lu0 = read_year(req.t0_layer, "t0 layer", req, nullptr);
    LandUseLayer lu1 = read_year(req.t1_layer, "t1 layer", req, &lu0);

    const DissolveBy by{req.dissolve, req.dissolve_by};
    PolygonLayer zones =
        prepare_zones(req.zones, req.id_field, by, lu0.layer.crs, lu0.text, policy, threads);
    std::optional<PolygonLayer> permitted;
    if (!req.permitted.empty()) {
        DissolveBy all;  // one geometry: what matters is whether a piece is covered
        all.all = true;
        permitted = prepare_zones(req.permitted, "", all, lu0.layer.crs, lu0.text, policy, threads);
    }

    SurveyChangeReport rep;
    rep.convention = req.convention ? *req.convention : default_area_convention(lu0.layer.crs);
    rep.crs_wkt = lu0.layer.crs.wkt;
    for (const auto* ws : {&lu0.layer.warnings, &lu1.layer.warnings, &zones.warnings})
        for (const auto& w : *ws) rep.warnings.push_back(w);
    if (permitted)
        for (const auto& w : permitted->warnings) rep.warnings.push_back(w);
    const ConcurrentAreaCalculator calc =
        land_use_area_calculator(lu0, policy.densify_m, rep.convention);
    for (const auto& w : calc.prototype().warnings()) rep.warnings.push_back(w);
    const AreaFunction measure = [&](const MultiPolygon& mp) { return calc.area_m2(mp); };

    std::size_t overlaps[2] = {0, 0};  // overlapping parcel pairs of each year
    std::vector<double> areas[2];
    LandUseLayer* years[2] = {&lu0, &lu1};
    for (int y = 0; y < 2; ++y) {
        areas[y] = measure_areas(years[y]->layer.geoms, calc, threads);
        OverlapResolution res =
            resolve_land_use_overlaps(*years[y], areas[y], calc, overlap_resolve_options(req));
        overlaps[y] = res.overlaps;
        for (auto& w : res.warnings) rep.warnings.push_back(std::move(w));
    }
    const std::vector<double> zone_areas = measure_areas(zones.geoms, calc, threads);

    auto options = [&](const char* label, std::function<std::string(std::size_t, std::size_t)> d) {
        OverlapOptions oo;
        oo.threads = threads;
        oo.cancel = req.cancel;
        oo.progress = req.progress;
        oo.progress_label = label;
        oo.describe_pair = std::move(d);
        return oo;
    };
    // The pieces of change, parcel against parcel first (the two years share most boundaries
    // vertex for vertex, so this order leaves no slivers where they do): parcel_t0 ∩ parcel_t1,
    // then parcel_t0 outside every t1 parcel and parcel_t1 outside every t0 parcel.
    OverlapOptions po = options("change parcels", [&](std::size_t i, std::size_t j) {
        return fmt::format("parcel '{}' of {} and parcel '{}' of {}", lu0.layer.ids[i], lu0.text,
                           lu1.layer.ids[j], lu1.text);
    });
    po.keep_pieces = true;
    const auto pairs =
        find_overlaps(lu0.layer.geoms, lu1.layer.geoms, areas[0], areas[1], measure, po);
    check_cancel(req.cancel);
    std::vector<std::vector<std::size_t>> of0(lu0.layer.size()), of1(lu1.layer.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        of0[pairs[i].a].push_back(i);
        of1[pairs[i].b].push_back(i);
    }
    // Area of parcel `p` of one year outside the parcels of the other year that meet it.
    auto outside = [&](const MultiPolygon& parcel, const std::vector<std::size_t>& meets,
                       bool first_year) -> MultiPolygon {
        if (meets.empty()) return parcel;
        std::vector<const MultiPolygon*> others;
        for (std::size_t i : meets) {
            const OverlapKind k = pairs[i].kind;
            if (k == OverlapKind::Equal ||
                k == (first_year ? OverlapKind::AInsideB : OverlapKind::BInsideA))
                return {};
            others.push_back(first_year ? &lu1.layer.geoms[pairs[i].b]
                                        : &lu0.layer.geoms[pairs[i].a]);
        }
        return difference(parcel, dissolve(others, 1));
    };
    std::vector<MultiPolygon> rest0(lu0.layer.size()), rest1(lu1.layer.size());
    parallel_each(lu0.layer.size(), threads, [&](std::size_t p) {
        if (req.cancel && req.cancel->cancelled()) return;
        rest0[p] = outside(lu0.layer.geoms[p], of0[p], true);
    });
    parallel_each(lu1.layer.size(), threads, [&](std::size_t p) {
        if (req.cancel && req.cancel->cancelled()) return;
        rest1[p] = outside(lu1.layer.geoms[p], of1[p], false);
    });
    check_cancel(req.cancel);
    struct Piece {
        CodeKey from, to;
    };
    std::vector<Piece> pieces;
    std::vector<MultiPolygon> piece_geoms;
    std::vector<std::size_t> flagged;  // pieces (parcel_t0 ∩ parcel_t1) some rule flags
    const auto& rs = rules.rules();
    for (const auto& pr : pairs) {
        const std::string& c0 = lu0.classes[pr.a];
        const std::string& c1 = lu1.classes[pr.b];
        for (const auto& r : rs)
            if (r.matches(c0, c1)) {
                flagged.push_back(pieces.size());
                break;
            }
        pieces.push_back(Piece{CodeKey{false, c0}, CodeKey{false, c1}});
        piece_geoms.push_back(pr.piece);
    }
    for (std::size_t p = 0; p < rest0.size(); ++p)
        if (!rest0[p].empty()) {
            pieces.push_back(Piece{CodeKey{false, lu0.classes[p]}, CodeKey{true, ""}});
            piece_geoms.push_back(std::move(rest0[p]));
        }
    for (std::size_t p = 0; p < rest1.size(); ++p)
        if (!rest1[p].empty()) {
            pieces.push_back(Piece{CodeKey{true, ""}, CodeKey{false, lu1.classes[p]}});
            piece_geoms.push_back(std::move(rest1[p]));
        }
    const std::vector<double> piece_areas = measure_areas(piece_geoms, calc, threads);
    auto describe_piece = [&](std::size_t z, std::size_t j) {
        return fmt::format("zone '{}' and the piece {} -> {} of {} and {}", zones.ids[z],
                           pieces[j].from.text(), pieces[j].to.text(), lu0.text, lu1.text);
    };
    OverlapOptions zo = options("change zones", describe_piece);
    zo.plane_area_scale = calc.prototype().plane_area_scale();
    const auto in_zones =
        find_overlaps(zones.geoms, piece_geoms, zone_areas, piece_areas, measure, zo);
    check_cancel(req.cancel);

    // The matrix.
    std::map<std::tuple<std::size_t, CodeKey, CodeKey>, Cell> cells;
    for (const auto& ov : in_zones) {
        Cell& c = cells[{ov.a, pieces[ov.b].from, pieces[ov.b].to}];
        c.area.add(ov.area_m2);
        ++c.pieces;
    }
    auto name_of = [&](const CodeKey& k) {
        if (k.uncovered) return std::string(kUncovered);
        if (codes)
            if (const LandUseClass* c = codes->find(k.code)) return c->name;
        return k.code;
    };
    for (const auto& [key, c] : cells) {
        const auto& [z, from, to] = key;
        const double a = c.area.value();
        if (!(a > 0)) continue;
        rep.matrix.push_back(SurveyChangeMatrixRow{z, from.text(), to.text(), a, c.pieces});
        rep.names[from.text()] = name_of(from);
        rep.names[to.text()] = name_of(to);
    }

    // Patches: per (zone, rule, from, to) the flagged pieces inside the zone, dissolved, one
    // patch per polygon.
    std::vector<MultiPolygon> flagged_geoms;
    std::vector<double> flagged_areas;
    for (std::size_t j : flagged) {
        flagged_geoms.push_back(piece_geoms[j]);
        flagged_areas.push_back(piece_areas[j]);
    }
    OverlapOptions fo = options("change patches", [&](std::size_t z, std::size_t f) {
        return describe_piece(z, flagged[f]);
    });
    fo.keep_pieces = true;
    const auto tri =
        find_overlaps(zones.geoms, flagged_geoms, zone_areas, flagged_areas, measure, fo);
    check_cancel(req.cancel);
    std::map<std::tuple<std::size_t, std::size_t, std::string, std::string>,
             std::vector<std::size_t>>
        groups;
    for (std::size_t i = 0; i < tri.size(); ++i) {
        const Piece& pc = pieces[flagged[tri[i].b]];
        for (std::size_t r = 0; r < rs.size(); ++r)
            if (rs[r].matches(pc.from.code, pc.to.code))
                groups[{tri[i].a, r, pc.from.code, pc.to.code}].push_back(i);
    }
    struct GroupPatches {
        std::vector<MultiPolygon> parts;
        std::vector<std::int64_t> pieces;
        std::vector<Point> points;
    };
    std::vector<
        const std::pair<const std::tuple<std::size_t, std::size_t, std::string, std::string>,
                        std::vector<std::size_t>>*>
        group_list;
    for (const auto& g : groups) group_list.push_back(&g);
    std::vector<GroupPatches> found(group_list.size());
    parallel_each(group_list.size(), threads, [&](std::size_t g) {
        if (req.cancel && req.cancel->cancelled()) return;
        const auto& members = group_list[g]->second;
        std::vector<const MultiPolygon*> parts;
        for (std::size_t i : members) parts.push_back(&tri[i].piece);
        const MultiPolygon all = dissolve(parts, 1);
        GroupPatches& out = found[g];
        std::vector<PolygonLocator> where;
        for (const auto& poly : all.polygons) {
            MultiPolygon mp;
            mp.polygons.push_back(poly);
            out.points.push_back(point_on_surface(mp));
            where.emplace_back(mp);
            out.parts.push_back(std::move(mp));
        }
        // A piece belongs to the patch that holds an inner point of one of its polygons.
        out.pieces.assign(out.parts.size(), 0);
        for (std::size_t i : members) {
            std::vector<bool> hit(out.parts.size(), false);
            for (const auto& poly : tri[i].piece.polygons) {
                MultiPolygon mp;
                mp.polygons.push_back(poly);
                const Point p = point_on_surface(mp);
                for (std::size_t q = 0; q < where.size(); ++q)
                    if (!hit[q] && where[q].covers(p)) {
                        hit[q] = true;
                        break;
                    }
            }
            for (std::size_t q = 0; q < hit.size(); ++q)
                if (hit[q]) ++out.pieces[q];
        }
    });
    check_cancel(req.cancel);
    std::vector<MultiPolygon> patch_geoms;
    for (auto& f : found)
        for (auto& p : f.parts) patch_geoms.push_back(std::move(p));
    const std::vector<double> patch_areas = measure_areas(patch_geoms, calc, threads);
    std::vector<double> in_permitted(patch_geoms.size(), 0.0);
    if (permitted && !permitted->geoms.empty()) {
        const std::vector<double> perm_areas = measure_areas(permitted->geoms, calc, threads);
        OverlapOptions oo;
        oo.threads = threads;
        oo.cancel = req.cancel;
        for (const auto& ov :
             find_overlaps(patch_geoms, permitted->geoms, patch_areas, perm_areas, measure, oo))
            in_permitted[ov.a] += ov.area_m2;
    }
    rep.summary.resize(rs.size());
    for (std::size_t r = 0; r < rs.size(); ++r) rep.summary[r].rule = rs[r].name;
    const Transformer to_geo = Transformer::to_geographic(lu0.layer.crs.wkt);
    std::size_t at = 0;
    for (std::size_t g = 0; g < group_list.size(); ++g) {
        const auto& [z, r, c0, c1] = group_list[g]->first;
        for (std::size_t q = 0; q < found[g].points.size(); ++q, ++at) {
            SurveyChangePatchRow row;
            row.patch_id = static_cast<std::int64_t>(at) + 1;
            row.zone = z;
            row.rule = rs[r].name;
            row.from = c0;
            row.to = c1;
            row.pixels = found[g].pieces[q];
            row.area_m2 = patch_areas[at];
            row.x = found[g].points[q].x;
            row.y = found[g].points[q].y;
            const Point ll = to_geo.transform(found[g].points[q]);
            row.lon = ll.x;
            row.lat = ll.y;
            row.permitted_share = row.area_m2 > 0 ? in_permitted[at] / row.area_m2 : 0.0;
            row.status = rep.summary[r].count(
                permitted.has_value() && row.permitted_share >= req.permitted_min_share,
                row.area_m2 < req.mmu_m2, row.area_m2);
            if (req.patch_geometry) row.geometry = std::move(patch_geoms[at]);
            rep.names[c0] = name_of(CodeKey{false, c0});
            rep.names[c1] = name_of(CodeKey{false, c1});
            rep.patches.push_back(std::move(row));
        }
    }
    rep.zone_names = zones.ids;

    nlohmann::json rules_meta = nlohmann::json::array();
    for (const auto& r : rs)
        rules_meta.push_back(
            {{"name", r.name}, {"from", r.from}, {r.to_except ? "to_except" : "to", r.to}});
    rep.meta = engine_provenance();
    rep.meta["command"] = "change";
    rep.meta["inputs"] = "vector";
    rep.meta["t0"] = lu0.layer.describe(LayerRole::Overlay);
    rep.meta["t1"] = lu1.layer.describe(LayerRole::Overlay);
    rep.meta["zones"] = zones.describe(LayerRole::Overlay);
    if (by.any())
        rep.meta["dissolve"] =
            req.dissolve ? std::string("all") : "by field '" + req.dissolve_by + "'";
    rep.meta["permitted"] =
        permitted ? permitted->describe(LayerRole::Overlay) : nlohmann::json(nullptr);
    rep.meta["class_field"] = req.class_field;
    rep.meta["rules"] = {
        {"source", rules.source()}, {"rules", rules_meta}, {"match", "code prefix"}};
    rep.meta["class_table"] = codes ? nlohmann::json(codes->id()) : nlohmann::json(nullptr);
    rep.meta["mmu_m2"] = req.mmu_m2;
    rep.meta["permitted_min_share"] = req.permitted_min_share;
    rep.meta["on_overlap"] = on_overlap_name(req.on_overlap);
    rep.meta["overlaps"] = {{"t0", overlaps[0]}, {"t1", overlaps[1]}};
    rep.meta["area_convention"] = area_convention_name(rep.convention);
    rep.meta["area_method"] = calc.prototype().description();
    if (rep.convention == AreaConvention::Geodesic) rep.meta["densify_m"] = policy.densify_m;
    rep.meta["ellipsoid"] = calc.prototype().ellipsoid();
    rep.meta["area_unit"] = "m2";
    rep.meta["cells"] = "number of pieces (zone ∩ t0 parcel ∩ t1 parcel) of the row";
    rep.meta["warnings"] = render_for_cli(rep.warnings);  // files: the CLI's words
    return rep;
}

std::vector<Value> SurveyChangeReport::matrix_values(const SurveyChangeMatrixRow& r) const {
    return {zone_names[r.zone], r.from,        r.to, r.area_m2, static_cast<double>(r.pieces),
            names.at(r.from),   names.at(r.to)};
}

std::vector<Value> SurveyChangeReport::patch_values(const SurveyChangePatchRow& p) const {
    return change_patch_values(p, zone_names[p.zone], p.from, p.to, names.at(p.from),
                               names.at(p.to));
}

void SurveyChangeReport::write_matrix(const std::string& output) const {
    const TableFormat f = table_format_of(output, {TableFormat::Csv, TableFormat::Json},
                                          REDLINE_OPTION("matrix_output"));
    auto w = TableWriter::open(output, change_matrix_spec(), f, meta);
    for (const auto& r : matrix) w->write(matrix_values(r));
    w->add_extra("summary", change_summary_json(summary));
    w->commit();
}

void SurveyChangeReport::write_patches(const std::string& output) const {
    const TableFormat f =
        table_format_of(output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg},
                        REDLINE_OPTION("patches_output"));
    auto w = TableWriter::open(output, change_patch_spec(f == TableFormat::Gpkg, crs_wkt), f, meta);
    for (const auto& p : patches) {
        std::vector<Value> row = patch_values(p);
        if (f == TableFormat::Gpkg)
            w->write(row, GeometryValue{p.geometry});
        else
            w->write(row);
    }
    w->add_extra("summary", change_summary_json(summary));
    w->commit();
}

std::string SurveyChangeReport::summary_text() const { return change_summary_text(summary); }

}  // namespace redline
