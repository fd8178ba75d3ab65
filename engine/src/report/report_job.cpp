#include "redline/report/report_job.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <future>
#include <map>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/sha256.hpp"
#include "redline/core/units.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geom/polygon_locator.hpp"
#include "redline/io/crs.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/io/layer_ref.hpp"
#include "redline/io/vector_layer.hpp"
#include "redline/report/indicators/indicator.hpp"
#include "redline/report/map_image.hpp"
#include "redline/report/report_context.hpp"
#include "redline/report/web_map.hpp"

namespace fs = std::filesystem;

namespace redline {
namespace {

std::string ellipsoid_of(const std::string& wkt) {
    if (wkt.empty()) return "";
    try {
        return describe_crs(wkt).ellipsoid_name;
    } catch (const Error&) {
        return "";
    }
}

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

namespace {

// Inputs (manifest and report): roles, files, sizes and CRSs; their SHA-256 digests are left to
// input_digests.
std::vector<ReportInputInfo> describe_inputs(ReportContext& ctx) {
    const ReportConfig& cfg = ctx.config();
    std::vector<ReportInputInfo> out;
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
        std::string wkt;
        if (role == "landcover_t0" || role == "landcover_t1")
            wkt = ctx.stage(role, [&] { return GdalRasterSource::open(path)->info().crs_wkt; });
        else if (role != "classes" && !role.ends_with(".design"))  // a JSON sidecar
            wkt = ctx.stage(role, [&] {
                return read_layer_crs(LayerRef{path, info.layer, value});
            });
        info.crs = crs_label_of(wkt);
        info.ellipsoid = ellipsoid_of(wkt);
        out.push_back(info);
    }
    return out;
}

// The SHA-256 digest of every input that is a regular file, each file hashed once (one GeoPackage
// may serve several roles). Hashing the national GeoPackage takes seconds on one core:
// compute_report runs this on a thread of its own beside the maps, which draw on one core.
std::map<std::string, std::string> input_digests(const std::vector<ReportInputInfo>& inputs) {
    std::map<std::string, std::string> digests;
    for (const auto& info : inputs) {
        std::error_code ec;
        if (fs::is_regular_file(info.path, ec) && !digests.count(info.path))
            digests.emplace(info.path, sha256_file_hex(info.path));
    }
    return digests;
}

// report.json's "land": the computed land area beside the official reference.
nlohmann::json land_summary(ReportContext& ctx) {
    const double land_m2 = ctx.layer("land").union_m2;
    const double reference_km2 = ctx.options().land_reference_km2;
    return {{"computed_km2", units::m2_to_km2(land_m2)},
            {"reference_km2", reference_km2},
            {"source", ctx.config().input("land")},
            {"difference_percent", 100.0 * (units::m2_to_km2(land_m2) / reference_km2 - 1.0)},
            {"denominator",
             "computed area of the land boundary; the official reference is reported beside it"}};
}

// The config's version of an indicator's spec (targets may be overridden).
IndicatorSpec spec_of(const ReportConfig& cfg, const std::string& id) {
    for (const auto& s : cfg.indicators())
        if (s.id == id) return s;
    return *find_default_indicator(id);
}

bool wants(const ReportConfig& cfg, const std::string& id) {
    for (const auto& s : cfg.indicators())
        if (s.id == id) return true;
    return false;
}

// The indicator's value, or -- an input missing -- "not computed" (an error when the config
// lists its indicators).
IndicatorResult run_indicator(ReportContext& ctx, const Indicator& ind) {
    const ReportConfig& cfg = ctx.config();
    for (const std::string& k : ind.needs())
        if (!cfg.has(k)) {
            if (cfg.indicators_explicit())
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: indicator '{}' needs inputs.{}, which the config "
                                 "does not give",
                                 cfg.where("indicators"), ind.id(), k));
            IndicatorResult r;
            r.spec = *find_default_indicator(ind.id());
            r.computed = false;
            r.reason = fmt::format("not computed: the config gives no inputs.{}", k);
            return r;
        }
    return ind.compute(ctx, spec_of(cfg, ind.id()));
}

// The per-region breakdown: one row per region, a column per layer or indicator computed.
void fill_regions(ReportContext& ctx, ReportResult& res) {
    const ReportConfig& cfg = ctx.config();
    const ReportRegions& regions = ctx.regions();
    const bool redline = cfg.has("redline"), cropland = cfg.has("cropland"),
               protected_on_land = cfg.has("protected") && cfg.has("land"),
               cover = ctx.has_land_cover(), change = ctx.change.has_value();
    res.region_columns = {"area_km2"};
    if (redline) res.region_columns.push_back("ecr_area_km2");
    if (cropland) res.region_columns.push_back("cropland_area_km2");
    if (protected_on_land) res.region_columns.push_back("protected_share_percent");
    if (cover) {
        res.region_columns.push_back("forest_coverage_percent");
        res.region_columns.push_back("cropland_cover_km2");
    }
    if (ctx.shoreline_computed) res.region_columns.push_back("natural_shoreline_share_percent");
    for (const auto& [column, values] : ctx.region_survey_columns)
        res.region_columns.push_back(column);
    if (change) {
        res.region_columns.push_back("violation_area_m2");
        res.region_columns.push_back("violation_patches");
    }
    res.regions.resize(regions.size());
    const int threads = ctx.threads();
    std::vector<double> redline_r, cropland_r, land_r, pa_land_r;
    if (redline) redline_r = ctx.region_areas("redline");
    if (cropland) cropland_r = ctx.region_areas("cropland");
    if (protected_on_land) {
        const DisjointUnion& pa_land = ctx.intersection("protected", "land");
        land_r = ctx.region_areas("land");
        pa_land_r = pa_land.overlap_areas_m2(regions.pointers, ctx.area_calculator(), threads,
                                             ctx.cancel());
    }
    std::vector<std::map<std::int64_t, double>> region_cover;  // per region: class -> m2
    if (cover) {
        region_cover.resize(regions.size());
        for (const auto& r : ctx.land_cover().rows)
            if (r.zone > 0 && !r.nodata) region_cover[r.zone - 1][r.klass] += r.area_m2;
    }
    const ClassTable& classes = ctx.classes();
    std::vector<PolygonLocator> locators;
    for (const auto& g : regions.geoms) locators.emplace_back(g);
    tbb::task_arena arena(resolve_threads(threads));
    arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, regions.size(), [&](std::size_t i) {
            ReportRegion& r = res.regions[i];
            r.name = regions.names[i];
            const double area = regions.pieces[i].area_m2();
            r.values["area_km2"] = units::m2_to_km2(area);
            if (redline) r.values["ecr_area_km2"] = units::m2_to_km2(redline_r[i]);
            if (cropland) r.values["cropland_area_km2"] = units::m2_to_km2(cropland_r[i]);
            if (protected_on_land)
                r.values["protected_share_percent"] =
                    num_or_null(land_r[i] > 0 ? 100.0 * pa_land_r[i] / land_r[i] : std::nan(""));
            if (cover) {
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
    if (ctx.shoreline_computed)
        for (std::size_t i = 0; i < regions.size(); ++i)
            res.regions[i].values["natural_shoreline_share_percent"] =
                num_or_null(ctx.region_shoreline_share[i]);
    for (const auto& [column, values] : ctx.region_survey_columns)
        for (std::size_t i = 0; i < regions.size(); ++i) res.regions[i].values[column] = values[i];
    if (change) {
        std::vector<double> v_area(regions.size(), 0.0);
        std::vector<std::int64_t> v_count(regions.size(), 0);
        for (const auto& p : ctx.change->patches) {
            if (p.status == "permitted") continue;
            for (std::size_t i = 0; i < locators.size(); ++i)
                if (locators[i].covers(Point{p.x, p.y})) {
                    v_area[i] += p.area_m2;
                    ++v_count[i];
                    break;
                }
        }
        for (std::size_t i = 0; i < regions.size(); ++i) {
            res.regions[i].values["violation_area_m2"] = v_area[i];
            res.regions[i].values["violation_patches"] = v_count[i];
        }
    }
    ctx.lap("regions: per-region values");
}

// The map: land-cover background, land, regions, the redline outline and the change patches.
ReportMap draw_map(ReportContext& ctx) {
    const ReportConfig& cfg = ctx.config();
    MapLayers ml;
    ml.extent = ctx.map_extent();
    if (auto t1 = ctx.current_landcover()) {
        ml.raster_path = t1->info().path;
        ml.raster_band = t1->info().band;
    }
    ml.classes = &ctx.classes();
    if (cfg.has("land")) ml.land = &ctx.layer("land").uni.pieces();
    for (const auto& g : ctx.regions().geoms) ml.regions.push_back(&g);
    if (cfg.has("redline")) ml.redline = &ctx.redline_outline();
    if (ctx.change)
        for (const auto& p : ctx.change->patches) ml.patches.push_back({Point{p.x, p.y}, p.status});
    ReportMap map;
    if (!ml.extent.empty()) map = render_map(ml, ctx.run().map_width);
    ctx.lap("map");
    return map;
}

}  // namespace

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

    ReportContext ctx(cfg, ro);
    res.inputs = describe_inputs(ctx);
    ctx.lap("inputs (CRSs)");
    ctx.current_landcover();  // the reference frame
    if (cfg.has("land")) {
        res.land = land_summary(ctx);
        ctx.lap("land: read, dissolve, area");
    }
    if (cfg.has("regions")) {
        ctx.regions();
        ctx.lap("regions: read, dissolve");
    }
    // Indicators reading their own inputs first, then the planning layers, then the others.
    std::map<std::string, IndicatorResult> results;
    for (const bool own : {true, false}) {
        if (!own) ctx.read_planning_layers();
        for (const auto& ind : report_indicators())
            if (ind->reads_own_inputs() == own && wants(cfg, ind->id()))
                results[ind->id()] = run_indicator(ctx, *ind);
    }
    if (!ctx.regions().empty()) fill_regions(ctx, res);
    for (const auto& s : cfg.indicators()) {
        auto it = results.find(s.id);
        if (it != results.end()) res.indicators.push_back(it->second);
    }
    res.change_matrix = ctx.change_matrix;
    res.warnings = render_for_cli(ctx.warnings());  // report files: the CLI's words
    auto digests = std::async(std::launch::async, input_digests, std::cref(res.inputs));
    res.map = draw_map(ctx);
    res.web_map = web_map_layers(ctx);
    ctx.lap("interactive map");
    const std::map<std::string, std::string> sha = digests.get();
    for (auto& info : res.inputs) {
        auto it = sha.find(info.path);
        if (it != sha.end()) info.sha256 = it->second;
    }
    ctx.lap("inputs' digests (beside the maps)");
    return res;
}

}  // namespace redline
