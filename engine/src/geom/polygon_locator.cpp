#include "redline/geom/polygon_locator.hpp"

#include <cmath>
#include <limits>

#include "geos_handle.hpp"
#include "redline/core/error.hpp"

namespace redline {

struct PolygonLocator::Impl {
    detail::GeosContext ctx;
    detail::GeomPtr polygon{nullptr, detail::GeomDeleter{nullptr}};
    detail::GeomPtr boundary{nullptr, detail::GeomDeleter{nullptr}};
    const GEOSPreparedGeometry* prep_polygon = nullptr;
    const GEOSPreparedGeometry* prep_boundary = nullptr;
    ~Impl() {
        if (prep_polygon) GEOSPreparedGeom_destroy_r(ctx.get(), prep_polygon);
        if (prep_boundary) GEOSPreparedGeom_destroy_r(ctx.get(), prep_boundary);
    }
    detail::GeomPtr point(const Point& p) const {
        GEOSGeometry* g = GEOSGeom_createPointFromXY_r(ctx.get(), p.x, p.y);
        if (!g) fail(ErrorKind::Internal, "GEOS cannot build a point: " + ctx.last_error());
        return detail::own(ctx, g);
    }
};

PolygonLocator::PolygonLocator(const MultiPolygon& polygon) : m_impl(std::make_unique<Impl>()) {
    m_bounds = polygon.bounds();
    if (polygon.empty()) return;
    const detail::GeosContext& c = m_impl->ctx;
    m_impl->polygon = detail::to_geos(c, polygon);
    m_impl->boundary = detail::own(c, GEOSBoundary_r(c.get(), m_impl->polygon.get()));
    if (!m_impl->boundary)
        fail(ErrorKind::Internal, "GEOS cannot take a polygon boundary: " + c.last_error());
    m_impl->prep_polygon = GEOSPrepare_r(c.get(), m_impl->polygon.get());
    m_impl->prep_boundary = GEOSPrepare_r(c.get(), m_impl->boundary.get());
    if (!m_impl->prep_polygon || !m_impl->prep_boundary)
        fail(ErrorKind::Internal, "GEOS cannot prepare a polygon: " + c.last_error());
}

PolygonLocator::~PolygonLocator() = default;
PolygonLocator::PolygonLocator(PolygonLocator&&) noexcept = default;
PolygonLocator& PolygonLocator::operator=(PolygonLocator&&) noexcept = default;

bool PolygonLocator::covers(const Point& p) const {
    if (!m_impl->prep_polygon) return false;
    if (p.x < m_bounds.xmin || p.x > m_bounds.xmax || p.y < m_bounds.ymin || p.y > m_bounds.ymax)
        return false;
    auto g = m_impl->point(p);
    const char r = GEOSPreparedIntersects_r(m_impl->ctx.get(), m_impl->prep_polygon, g.get());
    if (r == 2)
        fail(ErrorKind::Internal, "GEOS point-in-polygon failed: " + m_impl->ctx.last_error());
    return r == 1;
}

bool PolygonLocator::boundary_within(const Point& p, double d) const {
    if (!m_impl->prep_boundary) return false;
    if (p.x < m_bounds.xmin - d || p.x > m_bounds.xmax + d || p.y < m_bounds.ymin - d ||
        p.y > m_bounds.ymax + d)
        return false;
    auto g = m_impl->point(p);
    const char r =
        GEOSPreparedDistanceWithin_r(m_impl->ctx.get(), m_impl->prep_boundary, g.get(), d);
    if (r == 2)
        fail(ErrorKind::Internal, "GEOS distance query failed: " + m_impl->ctx.last_error());
    return r == 1;
}

Point PolygonLocator::nearest_boundary_point(const Point& p) const {
    if (!m_impl->prep_boundary) return p;
    auto g = m_impl->point(p);
    GEOSCoordSequence* seq =
        GEOSPreparedNearestPoints_r(m_impl->ctx.get(), m_impl->prep_boundary, g.get());
    if (!seq)
        fail(ErrorKind::Internal, "GEOS nearest-point query failed: " + m_impl->ctx.last_error());
    double x = p.x, y = p.y;
    GEOSCoordSeq_getXY_r(m_impl->ctx.get(), seq, 0, &x, &y);
    GEOSCoordSeq_destroy_r(m_impl->ctx.get(), seq);
    return Point{x, y};
}

double PolygonLocator::distance(const Point& p) const {
    if (!m_impl->prep_boundary) return std::numeric_limits<double>::infinity();
    if (covers(p)) return 0.0;
    auto g = m_impl->point(p);
    double d = 0;
    if (!GEOSPreparedDistance_r(m_impl->ctx.get(), m_impl->prep_boundary, g.get(), &d))
        fail(ErrorKind::Internal, "GEOS distance query failed: " + m_impl->ctx.last_error());
    return d;
}

}  // namespace redline
