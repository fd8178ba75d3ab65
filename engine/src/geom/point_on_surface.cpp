#include "redline/geom/point_on_surface.hpp"

#include "geos_handle.hpp"

namespace redline {

Point point_on_surface(const MultiPolygon& mp) {
    Point out;
    if (mp.empty()) return out;
    detail::GeosContext ctx;
    const auto g = detail::to_geos(ctx, mp);
    const auto p = detail::own(ctx, GEOSPointOnSurface_r(ctx.get(), g.get()));
    if (p && !GEOSisEmpty_r(ctx.get(), p.get())) {
        GEOSGeomGetX_r(ctx.get(), p.get(), &out.x);
        GEOSGeomGetY_r(ctx.get(), p.get(), &out.y);
    }
    return out;
}

}  // namespace redline
