#pragma once
// Mainland or island, and the landward side, of a shoreline piece from the mainland polygon
// (`redline shoreline --mainland`, docs/indicators.md#shoreline-retention).
//
// Mainland: the piece's midpoint is within `snap_m` (DEFAULT 50 m in ShorelineRequest; geodesic
// metres through the local metric at the midpoint) of the polygon's boundary. Other pieces are
// islands (or lines away from the mainland coast) and leave the share.
// Landward side (mainland pieces only): with d the midpoint's distance to the boundary (m),
// probes at d + 1, 2, 4, ... 64 m on both sides along the normal at the midpoint; the first
// distance at which exactly one probe is inside (or on) the polygon gives the side. When no
// distance decides (both or neither inside every time: a polygon thinner than the probes, a
// piece across a headland) the side is left undecided and the caller uses its convention.
// Thread-safety: holds a PolygonLocator (GEOS context, lazy indexes): one per thread.
#include <optional>

#include "redline/core/geometry.hpp"
#include "redline/geodesy/line_measurer.hpp"
#include "redline/geom/polygon_locator.hpp"
#include "redline/geom/side_buffer.hpp"

namespace redline {

struct MainlandPlace {
    bool mainland = false;
    std::optional<Side> land_side;  // decided by the probes; mainland pieces only
};

class MainlandLocator {
  public:
    // `mainland` in the lines' CRS, valid (layers/zone_preparation.hpp); snap_m >= 0 (m).
    MainlandLocator(const MultiPolygon& mainland, double snap_m);

    // The place of the piece of `ml` whose midpoint is at geodesic position s; `mid` is
    // ml.point_at(s) and `metric` the local metric at `mid`.
    MainlandPlace locate(const MeasuredLine& ml, double s, const Point& mid,
                         const LocalMetric& metric) const;

  private:
    PolygonLocator m_polygon;
    double m_snap_m;
};

}  // namespace redline
