#include "redline/ops/tabulate/tabulate.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>

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
#include "redline/ops/tabulate/parcel_chunks.hpp"

namespace redline {
namespace {

constexpr const char* kUncovered = "uncovered";

struct ClassSums {
    ExactAreaSum area;
    ExactAreaSum net;
    std::size_t parcels = 0;
};

// Per zone: the class sums and the uncovered area (the zone's area until parcels meet it).
struct ZoneTotals {
    std::vector<std::map<std::string, ClassSums>> sums;
    std::vector<double> uncovered;
};

// Thrown inside the chunked run when it cannot give what reading the whole layer gives (overlaps,
// parcels repaired, warnings per parcel, features no chunk owns): the whole layer is read instead.
struct NotChunkable {};

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

namespace {

void check_request(const TabulateRequest& req) {
    if (req.dissolve && !req.dissolve_by.empty())
        fail(ErrorKind::InvalidInput, REDLINE_FLAG("dissolve") " and " REDLINE_OPTION(
                                          "dissolve_by") " exclude each other; pick one");
    if (req.level < 0 || req.level > 2)
        fail(ErrorKind::InvalidInput,
             fmt::format(REDLINE_OPTION("level") " must be 1 or 2 (or left out), got {}",
                         req.level));
}

LandUseReadOptions read_options(const TabulateRequest& req) {
    LandUseReadOptions ro;
    ro.class_field = req.class_field;
    ro.deduct_field = req.deduct_field;
    ro.check_field = req.check_field;
    ro.policy = req.policy;
    ro.progress = req.progress;
    return ro;
}

// The codes at the requested level (InvalidInput for a code without two leading digits).
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

// Zone x parcel pieces of the zones zone_index[k] (geometry zgeoms[k], area zareas[k]) with
// every parcel of `lu`, added to `t`; then each of these zones' uncovered area: zone minus the
// union of its parcels, measured (exactly 0 when covered). When the parcels' shared edges prove
// that the zone is covered (geom/coverage_edges.hpp), the answer is 0 without the union;
// otherwise (a gap, a T-junction, a multipolygon zone) the union is measured.
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

// Rows, gap warning and metadata from the zones' totals. `landuse` describes the layer.
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

// The zones, the report begun and the area calculator of a land-use layer.
struct Setup {
    PolygonLayer zones;
    TabulateReport rep;
    ConcurrentAreaCalculator calc;
};

// Conforms `lu` (its parcels as read; none for the chunked run's first read), reads the zones
// into its CRS and begins the report.
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

// Every parcel held at once.
TabulateReport tabulate_whole_layer(const TabulateRequest& req,
                                    const std::optional<LandUseCodes>& codes) {
    const LayerPolicy& policy = req.policy;
    const int threads = req.threads;
    LandUseLayer lu = read_land_use_layer(req.landuse, read_options(req));
    apply_level(lu, req);
    Setup setup = set_up(req, codes, lu);
    const PolygonLayer& zones = setup.zones;
    TabulateReport& rep = setup.rep;
    const ConcurrentAreaCalculator& calc = setup.calc;
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

    ZoneTotals t;
    t.sums.resize(zones.size());
    t.uncovered.assign(zones.size(), 0.0);
    std::vector<std::size_t> all_zones(zones.size());
    for (std::size_t z = 0; z < zones.size(); ++z) all_zones[z] = z;
    add_zone_pieces(zones.geoms, zone_areas, all_zones, zones, lu, parcel_areas, calc, req,
                    req.progress, t);
    finish_report(rep, req, zones, t, codes, lu.text, lu.layer.describe(LayerRole::Overlay),
                  check_method);
    return std::move(rep);
}

// The parcels in feature-id order (a spatial filter returns them in its index's order).
void sort_by_fid(LandUseLayer& lu) {
    if (std::is_sorted(lu.fids.begin(), lu.fids.end())) return;
    std::vector<std::size_t> order(lu.fids.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t x, std::size_t y) { return lu.fids[x] < lu.fids[y]; });
    const auto permute = [&](auto& v) {
        if (v.empty()) return;
        std::remove_reference_t<decltype(v)> out;
        out.reserve(v.size());
        for (std::size_t i : order) out.push_back(std::move(v[i]));
        v = std::move(out);
    };
    permute(lu.fids);
    permute(lu.layer.ids);
    permute(lu.layer.groups);
    permute(lu.layer.geoms);
    permute(lu.classes);
    permute(lu.coefficients);
    permute(lu.recorded);
}

// The first vertex of a geometry as read (the point that assigns a parcel to its chunk).
std::optional<Point> first_vertex(const MultiPolygon& mp) {
    for (const auto& poly : mp.polygons)
        for (const auto& ring : poly.rings)
            if (!ring.empty()) return ring.front();
    return std::nullopt;
}

// The layer read by spatial chunks (docs/land-use-survey.md "Memory: spatial chunks"), or
// nullopt when that does not apply (a small layer, no spatial index, a driver whose feature ids
// need not follow file order) or cannot give the whole-layer result (NotChunkable, or any error:
// the whole-layer run then reports it in feature order).
std::optional<TabulateReport> tabulate_by_chunks(const TabulateRequest& req,
                                                 const std::optional<LandUseCodes>& codes,
                                                 std::size_t per_chunk) {
    const LayerPolicy& policy = req.policy;
    const int threads = req.threads;
    const LayerScan scan = scan_layer(parse_layer_ref(req.landuse));
    if ((scan.driver != "GPKG" && scan.driver != "ESRI Shapefile") || !scan.fast_spatial_filter ||
        scan.features <= static_cast<std::int64_t>(per_chunk) || scan.extent.empty())
        return std::nullopt;

    // The layer's CRS, text and warnings: a read whose filter, beyond the extent, returns none.
    LandUseReadOptions ro = read_options(req);
    ro.progress = nullptr;
    const double far =
        1 + (scan.extent.xmax - scan.extent.xmin) + (scan.extent.ymax - scan.extent.ymin);
    ro.spatial_filter = Box{scan.extent.xmax + far, scan.extent.ymax + far, scan.extent.xmax + far,
                            scan.extent.ymax + far};
    LandUseLayer head = read_land_use_layer(req.landuse, ro);
    if (!head.layer.geoms.empty()) return std::nullopt;
    Setup setup = set_up(req, codes, head);
    const PolygonLayer& zones = setup.zones;
    TabulateReport& rep = setup.rep;
    const ConcurrentAreaCalculator& calc = setup.calc;
    rep.parcels = static_cast<std::size_t>(scan.features);
    std::optional<ConcurrentAreaCalculator> survey;
    std::string check_method = rep.area_method;
    if (!req.check_field.empty() && rep.convention != AreaConvention::Survey) {
        survey.emplace(head.layer.crs, policy.densify_m, AreaConvention::Survey);
        check_method = survey->prototype().description();
    }
    const std::vector<double> zone_areas = measure_areas(zones.geoms, calc, threads);

    // Each zone belongs to the cell of its bounding box's centre.
    const ParcelChunkGrid grid(scan.extent, scan.features, per_chunk);
    std::vector<std::vector<std::size_t>> cell_zones(grid.size());
    for (std::size_t z = 0; z < zones.size(); ++z) {
        const Box b = zones.geoms[z].bounds();
        const Point c = b.empty() ? Point{scan.extent.xmin, scan.extent.ymin}
                                  : Point{(b.xmin + b.xmax) / 2, (b.ymin + b.ymax) / 2};
        cell_zones[grid.cell_of(c)].push_back(z);
    }

    ZoneTotals t;
    t.sums.resize(zones.size());
    t.uncovered = zone_areas;  // zones no parcel meets
    AreaCheck check;
    std::vector<std::pair<std::int64_t, AreaCheckRow>> check_rows;
    std::int64_t owned_total = 0;
    for (std::size_t cell = 0; cell < grid.size(); ++cell) {
        if (req.cancel && req.cancel->cancelled())
            throw Error(ErrorKind::Cancelled, "interrupted; no output was written");
        if (req.progress) req.progress->update(cell, grid.size(), "tabulate chunks");
        // Q: the cell and its zones. Every parcel owned here (its first vertex in the cell) or
        // meeting one of these zones meets Q; B, the box of the parcels meeting Q, holds them,
        // so the parcels meeting B include every parcel that overlaps one of them.
        Box q = grid.rect(cell);
        for (std::size_t z : cell_zones[cell]) q.expand(zones.geoms[z].bounds());
        const Box b = filtered_extent(parse_layer_ref(req.landuse), q);
        if (b.empty()) continue;
        ro.spatial_filter = b;
        LandUseLayer lu = read_land_use_layer(req.landuse, ro);
        sort_by_fid(lu);
        const std::size_t n = lu.layer.size();
        std::vector<std::uint8_t> own(n, 0);
        for (std::size_t i = 0; i < n; ++i) {
            const auto v = first_vertex(lu.layer.geoms[i]);
            if (v && grid.cell_of(*v) == cell) {
                own[i] = 1;
                ++owned_total;
            }
        }
        apply_level(lu, req);
        conform(lu.layer, lu.layer.crs, lu.text, policy, threads);
        if (lu.layer.repaired > 0 || lu.layer.warnings != head.layer.warnings) throw NotChunkable{};

        std::vector<double> parcel_areas = measure_areas(lu.layer.geoms, calc, threads);
        if (!req.check_field.empty()) {
            std::vector<double> survey_areas;
            if (survey) survey_areas = measure_areas(lu.layer.geoms, *survey, threads);
            AreaCheck c = check_parcel_areas(req.check_field, req.check_tolerance, lu.layer.ids,
                                             lu.classes, lu.layer.geoms, lu.recorded,
                                             survey ? survey_areas : parcel_areas, own);
            check.checked += c.checked;
            check.missing += c.missing;
            check.max_abs_difference_m2 =
                std::max(check.max_abs_difference_m2, c.max_abs_difference_m2);
            // The layer has no id field: a parcel's id is its feature id.
            for (auto& r : c.rows) check_rows.emplace_back(std::stoll(r.parcel), std::move(r));
        }
        OverlapResolveOptions oro = overlap_resolve_options(req);
        oro.on_overlap = OnOverlap::First;
        oro.progress = nullptr;
        if (resolve_land_use_overlaps(lu, parcel_areas, calc, oro).overlaps > 0)
            throw NotChunkable{};

        std::vector<MultiPolygon> zgeoms;
        std::vector<double> zareas;
        for (std::size_t z : cell_zones[cell]) {
            zgeoms.push_back(zones.geoms[z]);
            zareas.push_back(zone_areas[z]);
        }
        if (!zgeoms.empty())
            add_zone_pieces(zgeoms, zareas, cell_zones[cell], zones, lu, parcel_areas, calc, req,
                            nullptr, t);
    }
    if (owned_total != scan.features) throw NotChunkable{};
    if (req.progress) req.progress->update(grid.size(), grid.size(), "tabulate chunks");

    if (!req.check_field.empty()) {
        std::stable_sort(check_rows.begin(), check_rows.end(),
                         [](const auto& x, const auto& y) { return x.first < y.first; });
        check.field = req.check_field;
        check.tolerance = req.check_tolerance;
        for (auto& [fid, r] : check_rows) check.rows.push_back(std::move(r));
        rep.check = std::move(check);
        rep.check.crs_wkt = head.layer.crs.wkt;
        rep.check.layer_text = head.text;
        if (!rep.check.rows.empty() || rep.check.missing > 0)
            rep.warnings.push_back(rep.check.message(req.max_examples));
    }
    head.layer.features = static_cast<std::size_t>(scan.features);
    finish_report(rep, req, zones, t, codes, head.text, head.layer.describe(LayerRole::Overlay),
                  check_method);
    return std::move(rep);
}

}  // namespace

TabulateReport run_tabulate(const TabulateRequest& req) {
    check_request(req);
    std::optional<LandUseCodes> codes;
    if (!req.classes.empty()) codes = LandUseCodes::load(req.classes);
    const std::size_t per_chunk =
        req.chunk_parcels > 0 ? req.chunk_parcels : default_chunk_parcels();
    try {
        if (auto rep = tabulate_by_chunks(req, codes, per_chunk)) return std::move(*rep);
    } catch (const NotChunkable&) {
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Cancelled) throw;
    }
    return tabulate_whole_layer(req, codes);
}

}  // namespace redline
