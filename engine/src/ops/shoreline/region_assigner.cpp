#include "redline/ops/shoreline/region_assigner.hpp"

#include <limits>

namespace redline {

RegionAssigner::RegionAssigner(const std::vector<MultiPolygon>& regions, double snap_m)
    : m_snap_m(snap_m) {
    m_regions.reserve(regions.size());
    for (const auto& r : regions) m_regions.emplace_back(r);
}

int RegionAssigner::assign(const Point& p, const LocalMetric& metric) const {
    for (std::size_t i = 0; i < m_regions.size(); ++i)
        if (m_regions[i].covers(p)) return static_cast<int>(i);
    int found = -1;
    if (m_snap_m > 0) {
        // Candidates by a planar radius that covers snap_m in every direction, then exact metres.
        const double r_units = m_snap_m / metric.min_scale();
        double best = std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < m_regions.size(); ++i) {
            if (!m_regions[i].boundary_within(p, r_units)) continue;
            const Point q = m_regions[i].nearest_boundary_point(p);
            const double d = metric.metres(q.x - p.x, q.y - p.y);
            if (d <= m_snap_m && d < best) {
                best = d;
                found = static_cast<int>(i);
            }
        }
    }
    return found;
}

}  // namespace redline
