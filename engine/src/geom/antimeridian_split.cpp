#include "redline/geom/antimeridian_split.hpp"

#include <cmath>
#include <memory>

#include "geos_handle.hpp"
#include "redline/core/error.hpp"

namespace redline {
namespace {

Box polygon_bounds(const Polygon& p) {
    Box b;
    if (!p.rings.empty())
        for (const auto& pt : p.rings[0]) b.expand(pt);
    return b;
}

}  // namespace

std::size_t split_at_antimeridian(MultiPolygon& mp, double period) {
    const double half = 0.5 * period;
    std::unique_ptr<detail::GeosContext> ctx;
    std::size_t split = 0;
    MultiPolygon out;
    for (std::size_t i = 0; i < mp.polygons.size(); ++i) {
        const Box b = polygon_bounds(mp.polygons[i]);
        if (b.empty() || (b.xmin >= -half && b.xmax <= half)) {
            if (split) out.polygons.push_back(std::move(mp.polygons[i]));
            continue;
        }
        if (!split)
            for (std::size_t j = 0; j < i; ++j) out.polygons.push_back(std::move(mp.polygons[j]));
        ++split;
        if (!ctx) ctx = std::make_unique<detail::GeosContext>();
        const detail::GeomPtr g = detail::to_geos(*ctx, mp.polygons[i]);
        MultiPolygon pieces;
        const double k_lo = std::floor((b.xmin + half) / period);
        const double k_hi = std::floor((b.xmax + half) / period);
        for (double k = k_lo; k <= k_hi; ++k) {
            const double x0 = -half + k * period, x1 = half + k * period;
            if (!(b.xmax > x0 && b.xmin < x1)) continue;  // touches the window only
            const detail::GeomPtr box = detail::own(
                *ctx, GEOSGeom_createRectangle_r(ctx->get(), x0, b.ymin - 1.0, x1, b.ymax + 1.0));
            if (!box) fail(ErrorKind::Internal, "GEOS cannot build a box: " + ctx->last_error());
            const detail::GeomPtr piece =
                detail::own(*ctx, GEOSIntersection_r(ctx->get(), g.get(), box.get()));
            if (!piece)
                fail(ErrorKind::Internal,
                     "GEOS cannot cut a polygon at the antimeridian: " + ctx->last_error());
            MultiPolygon parts = detail::polygons_of(*ctx, piece.get());
            const double shift = k * period;
            for (auto& p : parts.polygons) {
                if (shift != 0.0)
                    for (auto& r : p.rings)
                        for (auto& pt : r) pt.x -= shift;
                pieces.polygons.push_back(std::move(p));
            }
        }
        // Pieces of different windows that meet along a line inside the polygon (the seam of a
        // ring closed along a pole) become one polygon again: the result stays valid.
        if (pieces.polygons.size() > 1) {
            const detail::GeomPtr all = detail::to_geos(*ctx, pieces);
            const detail::GeomPtr merged =
                detail::own(*ctx, GEOSUnaryUnion_r(ctx->get(), all.get()));
            if (!merged)
                fail(ErrorKind::Internal,
                     "GEOS cannot merge the pieces of a polygon cut at the antimeridian: " +
                         ctx->last_error());
            pieces = detail::polygons_of(*ctx, merged.get());
        }
        for (auto& p : pieces.polygons) out.polygons.push_back(std::move(p));
    }
    if (split) mp = std::move(out);
    return split;
}

}  // namespace redline
