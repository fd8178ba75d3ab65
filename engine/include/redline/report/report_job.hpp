#pragma once
// `redline report`: every indicator of the config, the per-region breakdown, the redline change
// matrix and the map, from the existing operations (area/dissolve, conflicts, zonal, change,
// shoreline), so each number equals what the corresponding command prints.
//
// How: each indicator is an object (report/indicators/indicator.hpp; one file each, listed by the
// registry) computed from one ReportContext (report/report_context.hpp), which reads every layer
// and builds every union once. compute_report describes the inputs, reads the land and the
// regions, runs the indicators the config asks for, then fills the region table and the map.
//
// Reference frame: the CRS of the current land-cover raster (or of the land layer without one);
// layers in another CRS need options.reproject (the loud default is an error). Nothing in the
// result depends on the thread count; report.json is byte-identical for any --threads.
// Thread-safety: reentrant.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/exec/progress.hpp"
#include "redline/report/indicator.hpp"
#include "redline/report/report_config.hpp"

namespace redline {

struct ReportRegion {
    std::string name;
    nlohmann::json values = nlohmann::json::object();  // column -> number or null
};

struct ReportInputInfo {
    std::string role;   // config key
    std::string path;   // file path
    std::string layer;  // layer name ("" for rasters / single-layer files)
    std::uint64_t size = 0;
    std::string sha256;
    std::string crs;
    std::string ellipsoid;
};

struct ReportMap {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;                            // row-major RGB
    std::vector<std::pair<std::string, std::string>> legend;  // (hex colour, label)
};

struct ReportResult {
    std::string title;
    int year = 0;
    std::vector<IndicatorResult> indicators;
    std::vector<std::string> region_columns;
    std::vector<ReportRegion> regions;
    nlohmann::json change_matrix;  // {"classes": [...], "areas_km2": [[...]]} or null
    nlohmann::json land;           // computed and reference land areas
    std::vector<ReportInputInfo> inputs;
    std::vector<std::string> warnings;
    ReportMap map;
    // The interactive map's GeoJSON layers (report/web_map.hpp), drawn in report.html only;
    // null without a map extent. Not part of report.json.
    nlohmann::json web_map;
    nlohmann::json options;  // the config's options (for the manifest and report.json)

    // report.json content (no thread counts, no timings: identical for any --threads).
    nlohmann::json to_json() const;
};

struct ReportRunOptions {
    int threads = 0;
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;
    int map_width = 1200;  // DEFAULT 1200 px
    // DEFAULT none: called with one line per finished stage ("report: dissolve redline 1.2 s"),
    // from the calling thread (--verbose).
    std::function<void(const std::string&)> log;
};

ReportResult compute_report(const ReportConfig& config, const ReportRunOptions& opts);

}  // namespace redline
