#pragma once
// The indicator-report configuration (YAML), issue #6. Paths are relative to the config file and
// must stay inside its folder unless options.allow_outside_paths is true (a report folder is then
// self-contained and its manifest reproducible). Every error names the file and line.
//
//   version: 1
//   title: "..."                      DEFAULT "redline indicator report"
//   year: 2020                        the reporting year ("every year" targets use it)
//   inputs:
//     landcover_t0: lc_2015.tif       optional (ecr_nature_unchanged)
//     landcover_t1: lc_2020.tif       current land cover (cropland_cover, forest_coverage)
//     classes: clcd                   clcd | worldcover | globeland30 | CSV (DEFAULT clcd)
//     redline: plan.gpkg:redline      ecological protection redline
//     cropland: plan.gpkg:cropland    permanent basic farmland / cropland protection
//     protected: plan.gpkg:protected  protected areas
//     urban: plan.gpkg:urban          urban development boundary
//     permitted: plan.gpkg:permitted  optional: approved activities inside the redline
//     land: china.gpkg:land           land territory boundary (docs/indicators.md#land-denominator)
//     shoreline: china.gpkg:coast     shoreline lines
//     shoreline_class_field: type     attribute holding the shoreline type
//     shoreline_natural: [...]        DEFAULT natural, bedrock, sandy, muddy, biological, restored
//     shoreline_estuary: [...]        DEFAULT estuary
//     shoreline_artificial: [...]     DEFAULT every other value (listing them makes others an
//                                     error)
//     shoreline_mainland: ...         optional mainland polygon (islands excluded)
//     regions: china.gpkg:provinces   optional per-region breakdown
//     regions_id: name                field naming the regions
//     landuse: dltb.gdb:DLTB          optional land-use survey parcels (三调 / 变更调查 地类图斑)
//     landuse_class_field: DLBM       DEFAULT DLBM: the parcels' GB/T 21010 code
//     landuse_deduct_field: KCXS      DEFAULT none: deduction coefficient in [0, 1)
//   options:
//     reproject: false                transform layers into the land-cover CRS
//     make_valid: false               repair invalid geometries
//     mode: exact                     raster coverage mode (exact | centroid)
//     mmu_pixels: 4                   change patches below this are "below-mmu" (still counted)
//     connectivity: 8
//     min_overlap_m2: 1               three-lines overlaps below this are slivers
//     land_reference_km2: 9600000     the official rounded land area, reported beside the computed
//     one allow_outside_paths: false encoding: CP936                 text encoding of shapefile
//     attributes, every input
//                                     (--encoding; DEFAULT: as declared, else detected)
//   accuracy:                         optional: error-adjusted estimates
//   (docs/accuracy.md#in-the-report)
//     forest_coverage:                also cropland_cover (the same population) and
//       sample: sample_2020.gpkg      ecr_nature_unchanged (a change sample in the redline)
//       reference_field: reference    DEFAULT reference
//       stratum_field: stratum        DEFAULT stratum
//       confidence: 0.95              DEFAULT 0.95
//       allow_small: false            as `redline estimate --allow-small`
//       drop_unlabelled: false        as `redline estimate --drop-unlabelled`
//   indicators:                       DEFAULT the eight of report/indicator.hpp
//     - id: ecr_area
//       target: 315                   overrides; `unit` converts (m2, km2, ha, mu, yi_mu, wan_km2,
//       percent) unit: wan_km2 comparator: ">=" year: 2035
// Thread-safety: immutable after load().
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "redline/report/indicator.hpp"

namespace YAML {
class Node;
}

namespace redline {

struct ReportOptions {
    bool reproject = false;
    bool make_valid = false;
    std::string mode = "exact";
    int mmu_pixels = 4;
    int connectivity = 8;
    double min_overlap_m2 = 1.0;
    double land_reference_km2 = 9600000.0;
    bool allow_outside_paths = false;
    // Shoreline pieces outside every region are given to the nearest region within this
    // distance (the shoreline command's --by-snap-m). DEFAULT 5000 m.
    double shoreline_region_snap_m = 5000.0;
    std::string encoding;  // DEFAULT "": shapefiles decode as they declare (io/vector_layer.hpp)
};

// A labelled sample attached to a map-derived indicator (config key accuracy.<indicator id>).
struct IndicatorSample {
    std::string sample;  // resolved PATH[:LAYER]
    std::string design;  // `<sample file>.design.json` (may not exist)
    std::string reference_field = "reference";
    std::string stratum_field = "stratum";
    double confidence = 0.95;
    bool allow_small = false;      // as `redline estimate --allow-small`
    bool drop_unlabelled = false;  // as `redline estimate --drop-unlabelled`
};

class ReportConfig {
  public:
    // Throws InvalidInput (bad YAML, unknown key, wrong unit, missing file) or Io (unreadable).
    static ReportConfig load(const std::string& path);

    const std::string& path() const { return m_path; }
    const std::string& dir() const { return m_dir; }
    const std::string& title() const { return m_title; }
    int year() const { return m_year; }
    const ReportOptions& options() const { return m_options; }
    const std::vector<IndicatorSpec>& indicators() const { return m_indicators; }
    bool indicators_explicit() const { return m_explicit; }

    bool has(const std::string& key) const { return m_inputs.count(key) > 0; }
    // Resolved value of an input (a path, PATH:LAYER, or a plain value); "" when absent.
    std::string input(const std::string& key) const;
    std::vector<std::string> input_list(const std::string& key) const;
    // "config 'indicators.yaml' line 7 (inputs.redline)" for messages.
    std::string where(const std::string& key) const;
    // The labelled sample attached to an indicator, or null.
    const IndicatorSample* sample_for(const std::string& indicator_id) const;
    // Input keys that name files, with their resolved file paths (for the manifest).
    std::vector<std::pair<std::string, std::string>> input_files() const;

  private:
    // {file path, PATH[:LAYER]} of a config value naming a file; InvalidInput when it does not
    // exist or lies outside the config's folder (unless allowed).
    std::pair<std::string, std::string> resolve_input_path(const std::string& key,
                                                           const std::string& value,
                                                           const std::string& at) const;
    void load_accuracy(const YAML::Node& node);

    std::string m_path, m_dir, m_title;
    int m_year = 0;
    ReportOptions m_options;
    std::vector<IndicatorSpec> m_indicators;
    bool m_explicit = false;
    std::map<std::string, std::string> m_inputs;
    std::map<std::string, std::vector<std::string>> m_lists;
    std::map<std::string, std::string> m_files;  // key -> file path
    std::map<std::string, int> m_lines;
    std::map<std::string, IndicatorSample> m_samples;
};

}  // namespace redline
