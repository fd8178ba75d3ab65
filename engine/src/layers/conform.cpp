#include "redline/layers/conform.hpp"

#include <fmt/format.h>

#include "redline/core/error.hpp"
#include "redline/core/gauss_kruger_zone.hpp"
#include "redline/geodesy/transformer.hpp"
#include "redline/geom/validity.hpp"
#include "redline/io/crs.hpp"
#include "redline/layers/lonlat_rings.hpp"

namespace redline {

void require_crs(const PolygonLayer& layer, const Crs& target, const std::string& target_name,
                 const LayerPolicy& policy) {
    if (!layer.crs.empty()) return;
    const std::string& crs_name = policy.naming.crs_option;
    const std::string opt = crs_name.empty() ? std::string() : policy.naming.option(crs_name);
    const std::string hint = gauss_kruger_hint(layer.extent(), crs_name);
    if (policy.naming.role == LayerRole::Overlay) {
        const std::string where = fmt::format(
            "layer '{}' in '{}' has no CRS, so its areas are unknown", layer.label, layer.path);
        if (!hint.empty()) fail(ErrorKind::InvalidInput, fmt::format("{}; {}", where, hint));
        if (opt.empty())
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}; declare it in the file (a .prj beside a shapefile, or ogr2ogr "
                             "-a_srs EPSG:CODE; EPSG:4490 for CGCS2000 lon/lat)",
                             where));
        fail(ErrorKind::InvalidInput,
             fmt::format("{}; declare it with {} (e.g. {} for CGCS2000 lon/lat)", where, opt,
                         option(crs_name, "EPSG:4490")));
    }
    const std::string where = fmt::format("layer '{}' in '{}' has no CRS", layer.label, layer.path);
    if (!hint.empty())
        fail(ErrorKind::InvalidInput,
             fmt::format("{}; {} ({} is {})", where, hint, target_name, target.label));
    if (opt.empty())
        fail(ErrorKind::InvalidInput,
             fmt::format("{}; declare it in the file (a .prj beside a shapefile, or ogr2ogr "
                         "-a_srs EPSG:CODE); {} is {}",
                         where, target_name, target.label));
    fail(ErrorKind::InvalidInput,
         fmt::format("{}; declare it with {} (e.g. {}; {} is {})", where, opt,
                     option(crs_name, "EPSG:4326"), target_name, target.label));
}

void conform(PolygonLayer& layer, const Crs& target, const std::string& target_name,
             const LayerPolicy& policy, int threads, ProgressSink* progress) {
    require_crs(layer, target, target_name, policy);
    const bool zones = policy.naming.role == LayerRole::Zones;
    const std::string reproject_flag = policy.naming.flag("reproject");
    LonLatRingOptions lo;
    lo.layer_text = fmt::format("layer '{}' in '{}'", layer.label, layer.path);
    if (zones) lo.feature_word = "zone";
    LonLatRingReport lr;

    // CRS
    if (!same_crs(layer.crs.wkt, target.wkt)) {
        if (!policy.reproject) {
            const std::string fix =
                zones ? fmt::format("pass {} to transform the zones into the raster CRS",
                                    reproject_flag)
                      : fmt::format(
                            "pass {} to transform '{}' into {} (edges densified "
                            "to {} m)",
                            reproject_flag, layer.label, target.label, policy.densify_m);
            fail(ErrorKind::InvalidInput,
                 fmt::format("CRS mismatch: {} is {}, layer '{}' in '{}' is {}. Reproject one of "
                             "them, or {}.",
                             target_name, target.label, layer.label, layer.path, layer.crs.label,
                             fix));
        }
        // The densification step in the layer's own units (a degree taken as 111,320 m).
        const double seg =
            layer.crs.geographic()
                ? policy.densify_m / 111320.0
                : policy.densify_m / (layer.crs.unit_to_metre > 0 ? layer.crs.unit_to_metre : 1.0);
        // Rings crossing the antimeridian are unwrapped before their edges are densified; a
        // ring around a pole has no outline that transforms edge by edge.
        lo.period = layer.crs.lonlat_period();
        if (lo.period > 0) {
            // Into another lon/lat CRS, a ring closed along its pole stays one.
            lo.pole_rings = target.lonlat_period() > 0 ? PoleRings::Close : PoleRings::Refuse;
            lo.refuse_reason =
                zones ? fmt::format(
                            "such a zone cannot be transformed into the CRS of {} edge by "
                            "edge ({})",
                            target_name, reproject_flag)
                      : fmt::format(
                            "such a region cannot be transformed into {} edge by edge "
                            "({})",
                            target.label, reproject_flag);
            prepare_lonlat_rings(layer.geoms, layer.ids, lo, lr);
        }
        Transformer t(layer.crs.wkt, target.wkt);
        for (std::size_t i = 0; i < layer.geoms.size(); ++i) {
            try {
                reproject(layer.geoms[i], t, seg);
            } catch (const Error& e) {
                fail(ErrorKind::InvalidInput,
                     fmt::format("{} '{}' of layer '{}' cannot be transformed from {} to {}: {}",
                                 lo.feature_word, layer.ids[i], layer.label, layer.crs.label,
                                 target.label, e.what()));
            }
        }
        layer.reprojected = true;
        if (!zones)
            layer.warnings.push_back(
                fmt::format("layer '{}' was transformed from {} to {} (edges densified to {} m)",
                            layer.label, layer.source_crs_label, target.label, policy.densify_m));
        layer.crs = target;
    }

    // Lon/lat target: rings across the antimeridian or around a pole (layers/lonlat_rings.hpp).
    lo.period = target.lonlat_period();
    lo.pole_rings = PoleRings::Close;
    if (lo.period > 0) prepare_lonlat_rings(layer.geoms, layer.ids, lo, lr);
    for (const auto& w : lr.warnings) layer.warnings.push_back(w);

    // Validity
    auto issues = find_validity_issues(layer.geoms, threads, progress);
    if (!issues.empty()) {
        if (!policy.make_valid)
            fail(ErrorKind::InvalidInput,
                 fmt::format("layer '{}' in '{}' has {} invalid geometr{}: {}. Fix them{}, or pass "
                             "{} to repair them with GEOS MakeValid.",
                             layer.label, layer.path, issues.size(),
                             issues.size() == 1 ? "y" : "ies", describe_issues(issues, layer.ids),
                             zones ? "" : " (see 'redline validate')",
                             policy.naming.flag("make_valid")));
        std::vector<std::size_t> which;
        for (const auto& is : issues) which.push_back(is.index);
        layer.repaired = make_valid(layer.geoms, which, threads);
        layer.warnings.push_back(
            fmt::format("repaired {} invalid geometr{} of layer '{}' with GEOS MakeValid",
                        layer.repaired, layer.repaired == 1 ? "y" : "ies", layer.label));
    }
    if (lo.period > 0) split_lonlat_layer(layer.geoms, lo, lr);
}

}  // namespace redline
