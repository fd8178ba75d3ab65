#include "redline/geom/side_buffer.hpp"

#include <cmath>

#include "geos_handle.hpp"
#include "redline/core/error.hpp"

namespace redline {

struct SideBuffer::Impl {
    detail::GeosContext ctx;
    GEOSBufferParams* params = nullptr;
    ~Impl() {
        if (params) GEOSBufferParams_destroy_r(ctx.get(), params);
    }
};

SideBuffer::SideBuffer(int quadrant_segments) : m_impl(std::make_unique<Impl>()) {
    GEOSContextHandle_t h = m_impl->ctx.get();
    m_impl->params = GEOSBufferParams_create_r(h);
    if (!m_impl->params)
        fail(ErrorKind::Internal,
             "GEOS cannot create buffer parameters: " + m_impl->ctx.last_error());
    GEOSBufferParams_setSingleSided_r(h, m_impl->params, 1);
    GEOSBufferParams_setEndCapStyle_r(h, m_impl->params, GEOSBUF_CAP_FLAT);
    GEOSBufferParams_setJoinStyle_r(h, m_impl->params, GEOSBUF_JOIN_ROUND);
    GEOSBufferParams_setQuadrantSegments_r(h, m_impl->params,
                                           quadrant_segments > 0 ? quadrant_segments : 8);
}

SideBuffer::~SideBuffer() = default;
SideBuffer::SideBuffer(SideBuffer&&) noexcept = default;
SideBuffer& SideBuffer::operator=(SideBuffer&&) noexcept = default;

MultiPolygon SideBuffer::strip(const LineString& line, double width, Side side) const {
    // Drop repeated points; a line of zero length has no strip.
    LineString clean;
    clean.reserve(line.size());
    for (const auto& p : line)
        if (clean.empty() || !(clean.back() == p)) clean.push_back(p);
    if (clean.size() < 2 || !(width > 0)) return {};
    const detail::GeosContext& c = m_impl->ctx;
    detail::GeomPtr g = detail::to_geos_line(c, clean);
    // GEOS: a positive distance buffers the left side of a single-sided buffer.
    const double d = side == Side::Left ? width : -width;
    detail::GeomPtr b = detail::own(c, GEOSBufferWithParams_r(c.get(), g.get(), m_impl->params, d));
    if (!b) fail(ErrorKind::Internal, "GEOS cannot buffer a shoreline piece: " + c.last_error());
    return detail::polygons_of(c, b.get());
}

}  // namespace redline
