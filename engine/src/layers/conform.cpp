#include "redline/layers/conform.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <memory>
#include <vector>

#include "redline/core/error.hpp"
#include "redline/core/gauss_kruger_zone.hpp"
#include "redline/exec/ordered_executor.hpp"
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

namespace {

// Densifies and transforms every feature on up to `threads` threads, one Transformer per thread
// (PROJ objects are not thread-safe) built once the first feature on that thread needs it. The
// first failure in feature order is reported, as by one thread.
void reproject_features(PolygonLayer& layer, const Crs& target, double seg,
                        const std::string& feature_word, int threads) {
    const std::size_t n = layer.geoms.size();
    // Built here first: PROJ finding no operation is reported once, on the calling thread.
    Transformer first(layer.crs.wkt, target.wkt);
    std::vector<std::string> errors(n);
    std::atomic<std::size_t> first_bad{n};
    auto run = [&](std::size_t a, std::size_t b, const Transformer& t) {
        for (std::size_t i = a; i < b && i < first_bad.load(std::memory_order_relaxed); ++i) {
            try {
                reproject(layer.geoms[i], t, seg);
            } catch (const Error& e) {
                errors[i] = e.what();
                std::size_t cur = first_bad.load();
                while (i < cur && !first_bad.compare_exchange_weak(cur, i)) {
                }
                return;
            }
        }
    };
    const int nt = resolve_threads(threads);
    if (nt <= 1 || n < 2) {
        run(0, n, first);
    } else {
        tbb::enumerable_thread_specific<std::unique_ptr<Transformer>> local;
        tbb::task_arena arena(nt);
        arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1),
                              [&](const tbb::blocked_range<std::size_t>& r) {
                                  auto& t = local.local();
                                  if (!t)
                                      t = std::make_unique<Transformer>(layer.crs.wkt, target.wkt);
                                  run(r.begin(), r.end(), *t);
                              });
        });
    }
    const std::size_t i = first_bad.load();
    if (i < n)
        fail(ErrorKind::InvalidInput,
             fmt::format("{} '{}' of layer '{}' cannot be transformed from {} to {}: {}",
                         feature_word, layer.ids[i], layer.label, layer.crs.label, target.label,
                         errors[i]));
}

}  // namespace

std::string make_valid_warning(std::size_t count, const std::string& label) {
    return fmt::format("repaired {} invalid geometr{} of layer '{}' with GEOS MakeValid", count,
                       count == 1 ? "y" : "ies", label);
}

void conform(PolygonLayer& layer, const Crs& target, const std::string& target_name,
             const LayerPolicy& policy, int threads, ProgressSink* progress,
             std::vector<std::size_t>* repaired) {
    if (repaired) repaired->clear();
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
        reproject_features(layer, target, seg, lo.feature_word, threads);
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
        layer.warnings.push_back(make_valid_warning(layer.repaired, layer.label));
        if (repaired) *repaired = std::move(which);
    }
    if (lo.period > 0) split_lonlat_layer(layer.geoms, lo, lr);
}

}  // namespace redline
