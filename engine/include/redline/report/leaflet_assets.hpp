#pragma once
// Leaflet (https://leafletjs.com, BSD-2-Clause, (c) Vladimir Agafonkin and CloudMade), as
// Debian's libjs-leaflet ships it, embedded at build time (engine/CMakeLists.txt) so that the
// report's interactive map works offline from a single HTML file.
// Thread-safety: immutable data.
#include <string_view>

namespace redline {

// leaflet.min.js and leaflet.css, byte for byte.
std::string_view leaflet_js();
std::string_view leaflet_css();

}  // namespace redline
