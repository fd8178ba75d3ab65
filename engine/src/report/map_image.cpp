#include "redline/report/map_image.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "redline/io/raster_preview.hpp"

namespace redline {
namespace {

struct Rgb {
    std::uint8_t r, g, b;
};

const std::map<std::string, Rgb>& group_palette() {
    static const std::map<std::string, Rgb> p = {
        {"cropland", {240, 220, 120}}, {"forest", {40, 120, 50}},   {"grassland", {170, 210, 120}},
        {"shrub", {120, 170, 80}},     {"wetland", {90, 190, 180}}, {"water", {70, 130, 210}},
        {"built_up", {150, 150, 150}}, {"bare", {215, 200, 170}},   {"snow_ice", {235, 245, 255}}};
    return p;
}

std::string hex(Rgb c) { return fmt::format("#{:02x}{:02x}{:02x}", c.r, c.g, c.b); }

class Canvas {
  public:
    Canvas(int w, int h) : m_w(w), m_h(h), m_rgb(static_cast<std::size_t>(w) * h * 3, 255) {}
    void set(int x, int y, Rgb c) {
        if (x < 0 || y < 0 || x >= m_w || y >= m_h) return;
        auto* p = &m_rgb[(static_cast<std::size_t>(y) * m_w + x) * 3];
        p[0] = c.r;
        p[1] = c.g;
        p[2] = c.b;
    }
    void line(double x0, double y0, double x1, double y1, Rgb c) {
        const double len = std::max(std::fabs(x1 - x0), std::fabs(y1 - y0));
        const int n = static_cast<int>(std::ceil(std::min(len, 1e5)));
        for (int i = 0; i <= n; ++i) {
            const double t = n ? static_cast<double>(i) / n : 0.0;
            set(static_cast<int>(std::floor(x0 + t * (x1 - x0))),
                static_cast<int>(std::floor(y0 + t * (y1 - y0))), c);
        }
    }
    void dot(double x, double y, int r, Rgb fill, Rgb edge) {
        for (int dy = -r - 1; dy <= r + 1; ++dy)
            for (int dx = -r - 1; dx <= r + 1; ++dx) {
                const int d2 = dx * dx + dy * dy;
                if (d2 <= r * r)
                    set(static_cast<int>(x) + dx, static_cast<int>(y) + dy, fill);
                else if (d2 <= (r + 1) * (r + 1))
                    set(static_cast<int>(x) + dx, static_cast<int>(y) + dy, edge);
            }
    }
    std::vector<std::uint8_t>& rgb() { return m_rgb; }

  private:
    int m_w, m_h;
    std::vector<std::uint8_t> m_rgb;
};

}  // namespace

void class_colour(const ClassTable& t, std::int64_t code, std::uint8_t rgb[3]) {
    Rgb c{255, 255, 255};
    auto it = t.classes().find(code);
    if (it != t.classes().end() && !it->second.groups.empty()) {
        auto p = group_palette().find(it->second.groups.front());
        if (p != group_palette().end()) c = p->second;
    }
    rgb[0] = c.r;
    rgb[1] = c.g;
    rgb[2] = c.b;
}

std::vector<MultiPolygon> thin_for_map(const std::vector<MultiPolygon>& pieces, const Box& extent,
                                       int width) {
    const double ew = extent.xmax - extent.xmin;
    const double tol = extent.empty() || !(ew > 0) ? 0.0 : 0.25 * ew / std::max(100, width);
    std::vector<MultiPolygon> out(pieces.size());
    for (std::size_t i = 0; i < pieces.size(); ++i)
        for (const auto& poly : pieces[i].polygons) {
            Polygon thin;
            for (const auto& ring : poly.rings) {
                if (ring.empty()) continue;
                Ring r{ring.front()};
                for (std::size_t k = 1; k + 1 < ring.size(); ++k)
                    if (std::abs(ring[k].x - r.back().x) >= tol ||
                        std::abs(ring[k].y - r.back().y) >= tol)
                        r.push_back(ring[k]);
                r.push_back(ring.back());
                thin.rings.push_back(std::move(r));
            }
            out[i].polygons.push_back(std::move(thin));
        }
    return out;
}

ReportMap render_map(const MapLayers& L, int width) {
    ReportMap map;
    const double ew = L.extent.xmax - L.extent.xmin, eh = L.extent.ymax - L.extent.ymin;
    if (!(ew > 0 && eh > 0)) return map;
    const int w = std::max(100, width);
    const int h = std::max(50, static_cast<int>(std::lround(w * eh / ew)));
    map.width = w;
    map.height = h;
    Canvas cv(w, h);
    std::map<std::int64_t, bool> seen;
    if (!L.raster_path.empty() && L.classes) {
        std::vector<std::int32_t> values;
        std::vector<std::uint8_t> valid;
        read_raster_preview(L.raster_path, L.raster_band, w, h, values, valid);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const std::size_t i = static_cast<std::size_t>(y) * w + x;
                if (!valid[i]) continue;
                std::uint8_t c[3];
                class_colour(*L.classes, values[i], c);
                cv.set(x, y, Rgb{c[0], c[1], c[2]});
                seen[values[i]] = true;
            }
    }
    auto px = [&](const Point& p) {
        return std::pair<double, double>{(p.x - L.extent.xmin) / ew * w,
                                         (L.extent.ymax - p.y) / eh * h};
    };
    auto outline = [&](const MultiPolygon& mp, Rgb c) {
        for (const auto& poly : mp.polygons)
            for (const auto& ring : poly.rings)
                for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
                    auto [x0, y0] = px(ring[i]);
                    auto [x1, y1] = px(ring[i + 1]);
                    cv.line(x0, y0, x1, y1, c);
                }
    };
    for (const auto* r : L.regions) outline(*r, Rgb{110, 110, 110});
    if (L.land)
        for (const auto& mp : *L.land) outline(mp, Rgb{0, 0, 0});
    if (L.redline)
        for (const auto& mp : *L.redline) outline(mp, Rgb{200, 0, 0});
    // Permitted first, violations last (on top).
    for (const char* st : {"permitted", "below-mmu", "violation"})
        for (const auto& p : L.patches) {
            if (p.status != st) continue;
            auto [x, y] = px(p.at);
            const Rgb fill = p.status == "violation"   ? Rgb{230, 0, 200}
                             : p.status == "below-mmu" ? Rgb{255, 150, 0}
                                                       : Rgb{30, 90, 255};
            cv.dot(x, y, p.status == "violation" ? 3 : 2, fill, Rgb{0, 0, 0});
        }
    map.rgb = std::move(cv.rgb());
    if (L.classes)
        for (const auto& [code, info] : L.classes->classes()) {
            if (!seen.count(code)) continue;
            std::uint8_t c[3];
            class_colour(*L.classes, code, c);
            map.legend.emplace_back(hex(Rgb{c[0], c[1], c[2]}),
                                    fmt::format("{} {}", code, info.name));
        }
    map.legend.emplace_back("#000000", "land boundary (line)");
    if (!L.regions.empty()) map.legend.emplace_back("#6e6e6e", "regions (line)");
    if (L.redline) map.legend.emplace_back("#c80000", "ecological redline (line)");
    if (!L.patches.empty()) {
        map.legend.emplace_back("#e600c8", "violation patch");
        map.legend.emplace_back("#ff9600", "patch below the MMU");
        map.legend.emplace_back("#1e5aff", "permitted patch");
    }
    return map;
}

}  // namespace redline
