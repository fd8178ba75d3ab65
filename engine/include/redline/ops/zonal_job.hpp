#pragma once
// `redline zonal` as a library call, shared by the CLI and the Python bindings so that both
// produce the same rows and the same bytes.
//
// Output contract (issue #2): rows in zone order, then ascending class code, then `nodata`;
// one row per (zone, class) with area > 0. Columns: zone, class, area_m2, share, then
// class_name (with a class table), cells (coverage-weighted cell count), area_model,
// ellipsoid. share = area / (zone area over valid cells); for the nodata row it is the nodata
// area over the same denominator. Nothing in the output depends on --threads or --tile-size.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "redline/core/class_table.hpp"
#include "redline/exec/progress.hpp"
#include "redline/io/raster_source.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/ops/zone_preparation.hpp"

namespace redline {

struct ZonalJobOptions {
    std::string mode = "exact";     // exact | centroid | all-touched
    std::string classes;            // "" | clcd | worldcover | globeland30 | PATH.csv
    int threads = 0;                // 0 = all cores
    std::int64_t tile_size = 1024;  // cells
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;
};

struct ZonalRequest {
    std::string raster;
    int band = 1;
    std::string zones;  // PATH[:LAYER]
    ZonePrepOptions prep;
    ZonalJobOptions job;
};

struct ZonalRow {
    std::size_t zone = 0;
    bool nodata = false;
    std::int64_t klass = 0;
    double area_m2 = 0;
    double share = 0;
    double cells = 0;
};

struct ZonalReport {
    std::vector<std::string> zone_names;
    std::vector<ZonalRow> rows;
    std::optional<ClassTable> classes;
    std::string area_model;  // "constant" | "per-row" | "per-cell"
    std::string ellipsoid;   // "CGCS2000 (GRS80)"
    nlohmann::json meta;
    std::vector<std::string> warnings;

    TableSpec table_spec() const;
    std::vector<Value> row_values(const ZonalRow& row) const;
    // Writes the table ("" = CSV on stdout) atomically.
    void write(const std::string& output) const;
};

ZonalReport zonal_report(const RasterSource& raster, const PreparedZones& zones,
                         const ZonalJobOptions& opts);
ZonalReport run_zonal_job(const ZonalRequest& req);

// Provenance shared by every command: engine and library versions.
nlohmann::json engine_provenance();

}  // namespace redline
