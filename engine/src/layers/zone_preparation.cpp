#include "redline/layers/zone_preparation.hpp"

#include <fmt/format.h>

#include <map>

#include "redline/core/binary_codec.hpp"
#include "redline/core/error.hpp"
#include "redline/core/gauss_kruger_zone.hpp"
#include "redline/core/text.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geodesy/transformer.hpp"
#include "redline/geom/polygon_dissolve.hpp"
#include "redline/geom/validity.hpp"
#include "redline/io/crs.hpp"
#include "redline/layers/lonlat_rings.hpp"

namespace redline {

nlohmann::json PreparedZones::describe() const {
    return nlohmann::json{{"layer", label},
                          {"path", path},
                          {"crs", crs_label},
                          {"features", features},
                          {"zones", names.size()},
                          {"repaired", repaired},
                          {"reprojected", reprojected}};
}

std::string PreparedZones::serialize() const {
    BinaryWriter w;
    w.str("redline.zones.v1");
    w.str(label);
    w.str(path);
    w.str(crs_label);
    w.u64(features);
    w.u64(repaired);
    w.u64(reprojected ? 1 : 0);
    w.u64(warnings.size());
    for (const auto& x : warnings) w.str(x);
    w.u64(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        w.str(names[i]);
        w.multipolygon(geoms[i]);
    }
    return w.take();
}

PreparedZones PreparedZones::deserialize(const std::string& bytes) {
    BinaryReader r(bytes);
    r.expect_magic("redline.zones.v1");
    PreparedZones z;
    z.label = r.str();
    z.path = r.str();
    z.crs_label = r.str();
    z.features = r.u64();
    z.repaired = r.u64();
    z.reprojected = r.u64() != 0;
    z.warnings.resize(r.count());
    for (auto& x : z.warnings) x = r.str();
    const std::size_t n = r.count();
    z.names.resize(n);
    z.geoms.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        z.names[i] = r.str();
        z.geoms[i] = r.multipolygon();
    }
    return z;
}

PreparedZones prepare_zones(const std::string& zones_ref, const std::string& target_crs_wkt,
                            const std::string& target_label, const ZonePrepOptions& opts) {
    LayerReadOptions ro;
    ro.id_field = opts.id_field;
    ro.group_field = opts.dissolve_by;
    ro.assign_crs = opts.zones_crs;
    ro.unique_ids = !opts.dissolve && opts.dissolve_by.empty();
    ro.progress = opts.progress;
    ro.encoding = opts.encoding;
    ro.encoding_option = opts.option_prefix + "encoding";
    VectorLayer layer = read_polygon_layer(parse_layer_ref(zones_ref), ro);
    return prepare_layer(std::move(layer), target_crs_wkt, target_label, opts);
}

PreparedZones prepare_layer(VectorLayer layer, const std::string& target_crs_wkt,
                            const std::string& target_label, const ZonePrepOptions& opts) {
    const std::string& pre = opts.option_prefix;
    PreparedZones out;
    out.label = layer.label;
    out.path = layer.ref.path;
    out.features = layer.fids.size();
    out.warnings = layer.warnings;
    if (layer.crs_assigned)
        out.warnings.push_back(fmt::format("layer '{}' declares no CRS; using {} as given by {}",
                                           layer.label, crs_label_of(layer.crs_wkt),
                                           opts.crs_option));

    LonLatRingOptions lo;
    lo.layer_text = fmt::format("layer '{}' in '{}'", layer.label, layer.ref.path);
    lo.feature_word = "zone";
    LonLatRingReport lr;

    // CRS
    if (layer.crs_wkt.empty()) {
        const std::string where =
            fmt::format("layer '{}' in '{}' has no CRS", layer.label, layer.ref.path);
        const std::string hint = gauss_kruger_hint(layer.extent(), opts.crs_option);
        if (!hint.empty())
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}; {} ({} is {})", where, hint, opts.target_name, target_label));
        if (opts.crs_option.empty())
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}; declare it in the file (a .prj beside a shapefile, or ogr2ogr "
                             "-a_srs EPSG:CODE); {} is {}",
                             where, opts.target_name, target_label));
        fail(ErrorKind::InvalidInput,
             fmt::format("{}; declare it with {} (e.g. {} EPSG:4326; {} is {})", where,
                         opts.crs_option, opts.crs_option, opts.target_name, target_label));
    }
    out.crs_label = crs_label_of(layer.crs_wkt);
    if (!same_crs(layer.crs_wkt, target_crs_wkt)) {
        if (!opts.reproject)
            fail(
                ErrorKind::InvalidInput,
                fmt::format("CRS mismatch: {} is {}, layer '{}' in '{}' is {}. Reproject one of "
                            "them, or pass {}reproject to transform the zones into the raster CRS.",
                            opts.target_name, target_label, layer.label, layer.ref.path,
                            out.crs_label, pre));
        const CrsDescription src = describe_crs(layer.crs_wkt);
        const double seg = src.kind == CrsKind::Geographic
                               ? opts.densify_m / 111320.0
                               : opts.densify_m / (src.unit_to_metre > 0 ? src.unit_to_metre : 1.0);
        lo.period = lonlat_period_of(layer.crs_wkt);
        if (lo.period > 0) {
            // Into another lon/lat CRS, a ring closed along its pole stays one.
            lo.pole_rings =
                lonlat_period_of(target_crs_wkt) > 0 ? PoleRings::Close : PoleRings::Refuse;
            lo.refuse_reason = fmt::format(
                "such a zone cannot be transformed into the CRS of {} edge by edge ({}reproject)",
                opts.target_name, pre);
            prepare_lonlat_rings(layer.polygons, layer.ids, lo, lr);
        }
        Transformer t(layer.crs_wkt, target_crs_wkt);
        for (std::size_t i = 0; i < layer.polygons.size(); ++i) {
            try {
                reproject(layer.polygons[i], t, seg);
            } catch (const Error& e) {
                fail(ErrorKind::InvalidInput,
                     fmt::format("zone '{}' of layer '{}' cannot be transformed from {} to {}: {}",
                                 layer.ids[i], layer.label, out.crs_label, target_label, e.what()));
            }
        }
        out.reprojected = true;
        out.crs_label = target_label;
    }

    // Lon/lat target: rings across the antimeridian or around a pole (layers/lonlat_rings.hpp).
    lo.period = lonlat_period_of(target_crs_wkt);
    lo.pole_rings = PoleRings::Close;
    if (lo.period > 0) prepare_lonlat_rings(layer.polygons, layer.ids, lo, lr);
    for (const auto& w : lr.warnings) out.warnings.push_back(w);

    // Validity
    auto issues = find_validity_issues(layer.polygons, opts.threads, opts.progress);
    if (!issues.empty()) {
        if (!opts.make_valid)
            fail(ErrorKind::InvalidInput,
                 fmt::format("layer '{}' in '{}' has {} invalid geometr{}: {}. Fix them, or pass "
                             "{}make-valid to repair them with GEOS MakeValid.",
                             layer.label, layer.ref.path, issues.size(),
                             issues.size() == 1 ? "y" : "ies", describe_issues(issues, layer.ids),
                             pre));
        std::vector<std::size_t> which;
        for (const auto& is : issues) which.push_back(is.index);
        out.repaired = make_valid(layer.polygons, which, opts.threads);
        out.warnings.push_back(
            fmt::format("repaired {} invalid geometr{} of layer '{}' with GEOS MakeValid",
                        out.repaired, out.repaired == 1 ? "y" : "ies", layer.label));
    }
    if (lo.period > 0) split_lonlat_layer(layer.polygons, lo, lr);

    // Dissolve
    if (opts.dissolve || !opts.dissolve_by.empty()) {
        std::vector<std::string> order;
        std::map<std::string, std::vector<const MultiPolygon*>> groups;
        for (std::size_t i = 0; i < layer.polygons.size(); ++i) {
            const std::string key = opts.dissolve ? std::string("all") : layer.groups[i];
            auto [it, inserted] = groups.try_emplace(key);
            if (inserted) order.push_back(key);
            it->second.push_back(&layer.polygons[i]);
        }
        out.names = order;
        out.geoms.resize(order.size());
        for (std::size_t g = 0; g < order.size(); ++g)
            out.geoms[g] = dissolve(groups[order[g]], opts.threads);
    } else {
        out.names = std::move(layer.ids);
        out.geoms = std::move(layer.polygons);
    }
    return out;
}

}  // namespace redline
