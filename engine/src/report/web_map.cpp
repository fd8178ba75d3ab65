#include "redline/report/web_map.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "redline/core/base64.hpp"
#include "redline/geodesy/transformer.hpp"
#include "redline/ops/change/change_job.hpp"
#include "redline/report/map_image.hpp"
#include "redline/report/map_overlay.hpp"
#include "redline/report/report_context.hpp"

namespace redline {
namespace {

double round5(double v) { return std::round(v * 1e5) / 1e5; }

// Google's encoded polyline algorithm (precision 1e-5 degree, latitude before longitude, each
// value the difference from the previous point, zig-zag signed, in 5-bit groups offset by 63):
// about 6 bytes a vertex where GeoJSON text takes 20. The page decodes it (kInit's `decode`).
void encode_value(std::int64_t v, std::string& out) {
    std::uint64_t u =
        v < 0 ? ~(static_cast<std::uint64_t>(v) << 1) : static_cast<std::uint64_t>(v) << 1;
    while (u >= 0x20) {
        out += static_cast<char>((0x20 | (u & 0x1f)) + 63);
        u >>= 5;
    }
    out += static_cast<char>(u + 63);
}

// A ring in degrees (x longitude, y latitude), without its closing vertex.
std::string encode_ring(const Ring& ring) {
    std::string out;
    std::int64_t lat0 = 0, lon0 = 0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        const auto lat = static_cast<std::int64_t>(std::llround(ring[i].y * 1e5));
        const auto lon = static_cast<std::int64_t>(std::llround(ring[i].x * 1e5));
        encode_value(lat - lat0, out);
        encode_value(lon - lon0, out);
        lat0 = lat;
        lon0 = lon;
    }
    return out;
}

// A multipolygon in degrees as [[ring, ...], ...] of encoded rings; rings that thinning reduced
// below 4 vertices are dropped (they are smaller than a quarter pixel of the map).
nlohmann::json encoded(const MultiPolygon& mp) {
    nlohmann::json polys = nlohmann::json::array();
    for (const auto& poly : mp.polygons) {
        nlohmann::json rings = nlohmann::json::array();
        for (const auto& ring : poly.rings)
            if (ring.size() >= 4) rings.push_back(encode_ring(ring));
        if (!rings.empty()) polys.push_back(std::move(rings));
    }
    return polys;
}

bool drawable(const MultiPolygon& mp) {
    for (const auto& poly : mp.polygons)
        for (const auto& ring : poly.rings)
            if (ring.size() >= 4) return true;
    return false;
}

// One PROJ call per ring (reproject without densifying), not one per vertex.
MultiPolygon to_lonlat(const Transformer& tr, MultiPolygon mp) {
    reproject(mp, tr, 0);
    return mp;
}

// A polygon layer: {"encoding": "polyline5", "features": [{"p": properties, "g": polygons}]}
// ("p" only when there are properties).
nlohmann::json collection() {
    return {{"encoding", "polyline5"}, {"features", nlohmann::json::array()}};
}

void add_feature(nlohmann::json& fc, const MultiPolygon& lonlat, nlohmann::json props) {
    nlohmann::json g = encoded(lonlat);
    if (g.empty()) return;
    nlohmann::json f = {{"g", std::move(g)}};
    if (!props.empty()) f["p"] = std::move(props);
    fc["features"].push_back(std::move(f));
}

void add_polygons(nlohmann::json& fc, const Transformer& tr, const std::vector<MultiPolygon>& geoms,
                  const std::vector<std::string>& names) {
    for (std::size_t i = 0; i < geoms.size(); ++i) {
        nlohmann::json props = nlohmann::json::object();
        if (i < names.size()) props["name"] = names[i];
        add_feature(fc, to_lonlat(tr, geoms[i]), std::move(props));
    }
}

// Features left out of a layer (beyond the cap, or smaller than a pixel) as clustered points: one
// per grid cell of `bin` degrees, at the mean position of its members, with their count and
// total area. Cells in (row, column) order: the same output for any thread count.
class Clusters {
  public:
    explicit Clusters(double bin) : m_bin(bin) {}
    void add(double lon, double lat, double area_m2) {
        Cell& c = m_cells[{static_cast<long>(std::floor(lat / m_bin)),
                           static_cast<long>(std::floor(lon / m_bin))}];
        c.lon += lon;
        c.lat += lat;
        c.area_m2 += area_m2;
        ++c.count;
    }
    std::size_t members() const {
        std::size_t n = 0;
        for (const auto& [k, c] : m_cells) n += c.count;
        return n;
    }
    // [[lon, lat, count, area_m2 (null when unknown)], ...]
    nlohmann::json to_json(bool with_area) const {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& [k, c] : m_cells) {
            const double n = static_cast<double>(c.count);
            out.push_back({round5(c.lon / n), round5(c.lat / n), c.count,
                           with_area ? nlohmann::json(c.area_m2) : nlohmann::json(nullptr)});
        }
        return out;
    }

  private:
    struct Cell {
        double lon = 0, lat = 0, area_m2 = 0;
        std::size_t count = 0;
    };
    double m_bin;
    std::map<std::pair<long, long>, Cell> m_cells;
};

// Cluster cells of about 32 pixels of the map across the extent (in degrees).
double cluster_bin(const Transformer& tr, const Box& extent, int width) {
    const Point a = tr.transform(Point{extent.xmin, extent.ymin});
    const Point b = tr.transform(Point{extent.xmax, extent.ymax});
    const double span = std::max(std::abs(b.x - a.x), std::abs(b.y - a.y));
    return std::max(span / std::max(1, width / 32), 1e-4);
}

Point box_centre_lonlat(const Transformer& tr, const MultiPolygon& mp) {
    const Box b = mp.bounds();
    return tr.transform(Point{(b.xmin + b.xmax) / 2, (b.ymin + b.ymax) / 2});
}

std::string class_label(const ClassTable& t, std::int64_t code) {
    if (code == kNodataClass) return "nodata";
    auto n = t.name_of(code);
    return n ? std::to_string(code) + " " + *n : std::to_string(code);
}

}  // namespace

nlohmann::json web_map_layers(ReportContext& ctx, const WebMapOptions& opts) {
    const Box extent = ctx.map_extent();
    if (extent.empty()) return nullptr;
    const Transformer tr = Transformer::to_geographic(ctx.reference_crs().wkt);
    const ReportConfig& cfg = ctx.config();
    nlohmann::json layers = nlohmann::json::object();
    if (cfg.has("land")) {
        layers["land"] = collection();
        add_polygons(layers["land"], tr,
                     thin_for_map(ctx.layer("land").uni.pieces(), extent, opts.width), {});
    }
    const ReportRegions& regs = ctx.regions();
    if (!regs.geoms.empty()) {
        layers["regions"] = collection();
        add_polygons(layers["regions"], tr, thin_for_map(regs.geoms, extent, opts.width),
                     regs.names);
    }
    const double bin = cluster_bin(tr, extent, opts.width);
    nlohmann::json clusters = nlohmann::json::object();
    nlohmann::json capped = nlohmann::json::object();
    if (cfg.has("redline")) {
        // The whole redline as a picture (every polygon, however small, at least as a faint
        // pixel), and as outlines the polygons of at least outline_min_px of the full view, which
        // the page draws only when zoomed in beyond the picture's resolution, and only those in
        // view.
        const double px = opts.outline_min_px *
                          std::max(extent.xmax - extent.xmin, extent.ymax - extent.ymin) /
                          std::max(1, opts.width);
        std::vector<MultiPolygon> all;
        nlohmann::json fc = collection();
        for (const MultiPolygon& mp : ctx.redline_outline()) {
            all.push_back(to_lonlat(tr, mp));
            const Box b = mp.bounds();
            if (b.xmax - b.xmin >= px || b.ymax - b.ymin >= px) add_feature(fc, all.back(), {});
        }
        const MapOverlay img = render_overlay(all, opts.overlay_width);
        if (!img.png.empty())
            layers["redline_image"] = {{"png", base64(img.png)},
                                       {"width", img.width},
                                       {"height", img.height},
                                       {"bounds", {{img.south, img.west}, {img.north, img.east}}}};
        layers["redline"] = std::move(fc);
    }
    if (ctx.change) {
        const ChangeReport& ch = *ctx.change;
        const std::string dates =
            std::filesystem::path(cfg.input("landcover_t0")).filename().string() + " -> " +
            std::filesystem::path(cfg.input("landcover_t1")).filename().string();
        layers["dates"] = dates;
        for (const char* status : {"violation", "below-mmu", "permitted"}) {
            std::vector<const ChangePatchRow*> rows;
            for (const auto& p : ch.patches)
                if (p.status == status) rows.push_back(&p);
            // Largest first, ties by id: the same points for any thread count.
            std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
                return a->area_m2 != b->area_m2 ? a->area_m2 > b->area_m2
                                                : a->patch_id < b->patch_id;
            });
            const std::size_t keep = std::min(rows.size(), opts.max_patches);
            nlohmann::json fc = collection();
            for (std::size_t i = 0; i < keep; ++i) {
                const ChangePatchRow& p = *rows[i];
                // The layer gives the status, data.dates the two dates; the page formats km2.
                nlohmann::json props = {{"id", p.patch_id},
                                        {"zone", ch.zone_names[p.zone]},
                                        {"rule", p.rule},
                                        {"from", class_label(ch.classes, p.from)},
                                        {"to", class_label(ch.classes, p.to)},
                                        {"area_m2", p.area_m2}};
                fc["features"].push_back(
                    {{"type", "Feature"},
                     {"properties", props},
                     {"geometry",
                      {{"type", "Point"},
                       {"coordinates", nlohmann::json::array({round5(p.lon), round5(p.lat)})}}}});
            }
            std::string key = status;
            std::replace(key.begin(), key.end(), '-', '_');
            layers[key] = std::move(fc);
            capped[key] = rows.size() - keep;
            if (rows.size() > keep) {
                Clusters rest(bin);
                for (std::size_t i = keep; i < rows.size(); ++i)
                    rest.add(rows[i]->lon, rows[i]->lat, rows[i]->area_m2);
                clusters[key] = rest.to_json(true);
            }
        }
    }
    if (ctx.conflicts && !ctx.conflicts->rows.empty()) {
        const ConflictsReport& cf = *ctx.conflicts;
        const Transformer ctr = Transformer::to_geographic(cf.crs_wkt);
        std::vector<const ConflictRow*> rows;
        for (const auto& r : cf.rows) rows.push_back(&r);
        std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
            return a->area_m2 > b->area_m2;  // ties keep the table's order
        });
        const std::size_t keep = std::min(rows.size(), opts.max_patches);
        std::vector<MultiPolygon> geoms;
        for (std::size_t i = 0; i < keep; ++i) geoms.push_back(rows[i]->geometry);
        // Thinned like the outlines; an overlap smaller than a quarter pixel keeps its first
        // polygon's vertices (rings below 4 vertices are dropped by encoded()).
        const std::vector<MultiPolygon> thin = thin_for_map(geoms, extent, opts.width);
        nlohmann::json fc = collection();
        for (std::size_t i = 0; i < keep; ++i) {
            const ConflictRow& r = *rows[i];
            add_feature(fc, to_lonlat(ctr, drawable(thin[i]) ? thin[i] : r.geometry),
                        {{"layer_a", cf.layer_labels[r.layer_a]},
                         {"id_a", r.id_a},
                         {"layer_b", cf.layer_labels[r.layer_b]},
                         {"id_b", r.id_b},
                         {"area_m2", r.area_m2}});
        }
        layers["conflicts"] = std::move(fc);
        capped["conflicts"] = rows.size() - keep;
        if (rows.size() > keep) {
            Clusters rest(bin);
            for (std::size_t i = keep; i < rows.size(); ++i) {
                const Point c = box_centre_lonlat(ctr, rows[i]->geometry);
                rest.add(c.x, c.y, rows[i]->area_m2);
            }
            clusters["conflicts"] = rest.to_json(true);
        }
    }
    layers["capped"] = capped;
    layers["clusters"] = clusters;
    return layers;
}

}  // namespace redline
