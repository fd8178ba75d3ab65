#pragma once
// What the indicators of one report share (report/indicators/indicator.hpp): the config, the run
// options, the class table, the current land-cover raster, the reference CRS, the planning layers
// read and conformed once with their unions and areas, the regions, the area calculator, the one
// land-cover pass over the land and the regions, and what some indicators leave for the region
// table, the change matrix and the map. Everything is computed the first time it is asked for and
// kept, so two indicators needing the redline's union get the same one.
//
// Reference frame: the CRS of inputs.landcover_t1 when given, else that of the first layer read;
// every layer is conformed to it (layers/conform.hpp) with the config's options (reproject,
// make_valid, encoding; messages name "options.<name>"). Areas are m2 on the reference CRS's
// ellipsoid (ConcurrentAreaCalculator, edges densified to 100 m); union areas come from
// measure_union (ops/overlay/area.hpp), the code of `redline area --dissolve`.
// Memory: a layer's features are freed once its union is built; release_union() frees a union no
// longer needed (its areas stay). Every engine error of a step is prefixed with the config
// location of the input it concerns (ReportConfig::where).
// Lifetime: the config must outlive the context.
// Thread-safety: one context per report, used from the calling thread; the steps themselves run
// on `threads` threads and give the same bits for any thread count.
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "redline/core/class_table.hpp"
#include "redline/core/crs.hpp"
#include "redline/core/error.hpp"
#include "redline/core/geometry.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/io/raster_source.hpp"
#include "redline/layers/disjoint_union.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/layers/polygon_layer.hpp"
#include "redline/ops/change/change_job.hpp"
#include "redline/ops/overlay/conflicts.hpp"
#include "redline/ops/zonal/zonal_job.hpp"
#include "redline/report/report_config.hpp"
#include "redline/report/report_job.hpp"

namespace redline {

// A planning layer after its union: the features are freed (a national cropland layer is
// gigabytes); the union is kept as interior-disjoint pieces for overlap areas until released.
struct ReportLayer {
    PolygonLayer layer;   // as read and conformed; geoms emptied once the union is built
    DisjointUnion uni;    // union of all features (empty once released or taken)
    double union_m2 = 0;  // area of the union
    double sum_m2 = 0;    // sum of the features' areas (overlaps counted as often as they occur)
    bool released = false;
};

// The regions of the per-region breakdown (inputs.regions dissolved by inputs.regions_id), in
// order of first appearance.
struct ReportRegions {
    std::vector<std::string> names;
    std::vector<MultiPolygon> geoms;             // one union per region
    std::vector<DisjointUnion> pieces;           // the same, as pieces for overlap areas
    std::vector<const DisjointUnion*> pointers;  // into `pieces`
    bool empty() const { return names.empty(); }
    std::size_t size() const { return names.size(); }
};

class ReportContext {
  public:
    // Loads the class table (inputs.classes); nothing else is read until asked for.
    ReportContext(const ReportConfig& config, const ReportRunOptions& run);
    ReportContext(const ReportContext&) = delete;
    ReportContext& operator=(const ReportContext&) = delete;
    ~ReportContext();

    const ReportConfig& config() const { return m_cfg; }
    const ReportOptions& options() const { return m_cfg.options(); }
    const ReportRunOptions& run() const { return m_run; }
    int threads() const { return m_run.threads; }
    const CancelToken* cancel() const { return m_run.cancel; }
    const ClassTable& classes() const { return m_classes; }

    // Runs `fn`, prefixing an engine error (not a cancellation) with the config location of
    // `key`.
    template <class F>
    auto stage(const std::string& key, F&& fn) -> decltype(fn());
    // --verbose: logs "report: <name> <seconds> s", the time since the previous lap.
    void lap(const std::string& name);
    void warn(const std::vector<std::string>& warnings);
    const std::vector<std::string>& warnings() const { return m_warnings; }

    // inputs.landcover_t1, opened once; null without one.
    std::shared_ptr<const RasterSource> current_landcover();
    // The CRS every layer is brought into and how messages name it ("raster 'lc.tif' (...)" or
    // "layer 'land' in 'plan.gpkg'"); empty until a layer is read when there is no raster.
    const Crs& reference_crs();
    const std::string& reference_name();
    // The policy layers are read and conformed with (options.reproject, options.make_valid,
    // options.encoding; messages name "options.<name>" and no CRS option).
    const LayerPolicy& layer_policy() const { return m_policy; }
    // Built on the reference CRS the first time it is asked for.
    const ConcurrentAreaCalculator& area_calculator();

    // inputs.<key> read, conformed, united and measured, the first time it is asked for; its
    // warnings are added to warnings(). InvalidInput (naming the config line) when the config
    // does not give it.
    ReportLayer& layer(const std::string& key);
    // inputs.redline, cropland, protected and urban, those the config gives, in this order:
    // read, united and measured, with the areas of redline and cropland in each region. The
    // unions of cropland and urban are released at once (only their areas are reported), so at
    // most the redline's and the protected areas' are held through the raster stages.
    void read_planning_layers();
    // Frees the union of a layer read before (its areas stay); asking for its pieces afterwards
    // is an internal error.
    void release_union(const std::string& key);
    // Uses `layer` (e.g. built in memory) for inputs.<key> instead of reading the config's file;
    // it is conformed and united like a read one. Before the first layer(key).
    void use_layer(const std::string& key, PolygonLayer layer);
    // Hands over inputs.<key> as another step read and conformed it (with layer_policy(), into
    // `layer.crs`, e.g. the conflicts stage), so layer(key) only unites it instead of reading
    // and checking the file again. Taken when the step did not transform it and `layer.crs` is
    // the reference CRS (or there is none yet) at hand-over and at use; otherwise dropped, and
    // the file is read as usual. Either way layer(key) gives the same bits. Before the first
    // layer(key); ignored after it.
    void use_conformed_layer(const std::string& key, PolygonLayer layer);

    // inputs.regions dissolved by inputs.regions_id, the first time; empty without regions.
    const ReportRegions& regions();
    // Area (m2) of the union of inputs.<key> inside each region, in region order; computed once
    // (before the union is released).
    const std::vector<double>& region_areas(const std::string& key);
    // Union of inputs.<a> ∩ union of inputs.<b>, computed once, as pieces for further areas.
    const DisjointUnion& intersection(const std::string& a, const std::string& b);

    // One zonal pass of the current land cover over the land (zone 0) and each region (zone
    // 1 + region index), computed once; its warnings are added to warnings().
    const ZonalReport& land_cover();
    bool has_land_cover() const { return m_land_cover.has_value(); }

    // Bounding box of the map: the raster's extent, else the land's; empty without both.
    Box map_extent();
    // The redline's union thinned for a map of `run().map_width` pixels (map_image.hpp), once.
    const std::vector<MultiPolygon>& redline_outline();

    // What indicators leave for the region table, the change matrix and the map.
    std::vector<double> region_shoreline_share;  // per region, percent (NaN: none)
    bool shoreline_computed = false;
    // Region-table columns from the land-use survey (report/indicators/survey_land_use.hpp):
    // name, then km2 per region in region order.
    std::vector<std::pair<std::string, std::vector<double>>> region_survey_columns;
    std::optional<ChangeReport> change;  // the change inside the redline
    // The three control lines' overlaps with their polygons (in conflicts->crs_wkt), for the map.
    std::optional<ConflictsReport> conflicts;
    nlohmann::json change_matrix;  // report.json's change_matrix (null: none)

    // Test hook: how many times the union of inputs.<key> was computed (0 or 1).
    std::size_t unions_computed(const std::string& key) const;

  private:
    void unite(const std::string& key, ReportLayer& l);
    const ConcurrentAreaCalculator& calc_for_layers();

    const ReportConfig& m_cfg;
    ReportRunOptions m_run;
    ClassTable m_classes;
    LayerPolicy m_policy;
    std::vector<std::string> m_warnings;
    struct Clock;
    std::unique_ptr<Clock> m_clock;

    bool m_raster_opened = false;
    std::shared_ptr<const RasterSource> m_t1;
    Crs m_ref_crs;
    std::string m_ref_name;
    std::unique_ptr<ConcurrentAreaCalculator> m_calc;

    std::map<std::string, PolygonLayer> m_given;
    std::map<std::string, PolygonLayer> m_given_conformed;  // see use_conformed_layer
    std::map<std::string, ReportLayer> m_layers;
    std::map<std::string, std::size_t> m_union_count;
    std::optional<ReportRegions> m_regions;
    std::map<std::string, std::vector<double>> m_region_areas;
    std::map<std::pair<std::string, std::string>, DisjointUnion> m_intersections;
    std::optional<ZonalReport> m_land_cover;
    std::optional<std::vector<MultiPolygon>> m_outline;
};

template <class F>
auto ReportContext::stage(const std::string& key, F&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Cancelled) throw;
        throw Error(e.kind(), m_cfg.where(key) + ": " + e.what());
    }
}

}  // namespace redline
