#pragma once
// The interactive map section of report.html: Leaflet (embedded, report/leaflet_assets.hpp) and
// the GeoJSON layers of report/web_map.hpp inlined, so the file works offline with no tile
// server. Layers: land, regions, redline, violation / below-MMU / permitted change patches
// (clickable: id, zone, rule, from -> to, area, status, dates); a layer switcher, a legend and
// the pointer's lon/lat. The page exposes `window.redlineMap = {map, layers}` for tests.
// Thread-safety: reentrant.
#include <nlohmann/json.hpp>
#include <string>

namespace redline {

std::string web_map_html(const nlohmann::json& layers);

}  // namespace redline
