#include "redline/ops/shoreline/mainland_locator.hpp"

#include <cmath>

#include "redline/ops/shoreline/line_direction.hpp"

namespace redline {

MainlandLocator::MainlandLocator(const MultiPolygon& mainland, double snap_m)
    : m_polygon(mainland), m_snap_m(snap_m) {}

MainlandPlace MainlandLocator::locate(const MeasuredLine& ml, double s, const Point& mid,
                                      const LocalMetric& metric) const {
    MainlandPlace place;
    // Within snap_m: quick answers from the extreme scales, the exact distance otherwise.
    const double smin = metric.min_scale(), smax = metric.max_scale();
    if (m_polygon.boundary_within(mid, m_snap_m / smin)) {
        if (m_polygon.boundary_within(mid, m_snap_m / smax)) {
            place.mainland = true;
        } else {
            const Point q = m_polygon.nearest_boundary_point(mid);
            place.mainland = metric.metres(q.x - mid.x, q.y - mid.y) <= m_snap_m;
        }
    }
    if (!place.mainland) return place;
    const Point q = m_polygon.nearest_boundary_point(mid);
    const double delta = metric.metres(q.x - mid.x, q.y - mid.y);
    const Point n = left_normal(unit_tangent_at(ml, s, metric));
    for (int k = 0; k <= 6; ++k) {
        const double d = delta + std::ldexp(1.0, k);
        const bool in_left = m_polygon.covers(metric.to_crs(Point{n.x * d, n.y * d}));
        const bool in_right = m_polygon.covers(metric.to_crs(Point{-n.x * d, -n.y * d}));
        if (in_left != in_right) {
            place.land_side = in_left ? Side::Left : Side::Right;
            break;
        }
    }
    return place;
}

}  // namespace redline
