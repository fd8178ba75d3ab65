#include "redline/layers/lonlat_rings.hpp"

#include <fmt/format.h>

#include <cmath>

#include "redline/core/error.hpp"
#include "redline/geodesy/ellipsoid.hpp"
#include "redline/geodesy/lonlat_ring.hpp"
#include "redline/geom/antimeridian_split.hpp"

namespace redline {
namespace {

constexpr const char* kFix =
    "Fix: split the ring at the antimeridian so that no edge spans more than 180 degrees of "
    "longitude, and close a ring that goes around a pole along the pole (e.g. ..., (180, -78), "
    "(180, -90), (-180, -90), (-180, -78), ..., as Natural Earth stores Antarctica); see "
    "docs/geodesy-rings.md";

std::string ring_text(const LonLatRingOptions& o, const std::string& id, std::size_t polygon,
                      std::size_t ring) {
    return fmt::format("{} '{}' of {}: {} of its polygon {}", o.feature_word, id, o.layer_text,
                       ring == 0 ? std::string("the exterior ring") : fmt::format("hole {}", ring),
                       polygon + 1);
}

double center_x(const Ring& r) {
    Box b;
    for (const auto& p : r) b.expand(p);
    return 0.5 * (b.xmin + b.xmax);
}

}  // namespace

void prepare_lonlat_rings(std::vector<MultiPolygon>& geoms, const std::vector<std::string>& ids,
                          const LonLatRingOptions& o, LonLatRingReport& report) {
    const double P = o.period;
    std::vector<std::string> pole_features;
    std::size_t unwrapped = 0;
    for (std::size_t i = 0; i < geoms.size(); ++i) {
        const std::string& id = i < ids.size() ? ids[i] : std::to_string(i + 1);
        for (std::size_t pi = 0; pi < geoms[i].polygons.size(); ++pi) {
            Polygon& poly = geoms[i].polygons[pi];
            bool changed = false;
            for (std::size_t ri = 0; ri < poly.rings.size(); ++ri) {
                Ring& ring = poly.rings[ri];
                const LonLatRingShape s = lonlat_ring_shape(ring, P);
                if (s.plain()) continue;
                if (!s.problem.empty())
                    fail(ErrorKind::InvalidInput,
                         fmt::format("{} has no single meaning on the globe: {}. {}",
                                     ring_text(o, id, pi, ri), s.problem, kFix));
                Ring u = unwrap_lonlat_ring(ring, P);
                if (s.turns != 0) {
                    if (ri > 0)
                        fail(ErrorKind::InvalidInput,
                             fmt::format("{} winds once around the polar axis (its longitudes, "
                                         "read across the antimeridian, sweep 360 degrees): it "
                                         "would bound a region around a pole, which a hole "
                                         "cannot. {}",
                                         ring_text(o, id, pi, ri), kFix));
                    double pole = 0;
                    try {
                        pole = enclosed_pole(u, Ellipsoid::cgcs2000(), P);
                    } catch (const Error& e) {
                        fail(e.kind(),
                             fmt::format("{}: {}. {}", ring_text(o, id, pi, ri), e.what(), kFix));
                    }
                    const char* which = pole > 0 ? "north" : "south";
                    if (o.pole_rings == PoleRings::Refuse)
                        fail(ErrorKind::InvalidInput,
                             fmt::format(
                                 "{} winds once around the polar axis (its longitudes, read "
                                 "across the antimeridian, sweep 360 degrees), so it bounds the "
                                 "region containing the {} pole; {}. Fix: work with the layer "
                                 "in its lon/lat CRS, or cut the region into pieces that do not "
                                 "go around the pole (docs/geodesy-rings.md)",
                                 ring_text(o, id, pi, ri), which, o.refuse_reason));
                    u = close_around_pole(u, pole);
                    ++report.pole_closed;
                    pole_features.push_back(fmt::format("'{}' ({} pole)", id, which));
                } else {
                    ++unwrapped;
                }
                ring = std::move(u);
                changed = true;
            }
            if (!changed || poly.rings.size() < 2) continue;
            const double c = center_x(poly.rings[0]);
            for (std::size_t ri = 1; ri < poly.rings.size(); ++ri) {
                const double k = std::round((c - center_x(poly.rings[ri])) / P);
                if (k != 0.0)
                    for (auto& p : poly.rings[ri]) p.x += k * P;
            }
        }
    }
    report.unwrapped += unwrapped;
    if (unwrapped)
        report.warnings.push_back(fmt::format(
            "{}: {} ring{} with edges spanning more than 180 degrees of longitude {} read as "
            "crossing the antimeridian the short way (docs/geodesy-rings.md)",
            o.layer_text, unwrapped, unwrapped == 1 ? "" : "s", unwrapped == 1 ? "is" : "are"));
    if (!pole_features.empty()) {
        std::string list;
        for (std::size_t k = 0; k < pole_features.size() && k < 10; ++k)
            list += (k ? ", " : "") + pole_features[k];
        if (pole_features.size() > 10)
            list += fmt::format(" and {} more", pole_features.size() - 10);
        const std::size_t n = pole_features.size();
        report.warnings.push_back(fmt::format(
            "{}: {} exterior ring{} wind{} around a pole and {} measured as the region containing "
            "it (the smaller of its two regions, closed along the pole; docs/geodesy-rings.md): {}",
            o.layer_text, n, n == 1 ? "" : "s", n == 1 ? "s" : "", n == 1 ? "is" : "are", list));
    }
}

void split_lonlat_layer(std::vector<MultiPolygon>& geoms, const LonLatRingOptions& o,
                        LonLatRingReport& report) {
    for (auto& g : geoms) report.split += split_at_antimeridian(g, o.period);
}

}  // namespace redline
