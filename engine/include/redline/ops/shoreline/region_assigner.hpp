#pragma once
// The --by region of a shoreline piece (`redline shoreline --by`, the report's per-region
// shares): the region polygon containing the piece's midpoint, the first in layer order when
// several do; else the nearest region whose boundary is within `snap_m` of the midpoint
// (DEFAULT 5000 m in ShorelineRequest; geodesic metres through the local metric; the first in
// layer order on equal distances), because coastlines and simplified administrative boundaries
// rarely coincide; else none. snap_m = 0 assigns by containment only.
// Thread-safety: holds PolygonLocators (GEOS contexts, lazy indexes): one per thread.
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/geodesy/line_measurer.hpp"
#include "redline/geom/polygon_locator.hpp"

namespace redline {

class RegionAssigner {
  public:
    // `regions` in the lines' CRS, in layer order; snap_m >= 0 (m).
    RegionAssigner(const std::vector<MultiPolygon>& regions, double snap_m);

    bool empty() const { return m_regions.empty(); }
    // The index of the region of point p (`metric`: the local metric at p); -1 for none.
    int assign(const Point& p, const LocalMetric& metric) const;

  private:
    std::vector<PolygonLocator> m_regions;
    double m_snap_m;
};

}  // namespace redline
