#pragma once
// Point queries against one polygonal geometry with GEOS prepared (indexed) geometries:
// point-in-polygon, distance to the boundary, nearest boundary point. Each query is
// O(log n) in the polygon's vertex count once the index is built (on first use).
//
// Distances are planar, in the geometry's CRS units; callers convert to metres with a local
// metric (geodesy/line_measurer.hpp).
// Thread-safety: owns a GEOS context and lazily built indexes; one PolygonLocator per thread.
#include <memory>

#include "redline/core/geometry.hpp"

namespace redline {

class PolygonLocator {
  public:
    // `polygon` should be valid (layers/conform.hpp checks or repairs validity).
    explicit PolygonLocator(const MultiPolygon& polygon);
    ~PolygonLocator();
    PolygonLocator(PolygonLocator&&) noexcept;
    PolygonLocator& operator=(PolygonLocator&&) noexcept;

    const Box& bounds() const { return m_bounds; }
    bool empty() const { return m_bounds.empty(); }
    // True when p is inside the polygon or on its boundary.
    bool covers(const Point& p) const;
    // True when p is within distance d (CRS units) of the polygon's boundary.
    bool boundary_within(const Point& p, double d) const;
    // The point of the boundary nearest to p (planar); p itself for an empty polygon.
    Point nearest_boundary_point(const Point& p) const;
    // Planar distance from p to the polygon (0 inside or on the boundary).
    double distance(const Point& p) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    Box m_bounds;
};

}  // namespace redline
