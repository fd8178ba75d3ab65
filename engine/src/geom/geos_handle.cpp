#include "geos_handle.hpp"

#include <fmt/format.h>

#include "redline/core/error.hpp"

namespace redline::detail {

GeosContext::GeosContext() : m_ctx(GEOS_init_r()) {
    GEOSContext_setErrorMessageHandler_r(m_ctx, &GeosContext::on_error, this);
    GEOSContext_setNoticeMessageHandler_r(m_ctx, nullptr, nullptr);
}

GeosContext::~GeosContext() { GEOS_finish_r(m_ctx); }

void GeosContext::on_error(const char* msg, void* self) {
    if (self && msg) static_cast<GeosContext*>(self)->m_error = msg;
}

namespace {

GEOSGeometry* ring_of(const GeosContext& c, const Ring& r) {
    std::vector<double> buf;
    buf.reserve(r.size() * 2 + 2);
    for (const auto& p : r) {
        buf.push_back(p.x);
        buf.push_back(p.y);
    }
    if (!r.empty() && !(r.front() == r.back())) {
        buf.push_back(r.front().x);
        buf.push_back(r.front().y);
    }
    GEOSCoordSequence* seq =
        GEOSCoordSeq_copyFromBuffer_r(c.get(), buf.data(), buf.size() / 2, 0, 0);
    if (!seq)
        fail(ErrorKind::Internal, "GEOS cannot build a coordinate sequence: " + c.last_error());
    GEOSGeometry* g = GEOSGeom_createLinearRing_r(c.get(), seq);
    if (!g) fail(ErrorKind::Internal, "GEOS cannot build a ring: " + c.last_error());
    return g;
}

GEOSGeometry* polygon_of(const GeosContext& c, const Polygon& p) {
    if (p.rings.empty()) return GEOSGeom_createEmptyPolygon_r(c.get());
    GEOSGeometry* shell = ring_of(c, p.rings[0]);
    std::vector<GEOSGeometry*> holes;
    for (std::size_t i = 1; i < p.rings.size(); ++i) holes.push_back(ring_of(c, p.rings[i]));
    GEOSGeometry* g =
        GEOSGeom_createPolygon_r(c.get(), shell, holes.data(), static_cast<unsigned>(holes.size()));
    if (!g) fail(ErrorKind::Internal, "GEOS cannot build a polygon: " + c.last_error());
    return g;
}

Ring ring_from(const GeosContext& c, const GEOSGeometry* ring) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(c.get(), ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(c.get(), seq, &n);
    std::vector<double> buf(static_cast<std::size_t>(n) * 2);
    if (n) GEOSCoordSeq_copyToBuffer_r(c.get(), seq, buf.data(), 0, 0);
    Ring r(n);
    for (unsigned i = 0; i < n; ++i) r[i] = Point{buf[2 * i], buf[2 * i + 1]};
    return r;
}

void collect(const GeosContext& c, const GEOSGeometry* g, MultiPolygon& out) {
    const int type = GEOSGeomTypeId_r(c.get(), g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(c.get(), g)) return;
        Polygon p;
        p.rings.push_back(ring_from(c, GEOSGetExteriorRing_r(c.get(), g)));
        const int nh = GEOSGetNumInteriorRings_r(c.get(), g);
        for (int i = 0; i < nh; ++i)
            p.rings.push_back(ring_from(c, GEOSGetInteriorRingN_r(c.get(), g, i)));
        out.polygons.push_back(std::move(p));
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(c.get(), g);
        for (int i = 0; i < n; ++i) collect(c, GEOSGetGeometryN_r(c.get(), g, i), out);
    }
}

void collect_lines(const GeosContext& c, const GEOSGeometry* g, MultiLineString& out) {
    const int type = GEOSGeomTypeId_r(c.get(), g);
    if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        if (GEOSisEmpty_r(c.get(), g)) return;
        out.lines.push_back(ring_from(c, g));
    } else if (type == GEOS_MULTILINESTRING || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(c.get(), g);
        for (int i = 0; i < n; ++i) collect_lines(c, GEOSGetGeometryN_r(c.get(), g, i), out);
    }
}

}  // namespace

GeomPtr to_geos(const GeosContext& c, const Polygon& p) { return own(c, polygon_of(c, p)); }

GeomPtr to_geos(const GeosContext& c, const MultiPolygon& mp) {
    std::vector<GEOSGeometry*> parts;
    parts.reserve(mp.polygons.size());
    for (const auto& p : mp.polygons) parts.push_back(polygon_of(c, p));
    GEOSGeometry* g = GEOSGeom_createCollection_r(c.get(), GEOS_MULTIPOLYGON, parts.data(),
                                                  static_cast<unsigned>(parts.size()));
    if (!g) fail(ErrorKind::Internal, "GEOS cannot build a multipolygon: " + c.last_error());
    return own(c, g);
}

GeomPtr to_geos_line(const GeosContext& c, const LineString& l) {
    std::vector<double> buf;
    buf.reserve(l.size() * 2);
    for (const auto& p : l) {
        buf.push_back(p.x);
        buf.push_back(p.y);
    }
    GEOSCoordSequence* seq = GEOSCoordSeq_copyFromBuffer_r(c.get(), buf.data(), l.size(), 0, 0);
    GEOSGeometry* g = seq ? GEOSGeom_createLineString_r(c.get(), seq) : nullptr;
    if (!g) fail(ErrorKind::Internal, "GEOS cannot build a line: " + c.last_error());
    return own(c, g);
}

GeomPtr to_geos_lines(const GeosContext& c, const MultiLineString& ml) {
    std::vector<GEOSGeometry*> parts;
    for (const auto& l : ml.lines) parts.push_back(to_geos_line(c, l).release());
    GEOSGeometry* g = GEOSGeom_createCollection_r(c.get(), GEOS_MULTILINESTRING, parts.data(),
                                                  static_cast<unsigned>(parts.size()));
    if (!g) fail(ErrorKind::Internal, "GEOS cannot build a multiline: " + c.last_error());
    return own(c, g);
}

MultiPolygon polygons_of(const GeosContext& c, const GEOSGeometry* g) {
    MultiPolygon out;
    if (g) collect(c, g, out);
    return out;
}

MultiLineString lines_of(const GeosContext& c, const GEOSGeometry* g) {
    MultiLineString out;
    if (g) collect_lines(c, g, out);
    return out;
}

}  // namespace redline::detail
