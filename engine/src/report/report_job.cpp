#include "redline/report/report_job.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "redline/core/class_table.hpp"
#include "redline/core/error.hpp"
#include "redline/core/exact_area_sum.hpp"
#include "redline/core/memory.hpp"
#include "redline/core/sha256.hpp"
#include "redline/core/units.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/geom/polygon_dissolve.hpp"
#include "redline/geom/polygon_locator.hpp"
#include "redline/io/crs.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/io/layer_ref.hpp"
#include "redline/io/vector_layer.hpp"
#include "redline/layers/conform.hpp"
#include "redline/layers/disjoint_union.hpp"
#include "redline/layers/layer_dissolve.hpp"
#include "redline/layers/layer_reading.hpp"
#include "redline/layers/polygon_layer.hpp"
#include "redline/ops/change/change.hpp"
#include "redline/ops/change/change_job.hpp"
#include "redline/ops/overlay/conflicts.hpp"
#include "redline/ops/shoreline/shoreline.hpp"
#include "redline/ops/zonal/zonal_job.hpp"
#include "redline/report/map_image.hpp"

namespace fs = std::filesystem;

namespace redline {
namespace {

// Runs `fn`, prefixing any engine error with the config location of `key`.
template <class F>
auto stage(const ReportConfig& cfg, const std::string& key, F&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Cancelled) throw;
        throw Error(e.kind() == ErrorKind::Io ? ErrorKind::Io : e.kind(),
                    cfg.where(key) + ": " + e.what());
    }
}

// A planning layer after its union: the features themselves are freed (a national cropland
// layer is gigabytes), the union is kept as interior-disjoint pieces for overlap areas.
struct Layer {
    PolygonLayer layer;  // as read and conformed; geoms emptied after the union
    DisjointUnion uni;   // union of all features
    double union_m2 = 0;
    double sum_m2 = 0;
};

std::string ellipsoid_of(const std::string& wkt) {
    if (wkt.empty()) return "";
    try {
        return describe_crs(wkt).ellipsoid_name;
    } catch (const Error&) {
        return "";
    }
}

// Per-stage wall times for --verbose: lap(name) logs the time since the previous lap.
class StageClock {
  public:
    explicit StageClock(const std::function<void(const std::string&)>& log) : m_log(log) {}
    void lap(const std::string& name) {
        const auto now = std::chrono::steady_clock::now();
        if (m_log)
            m_log(fmt::format("report: {} {:.1f} s", name,
                              std::chrono::duration<double>(now - m_last).count()));
        m_last = now;
    }

  private:
    const std::function<void(const std::string&)>& m_log;
    std::chrono::steady_clock::time_point m_last = std::chrono::steady_clock::now();
};

nlohmann::json num_or_null(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json ReportResult::to_json() const {
    nlohmann::json ind = nlohmann::json::array();
    for (const auto& i : indicators) ind.push_back(i.to_json());
    nlohmann::json regs = nlohmann::json::array();
    for (const auto& r : regions) {
        nlohmann::json row = {{"region", r.name}};
        for (const auto& c : region_columns)
            row[c] = r.values.contains(c) ? r.values[c] : nlohmann::json(nullptr);
        regs.push_back(row);
    }
    nlohmann::json ins = nlohmann::json::array();
    for (const auto& i : inputs)
        ins.push_back({{"role", i.role},
                       {"path", i.path},
                       {"layer", i.layer},
                       {"size", i.size},
                       {"sha256", i.sha256},
                       {"crs", i.crs},
                       {"ellipsoid", i.ellipsoid}});
    nlohmann::json j;
    j["title"] = title;
    j["year"] = year;
    j["indicators"] = ind;
    j["region_columns"] = region_columns;
    j["regions"] = regs;
    j["land"] = land;
    j["change_matrix"] = change_matrix;
    j["inputs"] = ins;
    j["options"] = options;
    j["warnings"] = warnings;
    j["areas"] = {{"unit", "m2 internally; km2 = 1e6 m2; 1 mu = 2000/3 m2; 1 yi mu = 1e8 mu"},
                  {"ellipsoid", "CGCS2000 (GRS80)"}};
    return j;
}

ReportResult compute_report(const ReportConfig& cfg, const ReportRunOptions& ro) {
    ReportResult res;
    res.title = cfg.title();
    res.year = cfg.year();
    const ReportOptions& opt = cfg.options();
    res.options = {{"reproject", opt.reproject},
                   {"make_valid", opt.make_valid},
                   {"mode", opt.mode},
                   {"mmu_pixels", opt.mmu_pixels},
                   {"connectivity", opt.connectivity},
                   {"min_overlap_m2", opt.min_overlap_m2},
                   {"land_reference_km2", opt.land_reference_km2},
                   {"shoreline_region_snap_m", opt.shoreline_region_snap_m}};
    if (!opt.encoding.empty()) res.options["encoding"] = opt.encoding;
    const int threads = ro.threads;
    StageClock clock(ro.log);
    const ClassTable classes =
        stage(cfg, "classes", [&] { return ClassTable::load(cfg.input("classes")); });
    auto need = [&](const std::string& id, std::initializer_list<const char*> keys) -> std::string {
        for (const char* k : keys)
            if (!cfg.has(k)) {
                if (cfg.indicators_explicit())
                    fail(ErrorKind::InvalidInput,
                         fmt::format("{}: indicator '{}' needs inputs.{}, which the config "
                                     "does not give",
                                     cfg.where("indicators"), id, k));
                return fmt::format("not computed: the config gives no inputs.{}", k);
            }
        return "";
    };
    auto wants = [&](const std::string& id) {
        for (const auto& s : cfg.indicators())
            if (s.id == id) return true;
        return false;
    };

    // Inputs: sizes, digests, CRSs (manifest and report). A file serving several roles (one
    // GeoPackage with every planning layer) is hashed once.
    std::map<std::string, std::string> digests;
    for (const auto& [role, path] : cfg.input_files()) {
        ReportInputInfo info;
        info.role = role;
        info.path = path;
        const std::string value = cfg.input(role);
        if (value.size() > path.size() && value.compare(0, path.size(), path) == 0 &&
            value[path.size()] == ':')
            info.layer = value.substr(path.size() + 1);
        std::error_code ec;
        info.size = fs::is_regular_file(path, ec) ? fs::file_size(path, ec) : 0;
        if (fs::is_regular_file(path, ec)) {
            auto it = digests.find(path);
            if (it == digests.end()) it = digests.emplace(path, sha256_file_hex(path)).first;
            info.sha256 = it->second;
        }
        std::string wkt;
        if (role == "landcover_t0" || role == "landcover_t1")
            wkt = stage(cfg, role, [&] { return GdalRasterSource::open(path)->info().crs_wkt; });
        else if (role != "classes")
            wkt = stage(cfg, role, [&] {
                return read_layer_crs(LayerRef{path, info.layer, value});
            });
        info.crs = crs_label_of(wkt);
        info.ellipsoid = ellipsoid_of(wkt);
        res.inputs.push_back(info);
    }

    clock.lap("inputs (digests, CRSs)");
    // Reference frame.
    std::shared_ptr<const RasterSource> t1;
    if (cfg.has("landcover_t1"))
        t1 = stage(cfg, "landcover_t1",
                   [&] { return GdalRasterSource::open(cfg.input("landcover_t1")); });
    // The CRS every layer is brought into (t1's, else the first layer's) and its name.
    Crs ref_crs;
    std::string ref_label;
    LayerPolicy lo = LayerPolicy::overlay();
    lo.reproject = opt.reproject;
    lo.make_valid = opt.make_valid;
    lo.naming.option_prefix = "options.";
    lo.naming.crs_option = "";  // a report config has no CRS option: the files must declare theirs
    lo.encoding = opt.encoding;
    auto read_layer = [&](const std::string& key, const std::string& group_field = "") {
        return stage(cfg, key, [&] {
            LayerFields fields;
            fields.group = group_field;
            fields.unique_ids = false;
            Layer l;
            l.layer = load_polygon_layer(cfg.input(key), fields, lo);
            if (ref_crs.empty()) {
                ref_crs = l.layer.crs;
                ref_label = fmt::format("layer '{}' in '{}'", l.layer.label, l.layer.path);
            }
            conform(l.layer, ref_crs, ref_label, lo, threads);
            for (const auto& w : l.layer.warnings) res.warnings.push_back(w);
            return l;
        });
    };
    if (t1) {
        ref_crs = make_crs(t1->info().crs_wkt, t1->info().crs_label);
        ref_label = fmt::format("raster '{}' ({})", t1->info().path, t1->info().crs_label);
    }
    const ConcurrentAreaCalculator* calc_ptr = nullptr;
    std::unique_ptr<ConcurrentAreaCalculator> calc;
    auto unite = [&](Layer& l) {
        if (!calc) {
            calc = std::make_unique<ConcurrentAreaCalculator>(ref_crs, 100.0);
            calc_ptr = calc.get();
        }
        std::vector<const MultiPolygon*> parts;
        for (const auto& g : l.layer.geoms) parts.push_back(&g);
        MultiPolygon uni = dissolve(parts, threads);
        ExactAreaSum sum;
        for (const auto& a : measure_area_sums(l.layer.geoms, *calc_ptr, threads)) sum.add(a);
        l.sum_m2 = sum.value();
        std::vector<MultiPolygon>().swap(l.layer.geoms);
        release_free_memory();
        l.uni = DisjointUnion(std::move(uni), *calc_ptr, threads);
        l.union_m2 = l.uni.area_m2();
    };

    std::optional<Layer> land, redline, cropland, protected_l, urban;
    if (cfg.has("land")) {
        land = read_layer("land");
        unite(*land);
        clock.lap("land: read, dissolve, area");
        res.land = {
            {"computed_km2", units::m2_to_km2(land->union_m2)},
            {"reference_km2", opt.land_reference_km2},
            {"source", cfg.input("land")},
            {"difference_percent",
             100.0 * (units::m2_to_km2(land->union_m2) / opt.land_reference_km2 - 1.0)},
            {"denominator",
             "computed area of the land boundary; the official reference is reported beside it"}};
    }

    std::map<std::string, IndicatorResult> results;
    auto skip = [&](const std::string& id, const std::string& reason) {
        IndicatorResult r;
        r.spec = *find_default_indicator(id);
        r.computed = false;
        r.reason = reason;
        results[id] = r;
    };
    auto spec_of = [&](const std::string& id) {
        for (const auto& s : cfg.indicators())
            if (s.id == id) return s;
        return *find_default_indicator(id);
    };

    // Regions (per-region breakdown).
    std::vector<std::string> region_names;
    std::vector<MultiPolygon> region_geoms;
    std::vector<DisjointUnion> region_pieces;
    std::vector<const DisjointUnion*> region_ptrs;
    if (cfg.has("regions")) {
        if (!cfg.has("regions_id"))
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}: inputs.regions needs inputs.regions_id (the field naming "
                             "each region)",
                             cfg.where("regions")));
        Layer reg = read_layer("regions", cfg.input("regions_id"));
        DissolveBy by;
        by.field = cfg.input("regions_id");
        dissolve_layer(reg.layer, by, 1);
        region_names = std::move(reg.layer.ids);
        region_geoms = std::move(reg.layer.geoms);
        if (!calc)
            calc = std::make_unique<ConcurrentAreaCalculator>(ref_crs, 100.0),
            calc_ptr = calc.get();
        for (const auto& g : region_geoms) region_pieces.emplace_back(g, *calc_ptr, threads);
        for (const auto& r : region_pieces) region_ptrs.push_back(&r);
        clock.lap("regions: read, dissolve");
    }
    // Overlap areas of a layer with every region: one pass over polygon pairs.
    auto by_region = [&](const DisjointUnion& u) {
        return u.overlap_areas_m2(region_ptrs, *calc_ptr, threads, ro.cancel);
    };

    // three_lines_overlap
    if (wants("three_lines_overlap")) {
        if (auto why = need("three_lines_overlap", {"redline", "cropland", "urban"}); !why.empty())
            skip("three_lines_overlap", why);
        else {
            ConflictsRequest cr;
            cr.layers = {cfg.input("redline"), cfg.input("cropland"), cfg.input("urban")};
            cr.min_area_m2 = opt.min_overlap_m2;
            cr.policy = lo;
            cr.threads = threads;
            cr.cancel = ro.cancel;
            const ConflictsReport rep = stage(cfg, "urban", [&] { return run_conflicts(cr); });
            double total = 0;
            std::size_t count = 0;
            nlohmann::json pairs = nlohmann::json::array();
            for (const auto& s : rep.summaries) {
                total += s.area_m2;
                count += s.conflicts;
                pairs.push_back({{"layer_a", rep.layer_labels[s.layer_a]},
                                 {"layer_b", rep.layer_labels[s.layer_b]},
                                 {"conflicts", s.conflicts},
                                 {"area_m2", s.area_m2},
                                 {"slivers", s.slivers},
                                 {"sliver_area_m2", s.sliver_area_m2}});
            }
            for (const auto& w : rep.warnings) res.warnings.push_back(w);
            release_free_memory();  // the three layers it read
            clock.lap("three_lines_overlap: conflicts");
            results["three_lines_overlap"] = evaluate(
                spec_of("three_lines_overlap"), total,
                {{"pairs", pairs}, {"conflicts", count}, {"min_overlap_m2", opt.min_overlap_m2}});
        }
    }

    // Planning layers: union, area, overlap with each region; a union only needed for its areas
    // (cropland, urban) is freed at once, so at most the redline's is held through the raster
    // stages.
    std::vector<double> redline_r, cropland_r;
    auto read_union = [&](const std::string& key, std::optional<Layer>& slot,
                          std::vector<double>* per_region, bool keep_union) {
        if (cfg.has(key)) {
            slot = read_layer(key);
            unite(*slot);
            if (per_region && !region_ptrs.empty()) *per_region = by_region(slot->uni);
            if (!keep_union) {
                slot->uni = DisjointUnion();
                release_free_memory();
            }
            clock.lap(key + ": read, dissolve, area");
        }
    };
    read_union("redline", redline, &redline_r, true);
    read_union("cropland", cropland, &cropland_r, false);
    read_union("protected", protected_l, nullptr, true);
    read_union("urban", urban, nullptr, false);
    const Box map_extent = t1     ? t1->info().grid.extent()
                           : land ? land->uni.merged().bounds()
                                  : Box{};
    std::vector<MultiPolygon> redline_outline;  // thinned for the map (thin_for_map)

    // ecr_area
    std::optional<DisjointUnion> pa_land;  // protected areas on land
    if (wants("ecr_area")) {
        if (auto why = need("ecr_area", {"redline"}); !why.empty())
            skip("ecr_area", why);
        else {
            nlohmann::json d = {{"union_m2", redline->union_m2},
                                {"sum_of_parts_m2", redline->sum_m2},
                                {"overlap_m2", redline->sum_m2 - redline->union_m2},
                                {"features", redline->layer.features}};
            if (land) {
                const double on_land =
                    redline->uni.overlap_area_m2(land->uni, *calc_ptr, threads, ro.cancel);
                d["land_part_km2"] = units::m2_to_km2(on_land);
                d["marine_part_km2"] = units::m2_to_km2(redline->union_m2 - on_land);
                d["land_part_share_of_land_percent"] = 100.0 * on_land / land->union_m2;
            }
            clock.lap("ecr_area: redline on land");
            results["ecr_area"] =
                evaluate(spec_of("ecr_area"), units::m2_to_km2(redline->union_m2), d);
        }
    }
    if (wants("cropland_area")) {
        if (auto why = need("cropland_area", {"cropland"}); !why.empty())
            skip("cropland_area", why);
        else {
            const double m2 = cropland->union_m2;
            nlohmann::json d = {{"union_m2", m2},
                                {"yi_mu", units::m2_to_yi_mu(m2)},
                                {"mu", units::m2_to_mu(m2)},
                                {"sum_of_parts_m2", cropland->sum_m2},
                                {"features", cropland->layer.features}};
            results["cropland_area"] = evaluate(spec_of("cropland_area"), units::m2_to_km2(m2), d);
        }
    }
    if (wants("protected_area_share")) {
        if (auto why = need("protected_area_share", {"protected", "land"}); !why.empty())
            skip("protected_area_share", why);
        else {
            pa_land = protected_l->uni.intersection(land->uni, *calc_ptr, threads, ro.cancel);
            const double on_land = pa_land->area_m2();
            nlohmann::json d = {{"protected_union_km2", units::m2_to_km2(protected_l->union_m2)},
                                {"protected_on_land_km2", units::m2_to_km2(on_land)},
                                {"land_area_km2", units::m2_to_km2(land->union_m2)},
                                {"share_of_reference_land_percent",
                                 100.0 * units::m2_to_km2(on_land) / opt.land_reference_km2}};
            clock.lap("protected_area_share: protected on land");
            results["protected_area_share"] =
                evaluate(spec_of("protected_area_share"), 100.0 * on_land / land->union_m2, d);
        }
    }

    // Land-cover proxies (zonal over the land and over the regions).
    std::vector<std::map<std::int64_t, double>> region_cover;  // per region: class -> m2
    if (wants("cropland_cover") || wants("forest_coverage")) {
        const std::string why = !need("forest_coverage", {"landcover_t1", "land"}).empty()
                                    ? need("forest_coverage", {"landcover_t1", "land"})
                                    : "";
        if (!why.empty()) {
            if (wants("cropland_cover")) skip("cropland_cover", why);
            if (wants("forest_coverage")) skip("forest_coverage", why);
        } else {
            ZonalJobOptions zo;
            zo.mode = opt.mode;
            zo.classes = cfg.input("classes");
            // One raster pass for the land and every region (zone 0 = the land, 1.. = regions).
            PolygonLayer lz;
            lz.label = region_names.empty() ? "land" : "land and regions";
            lz.path = cfg.input("land");
            lz.crs = ref_crs;
            lz.source_crs_label = ref_crs.label;
            lz.ids = {"land"};
            lz.geoms = {land->uni.merged()};
            lz.features = land->layer.features;
            for (std::size_t i = 0; i < region_names.size(); ++i) {
                lz.ids.push_back(region_names[i]);
                lz.geoms.push_back(region_geoms[i]);
            }
            const ZonalReport zr = stage(cfg, "landcover_t1", [&] {
                const ExecutionContext ctx{threads, ro.progress, ro.cancel};
                const ZonalJob job(t1, std::move(lz), zo, ctx);
                return job.report(job.run_local(ctx));
            });
            release_free_memory();
            clock.lap(region_names.empty() ? "cover: zonal over the land"
                                           : "cover: zonal over the land and the regions");
            region_cover.resize(region_names.size());
            for (const auto& r : zr.rows)
                if (r.zone > 0 && !r.nodata) region_cover[r.zone - 1][r.klass] += r.area_m2;
            std::map<std::int64_t, double> cover;
            double valid = 0, nodata = 0;
            for (const auto& r : zr.rows) {
                if (r.zone != 0) continue;
                if (r.nodata)
                    nodata += r.area_m2;
                else {
                    cover[r.klass] += r.area_m2;
                    valid += r.area_m2;
                }
            }
            auto group_area = [&](const std::map<std::int64_t, double>& m, const std::string& g) {
                double s = 0;
                for (const auto& [k, v] : m)
                    if (classes.in_group(k, g)) s += v;
                return s;
            };
            const double crop = group_area(cover, "cropland"), forest = group_area(cover, "forest");
            nlohmann::json common = {{"raster", cfg.input("landcover_t1")},
                                     {"class_table", classes.id()},
                                     {"raster_valid_km2", units::m2_to_km2(valid)},
                                     {"raster_nodata_km2", units::m2_to_km2(nodata)},
                                     {"land_area_km2", units::m2_to_km2(land->union_m2)}};
            if (wants("cropland_cover")) {
                nlohmann::json d = common;
                d["codes"] = classes.codes_of("cropland");
                d["share_of_land_percent"] = 100.0 * crop / land->union_m2;
                d["yi_mu"] = units::m2_to_yi_mu(crop);
                results["cropland_cover"] =
                    evaluate(spec_of("cropland_cover"), units::m2_to_km2(crop), d);
            }
            if (wants("forest_coverage")) {
                nlohmann::json d = common;
                d["codes"] = classes.codes_of("forest");
                d["forest_km2"] = units::m2_to_km2(forest);
                d["share_of_reference_land_percent"] =
                    100.0 * units::m2_to_km2(forest) / opt.land_reference_km2;
                results["forest_coverage"] =
                    evaluate(spec_of("forest_coverage"), 100.0 * forest / land->union_m2, d);
            }
            for (const auto& w : zr.warnings) res.warnings.push_back(w);
        }
    }

    // Shoreline.
    std::vector<double> region_shore(region_names.size(), std::nan(""));
    if (wants("natural_shoreline_share")) {
        if (auto why = need("natural_shoreline_share", {"shoreline", "shoreline_class_field"});
            !why.empty())
            skip("natural_shoreline_share", why);
        else {
            ShorelineRequest sr;
            sr.lines = cfg.input("shoreline");
            sr.class_field = cfg.input("shoreline_class_field");
            if (cfg.input_list("shoreline_natural").size())
                sr.natural_values = cfg.input_list("shoreline_natural");
            if (cfg.input_list("shoreline_estuary").size())
                sr.estuary_values = cfg.input_list("shoreline_estuary");
            if (cfg.input_list("shoreline_artificial").size())
                sr.artificial_values = cfg.input_list("shoreline_artificial");
            sr.mainland = cfg.input("shoreline_mainland");
            if (!region_names.empty()) {
                sr.by = cfg.input("regions");
                sr.by_id = cfg.input("regions_id");
                sr.by_snap_m = opt.shoreline_region_snap_m;
            }
            sr.reproject = opt.reproject;
            sr.make_valid = opt.make_valid;
            sr.encoding = opt.encoding;
            sr.crs_options = false;
            sr.option_prefix = "options.";
            sr.threads = threads;
            sr.cancel = ro.cancel;
            const ShorelineReport sh = stage(cfg, "shoreline", [&] { return run_shoreline(sr); });
            clock.lap("natural_shoreline_share: shoreline");
            const ShorelineTotals& t = sh.rows.at(0).totals;
            nlohmann::json d = {
                {"natural_km", t.natural_m / 1000.0},
                {"artificial_km", t.artificial_m / 1000.0},
                {"estuary_km", t.estuary_m / 1000.0},
                {"total_km", t.total_m() / 1000.0},
                {"lengths", "geodesic on CGCS2000; estuaries count in the total, not as natural"}};
            if (sh.has_mainland) d["island_km"] = t.island_m / 1000.0;
            results["natural_shoreline_share"] =
                evaluate(spec_of("natural_shoreline_share"), t.share_percent(), d);
            for (std::size_t i = 1; i < sh.rows.size(); ++i)
                for (std::size_t r = 0; r < region_names.size(); ++r)
                    if (sh.rows[i].region == region_names[r])
                        region_shore[r] = sh.rows[i].totals.share_percent();
            for (const auto& w : sh.warnings) res.warnings.push_back(w);
        }
    }

    // Change inside the redline.
    std::optional<ChangeReport> change;
    if (wants("ecr_nature_unchanged")) {
        if (auto why = need("ecr_nature_unchanged", {"landcover_t0", "landcover_t1", "redline"});
            !why.empty())
            skip("ecr_nature_unchanged", why);
        else {
            ChangeRequest cq;
            cq.t0 = cfg.input("landcover_t0");
            cq.t1 = cfg.input("landcover_t1");
            cq.zones = cfg.input("redline");
            cq.policy.reproject = opt.reproject;
            cq.policy.make_valid = opt.make_valid;
            cq.policy.naming.option_prefix = "options.";
            cq.policy.naming.crs_option = "";
            cq.policy.encoding = opt.encoding;
            cq.preset = "redline";
            cq.classes = cfg.input("classes");
            cq.mmu_pixels = opt.mmu_pixels;
            cq.connectivity = opt.connectivity;
            cq.permitted = cfg.input("permitted");
            cq.mode = opt.mode;
            cq.consume_geometry = true;
            // The change job takes the redline union computed above (no second read and
            // dissolve: union semantics, a cell under overlapping redline polygons counts once)
            // and consumes it while building its zone set; the map keeps a thinned outline.
            redline_outline = thin_for_map(redline->uni.pieces(), map_extent, ro.map_width);
            PolygonLayer rz;
            rz.label = redline->layer.label;
            rz.path = redline->layer.path;
            rz.crs = ref_crs;
            rz.source_crs_label = ref_crs.label;
            rz.ids = {"all"};
            rz.geoms = {redline->uni.take()};
            rz.features = redline->layer.features;
            change = stage(cfg, "landcover_t0", [&] {
                const ExecutionContext ctx{threads, ro.progress, ro.cancel};
                const ChangeJob job = ChangeJob::from_request(cq, std::move(rz), ctx);
                return job.report(job.run_local(ctx));
            });
            release_free_memory();
            clock.lap("ecr_nature_unchanged: change in the redline");
            double value = 0;
            std::map<std::string, std::pair<std::int64_t, double>> by_status;
            for (const auto& p : change->patches) {
                auto& s = by_status[p.status];
                ++s.first;
                s.second += p.area_m2;
                if (p.status != "permitted") value += p.area_m2;
            }
            std::vector<const ChangePatchRow*> largest;
            for (const auto& p : change->patches)
                if (p.status != "permitted") largest.push_back(&p);
            std::stable_sort(largest.begin(), largest.end(),
                             [](auto* a, auto* b) { return a->area_m2 > b->area_m2; });
            nlohmann::json top = nlohmann::json::array();
            for (std::size_t i = 0; i < largest.size() && i < 10; ++i) {
                const auto* p = largest[i];
                top.push_back({{"patch_id", p->patch_id},
                               {"zone", change->zone_names[p->zone]},
                               {"status", p->status},
                               {"from", p->from},
                               {"to", p->to},
                               {"pixels", p->pixels},
                               {"area_m2", p->area_m2},
                               {"lon", p->lon},
                               {"lat", p->lat}});
            }
            nlohmann::json d = {{"largest", top},
                                {"mmu_pixels", opt.mmu_pixels},
                                {"connectivity", opt.connectivity}};
            for (const char* st : {"violation", "below-mmu", "permitted"}) {
                const auto it = by_status.find(st);
                d[std::string(st) + "_patches"] = it == by_status.end() ? 0 : it->second.first;
                d[std::string(st) + "_m2"] = it == by_status.end() ? 0.0 : it->second.second;
            }
            results["ecr_nature_unchanged"] = evaluate(spec_of("ecr_nature_unchanged"), value, d);
            for (const auto& w : change->warnings) res.warnings.push_back(w);
            // Aggregated matrix over the redline, km2.
            std::set<std::int64_t> codes;
            std::map<std::pair<std::int64_t, std::int64_t>, double> agg;
            for (const auto& r : change->matrix) {
                codes.insert(r.from);
                codes.insert(r.to);
                agg[{r.from, r.to}] += units::m2_to_km2(r.area_m2);
            }
            std::vector<std::int64_t> cl(codes.begin(), codes.end());
            nlohmann::json names = nlohmann::json::array(), rows = nlohmann::json::array();
            for (auto c : cl) {
                auto n = classes.name_of(c);
                names.push_back(c == kNodataClass ? std::string("nodata")
                                : n               ? *n
                                                  : std::to_string(c));
            }
            for (auto a : cl) {
                nlohmann::json row = nlohmann::json::array();
                for (auto b : cl) {
                    auto it = agg.find({a, b});
                    row.push_back(it == agg.end() ? 0.0 : it->second);
                }
                rows.push_back(row);
            }
            res.change_matrix = {{"zones", "redline"}, {"classes", names}, {"areas_km2", rows}};
        }
    }

    // Per-region values.
    if (!region_names.empty()) {
        res.region_columns = {"area_km2"};
        if (redline) res.region_columns.push_back("ecr_area_km2");
        if (cropland) res.region_columns.push_back("cropland_area_km2");
        if (protected_l && land) res.region_columns.push_back("protected_share_percent");
        if (!region_cover.empty()) {
            res.region_columns.push_back("forest_coverage_percent");
            res.region_columns.push_back("cropland_cover_km2");
        }
        if (results.count("natural_shoreline_share") && results["natural_shoreline_share"].computed)
            res.region_columns.push_back("natural_shoreline_share_percent");
        if (change) {
            res.region_columns.push_back("violation_area_m2");
            res.region_columns.push_back("violation_patches");
        }
        res.regions.resize(region_names.size());
        std::vector<double> land_r, pa_land_r;
        if (protected_l && land) {
            if (!pa_land)
                pa_land = protected_l->uni.intersection(land->uni, *calc_ptr, threads, ro.cancel);
            land_r = by_region(land->uni);
            pa_land_r = by_region(*pa_land);
        }
        std::vector<PolygonLocator> locators;
        for (const auto& g : region_geoms) locators.emplace_back(g);
        tbb::task_arena arena(resolve_threads(threads));
        arena.execute([&] {
            tbb::parallel_for(std::size_t{0}, region_names.size(), [&](std::size_t i) {
                ReportRegion& r = res.regions[i];
                r.name = region_names[i];
                const double area = region_pieces[i].area_m2();
                r.values["area_km2"] = units::m2_to_km2(area);
                if (redline) r.values["ecr_area_km2"] = units::m2_to_km2(redline_r[i]);
                if (cropland) r.values["cropland_area_km2"] = units::m2_to_km2(cropland_r[i]);
                if (protected_l && land)
                    r.values["protected_share_percent"] = num_or_null(
                        land_r[i] > 0 ? 100.0 * pa_land_r[i] / land_r[i] : std::nan(""));
                if (!region_cover.empty()) {
                    double forest = 0, crop = 0;
                    for (const auto& [k, v] : region_cover[i]) {
                        if (classes.in_group(k, "forest")) forest += v;
                        if (classes.in_group(k, "cropland")) crop += v;
                    }
                    r.values["forest_coverage_percent"] =
                        num_or_null(area > 0 ? 100.0 * forest / area : std::nan(""));
                    r.values["cropland_cover_km2"] = units::m2_to_km2(crop);
                }
            });
        });
        for (std::size_t i = 0; i < region_names.size(); ++i) {
            if (std::find(res.region_columns.begin(), res.region_columns.end(),
                          "natural_shoreline_share_percent") != res.region_columns.end())
                res.regions[i].values["natural_shoreline_share_percent"] =
                    num_or_null(region_shore[i]);
        }
        if (change) {
            std::vector<double> v_area(region_names.size(), 0.0);
            std::vector<std::int64_t> v_count(region_names.size(), 0);
            for (const auto& p : change->patches) {
                if (p.status == "permitted") continue;
                for (std::size_t i = 0; i < locators.size(); ++i)
                    if (locators[i].covers(Point{p.x, p.y})) {
                        v_area[i] += p.area_m2;
                        ++v_count[i];
                        break;
                    }
            }
            for (std::size_t i = 0; i < region_names.size(); ++i) {
                res.regions[i].values["violation_area_m2"] = v_area[i];
                res.regions[i].values["violation_patches"] = v_count[i];
            }
        }
    }

    if (!region_names.empty()) clock.lap("regions: per-region values");
    for (const auto& s : cfg.indicators()) {
        auto it = results.find(s.id);
        if (it != results.end()) res.indicators.push_back(it->second);
    }

    // Map.
    MapLayers ml;
    ml.extent = map_extent;
    if (t1) {
        ml.raster_path = t1->info().path;
        ml.raster_band = t1->info().band;
    }
    ml.classes = &classes;
    if (land) ml.land = &land->uni.pieces();
    for (const auto& g : region_geoms) ml.regions.push_back(&g);
    if (redline && redline_outline.empty())
        redline_outline = thin_for_map(redline->uni.pieces(), map_extent, ro.map_width);
    if (redline) ml.redline = &redline_outline;
    if (change)
        for (const auto& p : change->patches) ml.patches.push_back({Point{p.x, p.y}, p.status});
    if (!ml.extent.empty()) res.map = render_map(ml, ro.map_width);
    clock.lap("map");
    return res;
}

}  // namespace redline
