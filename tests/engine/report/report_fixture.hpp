#pragma once
// A report config whose planning layers are built in memory (ReportContext::use_layer): the
// config names a placeholder file for each input (ReportConfig::load checks that it exists), and
// the layers are rectangles in CGCS2000 Albers metres, where one plane m2 is one ellipsoidal m2,
// so every area is computed by hand.
#include <unistd.h>

#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "redline/layers/polygon_layer.hpp"
#include "redline/report/report_config.hpp"
#include "redline/report/report_context.hpp"
#include "test_support.hpp"

namespace redline::test {

// Loads a config giving `inputs` (each a layer of plan.gpkg) and `indicators` (none = default).
inline ReportConfig report_config(const std::vector<std::string>& inputs,
                                  const std::vector<std::string>& indicators = {}) {
    static int n = 0;  // ctest runs tests as parallel processes: one folder per call
    const std::string dir =
        temp_dir("report_ctx-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::ofstream(dir + "/plan.gpkg") << "placeholder";
    std::string yaml = "version: 1\nyear: 2020\ninputs:\n";
    for (const auto& k : inputs) yaml += "  " + k + ": plan.gpkg:" + k + "\n";
    if (!indicators.empty()) {
        yaml += "indicators:\n";
        for (const auto& id : indicators) yaml += "  - id: " + id + "\n";
    }
    std::ofstream(dir + "/indicators.yaml") << yaml;
    return ReportConfig::load(dir + "/indicators.yaml");
}

// A layer of `geoms` in Albers metres, named `label`.
inline PolygonLayer memory_layer(const std::string& label, std::vector<MultiPolygon> geoms) {
    PolygonLayer l;
    l.label = label;
    l.path = "<memory>";
    l.crs = crs_of(kAlbers);
    l.source_crs_label = l.crs.label;
    for (std::size_t i = 0; i < geoms.size(); ++i) l.ids.push_back(std::to_string(i + 1));
    l.groups.assign(geoms.size(), "");
    l.features = geoms.size();
    l.geoms = std::move(geoms);
    return l;
}

inline ReportRunOptions one_thread() {
    ReportRunOptions ro;
    ro.threads = 1;
    return ro;
}

}  // namespace redline::test
