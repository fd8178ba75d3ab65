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
    ro.threads = req.threads;
    LandUseLayer lu = read_land_use_layer(ref, ro);
    if (t0)
        conform(lu.layer, t0->layer.crs, t0->text, req.policy, req.threads);
    else
        conform(lu.layer, lu.layer.crs, lu.text, req.policy, req.threads);
    return lu;
}

// One vector change run, in the order of its steps: read and measure the inputs, cut the pieces
// of change, tally the matrix, form the patches, describe the run.
class SurveyChangeRun {
  public:
    explicit SurveyChangeRun(const SurveyChangeRequest& req)
        : m_req(req),
          m_rules(req.rules_path.empty() ? SurveyChangeRules::preset(req.preset)
                                         : SurveyChangeRules::load(req.rules_path)) {
        if (!req.classes.empty()) m_codes = LandUseCodes::load(req.classes);
    }

    SurveyChangeReport run() {
        read_inputs();
        cut_pieces();
        tally_matrix();
        form_patches();
        describe();
        return std::move(m_rep);
    }

  private:
    struct Piece {
        CodeKey from, to;
    };
    struct GroupPatches {
        std::vector<MultiPolygon> parts;
        std::vector<std::int64_t> pieces;
        std::vector<Point> points;
    };
    using GroupKey = std::tuple<std::size_t, std::size_t, std::string, std::string>;

    void read_inputs() {
        const SurveyChangeRequest& req = m_req;
        const LayerPolicy& policy = req.policy;
        const int threads = req.threads;
        m_lu0 = read_year(req.t0_layer, "t0 layer", req, nullptr);
        m_lu1 = read_year(req.t1_layer, "t1 layer", req, &m_lu0);
        const DissolveBy by{req.dissolve, req.dissolve_by};
        m_zones = prepare_zones(req.zones, req.id_field, by, m_lu0.layer.crs, m_lu0.text, policy,
                                threads);
        if (!req.permitted.empty()) {
            DissolveBy all;  // one geometry: what matters is whether a piece is covered
            all.all = true;
            m_permitted =
                prepare_zones(req.permitted, "", all, m_lu0.layer.crs, m_lu0.text, policy, threads);
        }
        m_rep.convention =
            req.convention ? *req.convention : default_area_convention(m_lu0.layer.crs);
        m_rep.crs_wkt = m_lu0.layer.crs.wkt;
        for (const auto* ws : {&m_lu0.layer.warnings, &m_lu1.layer.warnings, &m_zones.warnings})
            for (const auto& w : *ws) m_rep.warnings.push_back(w);
        if (m_permitted)
            for (const auto& w : m_permitted->warnings) m_rep.warnings.push_back(w);
        m_calc.emplace(land_use_area_calculator(m_lu0, policy.densify_m, m_rep.convention));
        for (const auto& w : m_calc->prototype().warnings()) m_rep.warnings.push_back(w);
        m_measure = [this](const MultiPolygon& mp) { return m_calc->area_m2(mp); };
        LandUseLayer* years[2] = {&m_lu0, &m_lu1};
        for (int y = 0; y < 2; ++y) {
            m_areas[y] = measure_areas(years[y]->layer.geoms, *m_calc, threads);
            OverlapResolution res = resolve_land_use_overlaps(*years[y], m_areas[y], *m_calc,
                                                              overlap_resolve_options(req));
            m_overlaps[y] = res.overlaps;
            for (auto& w : res.warnings) m_rep.warnings.push_back(std::move(w));
        }
        m_zone_areas = measure_areas(m_zones.geoms, *m_calc, threads);
    }

    OverlapOptions options(const char* label,
                           std::function<std::string(std::size_t, std::size_t)> d) const {
        OverlapOptions oo;
        oo.threads = m_req.threads;
        oo.cancel = m_req.cancel;
        oo.progress = m_req.progress;
        oo.progress_label = label;
        oo.describe_pair = std::move(d);
        return oo;
    }

    std::string describe_piece(std::size_t z, std::size_t j) const {
        return fmt::format("zone '{}' and the piece {} -> {} of {} and {}", m_zones.ids[z],
                           m_pieces[j].from.text(), m_pieces[j].to.text(), m_lu0.text, m_lu1.text);
    }

    // The pieces of change, parcel against parcel first (the two years share most boundaries
    // vertex for vertex, so this order leaves no slivers where they do): parcel_t0 ∩ parcel_t1,
    // then parcel_t0 outside every t1 parcel and parcel_t1 outside every t0 parcel.
    void cut_pieces() {
        const SurveyChangeRequest& req = m_req;
        const int threads = req.threads;
        const LandUseLayer& lu0 = m_lu0;
        const LandUseLayer& lu1 = m_lu1;
        OverlapOptions po = options("change parcels", [&](std::size_t i, std::size_t j) {
            return fmt::format("parcel '{}' of {} and parcel '{}' of {}", lu0.layer.ids[i],
                               lu0.text, lu1.layer.ids[j], lu1.text);
        });
        po.keep_pieces = true;
        auto pairs =
            find_overlaps(lu0.layer.geoms, lu1.layer.geoms, m_areas[0], m_areas[1], m_measure, po);
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
        const auto& rs = m_rules.rules();
        for (auto& pr : pairs) {
            const std::string& c0 = lu0.classes[pr.a];
            const std::string& c1 = lu1.classes[pr.b];
            for (const auto& r : rs)
                if (r.matches(c0, c1)) {
                    m_flagged.push_back(m_pieces.size());
                    break;
                }
            m_pieces.push_back(Piece{CodeKey{false, c0}, CodeKey{false, c1}});
            m_piece_geoms.push_back(std::move(pr.piece));  // `pairs` is not read again
        }
        for (std::size_t p = 0; p < rest0.size(); ++p)
            if (!rest0[p].empty()) {
                m_pieces.push_back(Piece{CodeKey{false, lu0.classes[p]}, CodeKey{true, ""}});
                m_piece_geoms.push_back(std::move(rest0[p]));
            }
        for (std::size_t p = 0; p < rest1.size(); ++p)
            if (!rest1[p].empty()) {
                m_pieces.push_back(Piece{CodeKey{true, ""}, CodeKey{false, lu1.classes[p]}});
                m_piece_geoms.push_back(std::move(rest1[p]));
            }
        m_piece_areas = measure_areas(m_piece_geoms, *m_calc, threads);
    }

    std::string name_of(const CodeKey& k) const {
        if (k.uncovered) return std::string(kUncovered);
        if (m_codes)
            if (const LandUseClass* c = m_codes->find(k.code)) return c->name;
        return k.code;
    }

    // The matrix: area of zone ∩ piece by (zone, from, to).
    void tally_matrix() {
        OverlapOptions zo = options(
            "change zones", [this](std::size_t z, std::size_t j) { return describe_piece(z, j); });
        zo.plane_area_scale = m_calc->prototype().plane_area_scale();
        const auto in_zones =
            find_overlaps(m_zones.geoms, m_piece_geoms, m_zone_areas, m_piece_areas, m_measure, zo);
        check_cancel(m_req.cancel);
        std::map<std::tuple<std::size_t, CodeKey, CodeKey>, Cell> cells;
        for (const auto& ov : in_zones) {
            Cell& c = cells[{ov.a, m_pieces[ov.b].from, m_pieces[ov.b].to}];
            c.area.add(ov.area_m2);
            ++c.pieces;
        }
        for (const auto& [key, c] : cells) {
            const auto& [z, from, to] = key;
            const double a = c.area.value();
            if (!(a > 0)) continue;
            m_rep.matrix.push_back(SurveyChangeMatrixRow{z, from.text(), to.text(), a, c.pieces});
            m_rep.names[from.text()] = name_of(from);
            m_rep.names[to.text()] = name_of(to);
        }
    }

    // Per (zone, rule, from, to) the flagged pieces inside the zone, dissolved: one patch per
    // polygon, with the number of pieces that hold an inner point of it.
    static GroupPatches dissolve_group(const std::vector<std::size_t>& members,
                                       const std::vector<PolygonOverlap>& tri) {
        std::vector<const MultiPolygon*> parts;
        for (std::size_t i : members) parts.push_back(&tri[i].piece);
        const MultiPolygon all = dissolve(parts, 1);
        GroupPatches out;
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
        return out;
    }

    // Share of each patch inside the permitted polygons (0 without them).
    std::vector<double> permitted_areas(const std::vector<MultiPolygon>& patch_geoms,
                                        const std::vector<double>& patch_areas) const {
        std::vector<double> in_permitted(patch_geoms.size(), 0.0);
        if (!m_permitted || m_permitted->geoms.empty()) return in_permitted;
        const std::vector<double> perm_areas =
            measure_areas(m_permitted->geoms, *m_calc, m_req.threads);
        OverlapOptions oo;
        oo.threads = m_req.threads;
        oo.cancel = m_req.cancel;
        for (const auto& ov :
             find_overlaps(patch_geoms, m_permitted->geoms, patch_areas, perm_areas, m_measure, oo))
            in_permitted[ov.a] += ov.area_m2;
        return in_permitted;
    }

    void form_patches() {
        const SurveyChangeRequest& req = m_req;
        const int threads = req.threads;
        const auto& rs = m_rules.rules();
        std::vector<MultiPolygon> flagged_geoms;
        std::vector<double> flagged_areas;
        for (std::size_t j : m_flagged) {
            flagged_geoms.push_back(m_piece_geoms[j]);
            flagged_areas.push_back(m_piece_areas[j]);
        }
        OverlapOptions fo = options("change patches", [this](std::size_t z, std::size_t f) {
            return describe_piece(z, m_flagged[f]);
        });
        fo.keep_pieces = true;
        const auto tri =
            find_overlaps(m_zones.geoms, flagged_geoms, m_zone_areas, flagged_areas, m_measure, fo);
        check_cancel(req.cancel);
        std::map<GroupKey, std::vector<std::size_t>> groups;
        for (std::size_t i = 0; i < tri.size(); ++i) {
            const Piece& pc = m_pieces[m_flagged[tri[i].b]];
            for (std::size_t r = 0; r < rs.size(); ++r)
                if (rs[r].matches(pc.from.code, pc.to.code))
                    groups[{tri[i].a, r, pc.from.code, pc.to.code}].push_back(i);
        }
        std::vector<const std::pair<const GroupKey, std::vector<std::size_t>>*> group_list;
        for (const auto& g : groups) group_list.push_back(&g);
        std::vector<GroupPatches> found(group_list.size());
        parallel_each(group_list.size(), threads, [&](std::size_t g) {
            if (req.cancel && req.cancel->cancelled()) return;
            found[g] = dissolve_group(group_list[g]->second, tri);
        });
        check_cancel(req.cancel);
        std::vector<MultiPolygon> patch_geoms;
        for (auto& f : found)
            for (auto& p : f.parts) patch_geoms.push_back(std::move(p));
        const std::vector<double> patch_areas = measure_areas(patch_geoms, *m_calc, threads);
        const std::vector<double> in_permitted = permitted_areas(patch_geoms, patch_areas);
        m_rep.summary.resize(rs.size());
        for (std::size_t r = 0; r < rs.size(); ++r) m_rep.summary[r].rule = rs[r].name;
        const Transformer to_geo = Transformer::to_geographic(m_lu0.layer.crs.wkt);
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
                row.status = m_rep.summary[r].count(
                    m_permitted.has_value() && row.permitted_share >= req.permitted_min_share,
                    row.area_m2 < req.mmu_m2, row.area_m2);
                if (req.patch_geometry) row.geometry = std::move(patch_geoms[at]);
                m_rep.names[c0] = name_of(CodeKey{false, c0});
                m_rep.names[c1] = name_of(CodeKey{false, c1});
                m_rep.patches.push_back(std::move(row));
            }
        }
        m_rep.zone_names = m_zones.ids;
    }

    void describe() {
        const SurveyChangeRequest& req = m_req;
        nlohmann::json rules_meta = nlohmann::json::array();
        for (const auto& r : m_rules.rules())
            rules_meta.push_back(
                {{"name", r.name}, {"from", r.from}, {r.to_except ? "to_except" : "to", r.to}});
        nlohmann::json& meta = m_rep.meta;
        meta = engine_provenance();
        meta["command"] = "change";
        meta["inputs"] = "vector";
        meta["t0"] = m_lu0.layer.describe(LayerRole::Overlay);
        meta["t1"] = m_lu1.layer.describe(LayerRole::Overlay);
        meta["zones"] = m_zones.describe(LayerRole::Overlay);
        if (req.dissolve || !req.dissolve_by.empty())
            meta["dissolve"] =
                req.dissolve ? std::string("all") : "by field '" + req.dissolve_by + "'";
        meta["permitted"] =
            m_permitted ? m_permitted->describe(LayerRole::Overlay) : nlohmann::json(nullptr);
        meta["class_field"] = req.class_field;
        meta["rules"] = {
            {"source", m_rules.source()}, {"rules", rules_meta}, {"match", "code prefix"}};
        meta["class_table"] = m_codes ? nlohmann::json(m_codes->id()) : nlohmann::json(nullptr);
        meta["mmu_m2"] = req.mmu_m2;
        meta["permitted_min_share"] = req.permitted_min_share;
        meta["on_overlap"] = on_overlap_name(req.on_overlap);
        meta["overlaps"] = {{"t0", m_overlaps[0]}, {"t1", m_overlaps[1]}};
        meta["area_convention"] = area_convention_name(m_rep.convention);
        meta["area_method"] = m_calc->prototype().description();
        if (m_rep.convention == AreaConvention::Geodesic) meta["densify_m"] = req.policy.densify_m;
        meta["ellipsoid"] = m_calc->prototype().ellipsoid();
        meta["area_unit"] = "m2";
        meta["cells"] = "number of pieces (zone ∩ t0 parcel ∩ t1 parcel) of the row";
        meta["warnings"] = render_for_cli(m_rep.warnings);  // files: the CLI's words
    }

    const SurveyChangeRequest& m_req;
    const SurveyChangeRules m_rules;
    std::optional<LandUseCodes> m_codes;
    LandUseLayer m_lu0, m_lu1;
    PolygonLayer m_zones;
    std::optional<PolygonLayer> m_permitted;
    std::optional<ConcurrentAreaCalculator> m_calc;
    AreaFunction m_measure;
    std::vector<double> m_areas[2], m_zone_areas;
    std::size_t m_overlaps[2] = {0, 0};  // overlapping parcel pairs of each year
    std::vector<Piece> m_pieces;         // parcel_t0 ∩ parcel_t1, then each year's rest
    std::vector<MultiPolygon> m_piece_geoms;
    std::vector<double> m_piece_areas;
    std::vector<std::size_t> m_flagged;  // pieces (parcel_t0 ∩ parcel_t1) some rule flags
    SurveyChangeReport m_rep;
};

}  // namespace

SurveyChangeReport run_survey_change(const SurveyChangeRequest& req) {
    if (req.dissolve && !req.dissolve_by.empty())
        fail(ErrorKind::InvalidInput, REDLINE_FLAG("dissolve") " and " REDLINE_OPTION(
                                          "dissolve_by") " exclude each other; pick one");
    if (!(req.mmu_m2 >= 0) || !std::isfinite(req.mmu_m2))
        fail(ErrorKind::InvalidInput,
             fmt::format(REDLINE_OPTION_VALUE("mmu_m2", "{}") " must be a finite area >= 0 (m2)",
                         req.mmu_m2));
    require_permitted_min_share(req.permitted_min_share);
    return SurveyChangeRun(req).run();
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
