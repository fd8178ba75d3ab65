#pragma once
// Private GEOS helpers for geom/: a per-thread context that records errors, and conversion
// between the engine's value types and GEOS geometries.
#include <geos_c.h>

#include <memory>
#include <string>

#include "redline/core/geometry.hpp"

namespace redline::detail {

class GeosContext {
  public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;
    GEOSContextHandle_t get() const { return m_ctx; }
    const std::string& last_error() const { return m_error; }

  private:
    static void on_error(const char* msg, void* self);
    GEOSContextHandle_t m_ctx;
    std::string m_error;
};

struct GeomDeleter {
    GEOSContextHandle_t ctx;
    void operator()(GEOSGeometry* g) const {
        if (g) GEOSGeom_destroy_r(ctx, g);
    }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

inline GeomPtr own(const GeosContext& c, GEOSGeometry* g) {
    return GeomPtr(g, GeomDeleter{c.get()});
}

// Throws Error(Internal) when GEOS fails to build the geometry.
GeomPtr to_geos(const GeosContext& c, const MultiPolygon& mp);
GeomPtr to_geos(const GeosContext& c, const Polygon& p);
GeomPtr to_geos_line(const GeosContext& c, const LineString& l);
GeomPtr to_geos_lines(const GeosContext& c, const MultiLineString& ml);
// Polygonal parts of any geometry (collections are walked; lines and points dropped).
MultiPolygon polygons_of(const GeosContext& c, const GEOSGeometry* g);
// Lineal parts of any geometry.
MultiLineString lines_of(const GeosContext& c, const GEOSGeometry* g);

}  // namespace redline::detail
