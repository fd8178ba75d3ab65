#include "redline/report/report_context.hpp"

#include <fmt/format.h>

#include <chrono>

#include "redline/core/exact_area_sum.hpp"
#include "redline/core/memory.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/io/crs.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/layers/conform.hpp"
#include "redline/layers/layer_dissolve.hpp"
#include "redline/layers/layer_reading.hpp"
#include "redline/ops/overlay/area.hpp"
#include "redline/report/map_image.hpp"

namespace redline {

// Per-stage wall times for --verbose.
struct ReportContext::Clock {
    std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
};

ReportContext::ReportContext(const ReportConfig& config, const ReportRunOptions& run)
    : m_cfg(config), m_run(run), m_clock(std::make_unique<Clock>()) {
    m_classes = stage("classes", [&] { return ClassTable::load(m_cfg.input("classes")); });
    m_policy = LayerPolicy::overlay();
    m_policy.reproject = options().reproject;
    m_policy.make_valid = options().make_valid;
    m_policy.naming.config_prefix = "options.";
    m_policy.naming.crs_option = "";  // a report config has no CRS option: files declare theirs
    m_policy.encoding = options().encoding;
}

ReportContext::~ReportContext() = default;

void ReportContext::lap(const std::string& name) {
    const auto now = std::chrono::steady_clock::now();
    if (m_run.log)
        m_run.log(fmt::format("report: {} {:.1f} s", name,
                              std::chrono::duration<double>(now - m_clock->last).count()));
    m_clock->last = now;
}

void ReportContext::warn(const std::vector<std::string>& warnings) {
    m_warnings.insert(m_warnings.end(), warnings.begin(), warnings.end());
}

std::shared_ptr<const RasterSource> ReportContext::current_landcover() {
    if (!m_raster_opened) {
        m_raster_opened = true;
        if (m_cfg.has("landcover_t1")) {
            m_t1 = stage("landcover_t1",
                         [&] { return GdalRasterSource::open(m_cfg.input("landcover_t1")); });
            m_ref_crs = make_crs(m_t1->info().crs_wkt, m_t1->info().crs_label);
            m_ref_name = fmt::format("raster '{}' ({})", m_t1->info().path, m_t1->info().crs_label);
        }
    }
    return m_t1;
}

const Crs& ReportContext::reference_crs() {
    current_landcover();
    return m_ref_crs;
}

const std::string& ReportContext::reference_name() {
    current_landcover();
    return m_ref_name;
}

const ConcurrentAreaCalculator& ReportContext::area_calculator() {
    if (!m_calc) m_calc = std::make_unique<ConcurrentAreaCalculator>(reference_crs(), 100.0);
    return *m_calc;
}

void ReportContext::use_layer(const std::string& key, PolygonLayer layer) {
    if (m_layers.count(key))
        fail(ErrorKind::Internal, fmt::format("report: inputs.{} was already read", key));
    m_given[key] = std::move(layer);
}

void ReportContext::use_conformed_layer(const std::string& key, PolygonLayer layer) {
    // A layer the step transformed is read again: its warnings name the step's target CRS.
    if (m_layers.count(key) || m_given.count(key) || layer.reprojected) return;
    if (!m_ref_crs.empty() && !same_crs(layer.crs.wkt, m_ref_crs.wkt)) return;
    m_given_conformed[key] = std::move(layer);
}

namespace {

// Reads inputs.<key> (or takes the layer given for it) and conforms it to the reference CRS,
// which it becomes when there is none yet. A layer handed over already conformed (into what is
// still the reference CRS) is taken as it is.
PolygonLayer read_conformed(const ReportConfig& cfg, const std::string& key,
                            const std::string& group_field, const LayerPolicy& policy,
                            std::map<std::string, PolygonLayer>& given,
                            std::map<std::string, PolygonLayer>& given_conformed, Crs& ref_crs,
                            std::string& ref_name, int threads) {
    if (auto it = given_conformed.find(key); it != given_conformed.end()) {
        if (ref_crs.empty()) {
            ref_crs = it->second.crs;
            ref_name = fmt::format("layer '{}' in '{}'", it->second.label, it->second.path);
        }
        const bool taken = same_crs(it->second.crs.wkt, ref_crs.wkt);
        PolygonLayer layer = taken ? std::move(it->second) : PolygonLayer();
        given_conformed.erase(it);
        if (taken) return layer;
        release_free_memory();  // dropped: read below like any other
    }
    PolygonLayer layer;
    if (auto it = given.find(key); it != given.end()) {
        layer = std::move(it->second);
        given.erase(it);
    } else {
        LayerFields fields;
        fields.group = group_field;
        fields.unique_ids = false;
        layer = load_polygon_layer(cfg.input(key), fields, policy);
    }
    if (ref_crs.empty()) {
        ref_crs = layer.crs;
        ref_name = fmt::format("layer '{}' in '{}'", layer.label, layer.path);
    }
    conform(layer, ref_crs, ref_name, policy, threads);
    return layer;
}

}  // namespace

void ReportContext::unite(const std::string& key, ReportLayer& l) {
    const ConcurrentAreaCalculator& calc = area_calculator();
    std::vector<const MultiPolygon*> parts;
    for (const auto& g : l.layer.geoms) parts.push_back(&g);
    ExactAreaSum sum;
    for (const auto& a : measure_area_sums(l.layer.geoms, calc, threads())) sum.add(a);
    UnionArea u = measure_union(parts, sum, calc, threads());
    std::vector<MultiPolygon>().swap(l.layer.geoms);
    release_free_memory();
    l.uni = std::move(u.pieces);
    l.union_m2 = u.area_m2;
    l.sum_m2 = u.sum_m2;
    ++m_union_count[key];
}

ReportLayer& ReportContext::layer(const std::string& key) {
    if (auto it = m_layers.find(key); it != m_layers.end()) return it->second;
    if (!m_cfg.has(key) && !m_given.count(key))
        fail(ErrorKind::InvalidInput,
             fmt::format("{}: the report needs inputs.{}, which the config does not give",
                         m_cfg.path(), key));
    current_landcover();
    ReportLayer l;
    l.layer = stage(key, [&] {
        return read_conformed(m_cfg, key, "", m_policy, m_given, m_given_conformed, m_ref_crs,
                              m_ref_name, threads());
    });
    warn(l.layer.warnings);
    unite(key, l);
    return m_layers.emplace(key, std::move(l)).first->second;
}

void ReportContext::read_planning_layers() {
    struct Step {
        const char* key;
        bool per_region;
        bool keep_union;
    };
    for (const Step& s : {Step{"redline", true, true}, Step{"cropland", true, false},
                          Step{"protected", false, true}, Step{"urban", false, false}}) {
        if (!m_cfg.has(s.key)) continue;
        layer(s.key);
        if (s.per_region) region_areas(s.key);
        if (!s.keep_union) release_union(s.key);
        lap(std::string(s.key) + ": read, dissolve, area");
    }
}

void ReportContext::release_union(const std::string& key) {
    ReportLayer& l = layer(key);
    l.uni = DisjointUnion();
    l.released = true;
    release_free_memory();
}

std::size_t ReportContext::unions_computed(const std::string& key) const {
    const auto it = m_union_count.find(key);
    return it == m_union_count.end() ? 0 : it->second;
}

const ReportRegions& ReportContext::regions() {
    if (m_regions) return *m_regions;
    m_regions.emplace();
    if (!m_cfg.has("regions")) return *m_regions;
    if (!m_cfg.has("regions_id"))
        fail(ErrorKind::InvalidInput,
             fmt::format("{}: inputs.regions needs inputs.regions_id (the field naming each "
                         "region)",
                         m_cfg.where("regions")));
    ReportRegions& r = *m_regions;
    current_landcover();
    PolygonLayer reg = stage("regions", [&] {
        return read_conformed(m_cfg, "regions", m_cfg.input("regions_id"), m_policy, m_given,
                              m_given_conformed, m_ref_crs, m_ref_name, threads());
    });
    warn(reg.warnings);
    DissolveBy by;
    by.field = m_cfg.input("regions_id");
    dissolve_layer(reg, by, 1);
    r.names = std::move(reg.ids);
    r.geoms = std::move(reg.geoms);
    const ConcurrentAreaCalculator& calc = area_calculator();
    for (const auto& g : r.geoms) r.pieces.emplace_back(g, calc, threads());
    for (const auto& p : r.pieces) r.pointers.push_back(&p);
    return r;
}

const std::vector<double>& ReportContext::region_areas(const std::string& key) {
    if (auto it = m_region_areas.find(key); it != m_region_areas.end()) return it->second;
    const ReportRegions& r = regions();
    const ReportLayer& l = layer(key);
    if (l.released)
        fail(ErrorKind::Internal,
             fmt::format("report: the union of inputs.{} was released before its areas", key));
    std::vector<double> areas;
    if (!r.empty())
        areas = l.uni.overlap_areas_m2(r.pointers, area_calculator(), threads(), cancel());
    return m_region_areas.emplace(key, std::move(areas)).first->second;
}

const DisjointUnion& ReportContext::intersection(const std::string& a, const std::string& b) {
    const auto k = std::make_pair(a, b);
    if (auto it = m_intersections.find(k); it != m_intersections.end()) return it->second;
    const ReportLayer& la = layer(a);
    const ReportLayer& lb = layer(b);
    if (la.released || lb.released)
        fail(ErrorKind::Internal,
             fmt::format("report: the union of inputs.{} was released before its intersection",
                         la.released ? a : b));
    DisjointUnion i = la.uni.intersection(lb.uni, area_calculator(), threads(), cancel());
    return m_intersections.emplace(k, std::move(i)).first->second;
}

const ZonalReport& ReportContext::land_cover() {
    if (m_land_cover) return *m_land_cover;
    const ReportRegions& regs = regions();
    const ReportLayer& land = layer("land");
    ZonalJobOptions zo;
    zo.mode = options().mode;
    zo.classes = m_cfg.input("classes");
    // One raster pass for the land and every region (zone 0 = the land, 1.. = regions).
    PolygonLayer lz;
    lz.label = regs.empty() ? "land" : "land and regions";
    lz.path = m_cfg.input("land");
    lz.crs = reference_crs();
    lz.source_crs_label = reference_crs().label;
    lz.ids = {"land"};
    lz.geoms.push_back(land.uni.merged());  // one copy (an initializer list makes two)
    lz.features = land.layer.features;
    for (std::size_t i = 0; i < regs.size(); ++i) {
        lz.ids.push_back(regs.names[i]);
        lz.geoms.push_back(regs.geoms[i]);
    }
    std::shared_ptr<const RasterSource> t1 = current_landcover();
    m_land_cover = stage("landcover_t1", [&] {
        const ExecutionContext run{threads(), m_run.progress, cancel()};
        const ZonalJob job(t1, std::move(lz), zo, run);
        return job.report(job.run_local(run));
    });
    release_free_memory();
    warn(m_land_cover->warnings);
    lap(regs.empty() ? "cover: zonal over the land" : "cover: zonal over the land and the regions");
    return *m_land_cover;
}

Box ReportContext::map_extent() {
    if (auto t1 = current_landcover()) return t1->info().grid.extent();
    if (m_cfg.has("land")) return layer("land").uni.merged().bounds();
    return Box{};
}

const std::vector<MultiPolygon>& ReportContext::redline_outline() {
    if (!m_outline) {
        const Box extent = map_extent();
        m_outline = thin_for_map(layer("redline").uni.pieces(), extent, m_run.map_width);
    }
    return *m_outline;
}

}  // namespace redline
