#include "redline/layers/overlay_layers.hpp"

#include <fmt/format.h>

#include "redline/core/error.hpp"
#include "redline/core/gauss_kruger_zone.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geodesy/transformer.hpp"
#include "redline/geom/validity.hpp"
#include "redline/io/crs.hpp"
#include "redline/layers/lonlat_rings.hpp"

namespace redline {

nlohmann::json OverlayLayer::describe() const {
    nlohmann::json j{{"layer", label},     {"path", path},         {"crs", source_crs_label},
                     {"features", size()}, {"repaired", repaired}, {"reprojected", reprojected}};
    if (reprojected) j["reprojected_to"] = crs_label;
    return j;
}

OverlayLayer read_overlay_layer(const std::string& layer_ref, const LayerReadOptions& read,
                                const OverlayLayerOptions& opts) {
    LayerReadOptions ro = read;
    ro.assign_crs = opts.layer_crs;
    ro.encoding = opts.encoding;
    ro.encoding_option = opts.option_prefix + "encoding";
    VectorLayer vl = read_polygon_layer(parse_layer_ref(layer_ref), ro);
    if (vl.crs_wkt.empty()) {
        const std::string where = fmt::format(
            "layer '{}' in '{}' has no CRS, so its areas are unknown", vl.label, vl.ref.path);
        const std::string hint = gauss_kruger_hint(vl.extent(), opts.crs_option);
        if (!hint.empty()) fail(ErrorKind::InvalidInput, fmt::format("{}; {}", where, hint));
        if (opts.crs_option.empty())
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}; declare it in the file (a .prj beside a shapefile, or ogr2ogr "
                             "-a_srs EPSG:CODE; EPSG:4490 for CGCS2000 lon/lat)",
                             where));
        fail(ErrorKind::InvalidInput,
             fmt::format("{}; declare it with {} (e.g. {} EPSG:4490 for CGCS2000 lon/lat)", where,
                         opts.crs_option, opts.crs_option));
    }
    OverlayLayer out;
    out.label = vl.label;
    out.path = vl.ref.path;
    out.crs_wkt = vl.crs_wkt;
    out.crs_label = vl.crs_label;
    out.source_crs_label = vl.crs_label;
    out.ids = std::move(vl.ids);
    out.groups = std::move(vl.groups);
    out.geoms = std::move(vl.polygons);
    out.warnings = std::move(vl.warnings);
    if (vl.crs_assigned)
        out.warnings.push_back(fmt::format("layer '{}' declares no CRS; using {} as given by {}",
                                           out.label, out.crs_label, opts.crs_option));
    return out;
}

void conform_overlay_layer(OverlayLayer& layer, const std::string& target_crs_wkt,
                           const std::string& target_label, const OverlayLayerOptions& opts) {
    const std::string& pre = opts.option_prefix;
    LonLatRingOptions lo;
    lo.layer_text = fmt::format("layer '{}' in '{}'", layer.label, layer.path);
    LonLatRingReport lr;
    if (!same_crs(layer.crs_wkt, target_crs_wkt)) {
        const std::string target_crs = crs_label_of(target_crs_wkt);
        if (!opts.reproject)
            fail(ErrorKind::InvalidInput,
                 fmt::format("CRS mismatch: {} is {}, layer '{}' in '{}' is {}. Reproject "
                             "one of them, or pass {}reproject to transform '{}' into {} (edges "
                             "densified to {} m).",
                             target_label, target_crs, layer.label, layer.path, layer.crs_label,
                             pre, layer.label, target_crs, opts.densify_m));
        const CrsDescription src = describe_crs(layer.crs_wkt);
        const double seg = src.kind == CrsKind::Geographic
                               ? opts.densify_m / 111320.0
                               : opts.densify_m / (src.unit_to_metre > 0 ? src.unit_to_metre : 1.0);
        // Rings crossing the antimeridian are unwrapped before their edges are densified; a
        // ring around a pole has no outline that transforms edge by edge.
        lo.period = lonlat_period_of(layer.crs_wkt);
        if (lo.period > 0) {
            // Into another lon/lat CRS, a ring closed along its pole stays one.
            lo.pole_rings =
                lonlat_period_of(target_crs_wkt) > 0 ? PoleRings::Close : PoleRings::Refuse;
            lo.refuse_reason = fmt::format(
                "such a region cannot be transformed into {} edge by "
                "edge ({}reproject)",
                target_crs, pre);
            prepare_lonlat_rings(layer.geoms, layer.ids, lo, lr);
        }
        Transformer t(layer.crs_wkt, target_crs_wkt);
        for (std::size_t i = 0; i < layer.geoms.size(); ++i) {
            try {
                reproject(layer.geoms[i], t, seg);
            } catch (const Error& e) {
                fail(ErrorKind::InvalidInput,
                     fmt::format(
                         "feature '{}' of layer '{}' cannot be transformed from {} to {}: {}",
                         layer.ids[i], layer.label, layer.crs_label, target_crs, e.what()));
            }
        }
        layer.reprojected = true;
        layer.crs_wkt = target_crs_wkt;
        layer.crs_label = target_crs;
        layer.warnings.push_back(
            fmt::format("layer '{}' was transformed from {} to {} (edges densified to {} m)",
                        layer.label, layer.source_crs_label, target_crs, opts.densify_m));
    }

    // Lon/lat target: rings across the antimeridian or around a pole (layers/lonlat_rings.hpp).
    lo.period = lonlat_period_of(target_crs_wkt);
    lo.pole_rings = PoleRings::Close;
    if (lo.period > 0) prepare_lonlat_rings(layer.geoms, layer.ids, lo, lr);
    for (const auto& w : lr.warnings) layer.warnings.push_back(w);

    auto issues = find_validity_issues(layer.geoms, opts.threads);
    if (!issues.empty()) {
        if (!opts.make_valid)
            fail(ErrorKind::InvalidInput,
                 fmt::format(
                     "layer '{}' in '{}' has {} invalid geometr{}: {}. Fix them (see 'redline "
                     "validate'), or pass {}make-valid to repair them with GEOS MakeValid.",
                     layer.label, layer.path, issues.size(), issues.size() == 1 ? "y" : "ies",
                     describe_issues(issues, layer.ids), pre));
        std::vector<std::size_t> which;
        for (const auto& is : issues) which.push_back(is.index);
        layer.repaired = make_valid(layer.geoms, which, opts.threads);
        layer.warnings.push_back(
            fmt::format("repaired {} invalid geometr{} of layer '{}' with GEOS MakeValid",
                        layer.repaired, layer.repaired == 1 ? "y" : "ies", layer.label));
    }
    if (lo.period > 0) split_lonlat_layer(layer.geoms, lo, lr);
}

}  // namespace redline
