#include "redline/report/map_overlay.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "redline/core/grid.hpp"
#include "redline/coverage/coverage_rasterizer.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/io/raster_preview.hpp"

namespace redline {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMaxLat = 85.05112878;

// Spherical Web Mercator in degrees of longitude (x = lon, y = the Mercator ordinate scaled the
// same way), which is all the overlay needs: square pixels in the projection Leaflet draws.
double merc_y(double lat) {
    const double phi = std::clamp(lat, -kMaxLat, kMaxLat) * kPi / 180;
    return std::log(std::tan(kPi / 4 + phi / 2)) * 180 / kPi;
}
double merc_lat(double y) { return (2 * std::atan(std::exp(y * kPi / 180)) - kPi / 2) * 180 / kPi; }

}  // namespace

MapOverlay render_overlay(const std::vector<MultiPolygon>& lonlat, int width,
                          const OverlayStyle& style) {
    MapOverlay out;
    Box b;
    for (const auto& mp : lonlat) b.expand(mp.bounds());
    if (b.empty() || width <= 0 || !(b.xmax > b.xmin)) return out;
    const double y_top = merc_y(b.ymax), y_bottom = merc_y(b.ymin);
    const double px = (b.xmax - b.xmin) / width;
    const auto height =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((y_top - y_bottom) / px)));
    // Rows run down from the top: a grid of square Mercator pixels.
    const Grid grid(b.xmin, px, y_top, -px, width, height);
    std::vector<MultiPolygon> merc = lonlat;
    for (auto& mp : merc)
        for (auto& poly : mp.polygons)
            for (auto& ring : poly.rings)
                for (auto& p : ring) p.y = merc_y(p.y);
    const ZoneSet zones(grid, merc, {});
    std::vector<float> cover(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
    CoverageRasterizer r(CoverageMode::Exact);
    for (std::size_t z = 0; z < zones.size(); ++z) {
        const Window& w = zones.zone(z).window;
        if (w.empty()) continue;
        r.rasterize(zones, z, w);
        for (std::int64_t i = 0; i < w.rows; ++i) {
            const std::int64_t* row = r.row(i);
            float* dst = cover.data() + static_cast<std::size_t>((w.row0 + i) * width + w.col0);
            for (std::int64_t j = 0; j < w.cols; ++j)
                dst[j] += static_cast<float>(static_cast<double>(row[j]) /
                                             static_cast<double>(kFullCoverage));
        }
    }
    // Palette: 0 transparent, 1..levels from min_alpha (barely touched) to max_alpha (full).
    const int levels = std::clamp(style.levels, 2, 255);
    std::vector<std::array<std::uint8_t, 4>> palette{{0, 0, 0, 0}};
    for (int k = 0; k < levels; ++k) {
        const double t = static_cast<double>(k) / (levels - 1);
        palette.push_back(
            {style.rgb[0], style.rgb[1], style.rgb[2],
             static_cast<std::uint8_t>(
                 std::lround(255 * (style.min_alpha + (style.max_alpha - style.min_alpha) * t)))});
    }
    std::vector<std::uint8_t> index(cover.size(), 0);
    for (std::size_t i = 0; i < cover.size(); ++i)
        if (cover[i] > 0)
            index[i] = static_cast<std::uint8_t>(
                1 + std::lround(std::min(1.0, static_cast<double>(cover[i])) * (levels - 1)));
    out.png = encode_png_palette(index, width, static_cast<int>(height), palette);
    out.width = width;
    out.height = static_cast<int>(height);
    out.west = b.xmin;
    out.east = b.xmax;
    out.north = merc_lat(y_top);
    out.south = merc_lat(y_top - px * static_cast<double>(height));
    return out;
}

}  // namespace redline
