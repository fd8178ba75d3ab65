#include "redline/report/web_map.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "redline/geodesy/transformer.hpp"
#include "redline/ops/change/change_job.hpp"
#include "redline/report/map_image.hpp"
#include "redline/report/report_context.hpp"

namespace redline {
namespace {

double round5(double v) { return std::round(v * 1e5) / 1e5; }

nlohmann::json lonlat(const Transformer& tr, const Point& p) {
    const Point q = tr.transform(p);
    return nlohmann::json::array({round5(q.x), round5(q.y)});
}

// A multipolygon as GeoJSON coordinates; rings that thinning reduced below 4 vertices are dropped
// (they are smaller than a quarter pixel of the map).
nlohmann::json coordinates(const Transformer& tr, const MultiPolygon& mp) {
    nlohmann::json polys = nlohmann::json::array();
    for (const auto& poly : mp.polygons) {
        nlohmann::json rings = nlohmann::json::array();
        for (const auto& ring : poly.rings) {
            if (ring.size() < 4) continue;
            nlohmann::json r = nlohmann::json::array();
            for (const auto& p : ring) r.push_back(lonlat(tr, p));
            rings.push_back(std::move(r));
        }
        if (!rings.empty()) polys.push_back(std::move(rings));
    }
    return polys;
}

nlohmann::json collection() {
    return {{"type", "FeatureCollection"}, {"features", nlohmann::json::array()}};
}

void add_polygons(nlohmann::json& fc, const Transformer& tr, const std::vector<MultiPolygon>& geoms,
                  const std::vector<std::string>& names) {
    for (std::size_t i = 0; i < geoms.size(); ++i) {
        nlohmann::json coords = coordinates(tr, geoms[i]);
        if (coords.empty()) continue;
        nlohmann::json props = nlohmann::json::object();
        if (i < names.size()) props["name"] = names[i];
        fc["features"].push_back(
            {{"type", "Feature"},
             {"properties", props},
             {"geometry", {{"type", "MultiPolygon"}, {"coordinates", coords}}}});
    }
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
    if (cfg.has("redline")) {
        layers["redline"] = collection();
        add_polygons(layers["redline"], tr, ctx.redline_outline(), {});
    }
    if (ctx.change) {
        const ChangeReport& ch = *ctx.change;
        const std::string dates =
            std::filesystem::path(cfg.input("landcover_t0")).filename().string() + " -> " +
            std::filesystem::path(cfg.input("landcover_t1")).filename().string();
        nlohmann::json capped = nlohmann::json::object();
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
                nlohmann::json props = {{"id", p.patch_id},
                                        {"zone", ch.zone_names[p.zone]},
                                        {"rule", p.rule},
                                        {"from", class_label(ch.classes, p.from)},
                                        {"to", class_label(ch.classes, p.to)},
                                        {"area_m2", p.area_m2},
                                        {"area_km2", fmt::format("{:.3f}", p.area_m2 / 1e6)},
                                        {"status", p.status},
                                        {"permitted_share", p.permitted_share},
                                        {"dates", dates}};
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
        }
        layers["capped"] = capped;
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
        // polygon's vertices (rings below 4 vertices are dropped by coordinates()).
        const std::vector<MultiPolygon> thin = thin_for_map(geoms, extent, opts.width);
        nlohmann::json fc = collection();
        for (std::size_t i = 0; i < keep; ++i) {
            nlohmann::json coords = coordinates(ctr, thin[i]);
            if (coords.empty()) coords = coordinates(ctr, rows[i]->geometry);
            if (coords.empty()) continue;
            const ConflictRow& r = *rows[i];
            fc["features"].push_back(
                {{"type", "Feature"},
                 {"properties",
                  {{"layer_a", cf.layer_labels[r.layer_a]},
                   {"id_a", r.id_a},
                   {"layer_b", cf.layer_labels[r.layer_b]},
                   {"id_b", r.id_b},
                   {"area_m2", r.area_m2},
                   {"area_km2", fmt::format("{:.3f}", r.area_m2 / 1e6)}}},
                 {"geometry", {{"type", "MultiPolygon"}, {"coordinates", coords}}}});
        }
        layers["conflicts"] = std::move(fc);
        layers["capped"]["conflicts"] = rows.size() - keep;
    }
    return layers;
}

}  // namespace redline
