#include "redline/coverage/zone_set.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "redline/core/error.hpp"
#include "redline/core/memory.hpp"
#include "redline/exec/ordered_executor.hpp"

namespace redline {
namespace {
constexpr double kMaxCellCoord = 1125899906842624.0;  // 2^50
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
// Consumed points (16 bytes each as Points) below which freed memory is not returned to the
// system: 4 M points = 64 MiB. Each return costs page faults and TLB flushes later, so small
// layers are not trimmed at all.
constexpr std::size_t kTrimPoints = std::size_t{1} << 22;

// A run of polygons [p0, p1) of one zone (a whole zone unless it holds more than kUnitPoints
// points): where its rings and points go, and what converting it found.
constexpr std::size_t kUnitPoints = 1 << 16;
struct Unit {
    std::uint32_t zone = 0, p0 = 0, p1 = 0;
    std::size_t point_begin = 0, ring_begin = 0;  // offsets into m_x/m_y and m_rings
    double cmin = INFINITY, cmax = -INFINITY, rmin = INFINITY, rmax = -INFINITY;
    std::size_t edges = 0;
    std::size_t bad = kNone;  // the first implausible point: polygon, ring, index
    std::size_t bad_polygon = 0, bad_ring = 0;
};
}  // namespace

ZoneSet::ZoneSet(const Grid& grid, const std::vector<MultiPolygon>& zones,
                 const std::vector<std::string>& names, int threads)
    : m_grid(grid) {
    build(zones, names, nullptr, nullptr, threads);
}

ZoneSet::ZoneSet(const Grid& grid, std::vector<MultiPolygon>&& zones,
                 const std::vector<std::string>& names, ProgressSink* progress, int threads)
    : m_grid(grid) {
    const std::size_t points = build(zones, names, &zones, progress, threads);
    std::vector<MultiPolygon>().swap(zones);
    if (points >= kTrimPoints) release_free_memory();
}

// Two passes: the points and rings of every zone are counted (prefix sums give each run of
// polygons its place in the flat arrays), then the runs are converted in parallel, in batches of
// a 64th of the points so that, when consuming, the source is freed and its pages go back to
// the system as it goes (layers of kTrimPoints or more). Every value is computed as by one thread
// in zone order: the result does not depend on the number of threads.
std::size_t ZoneSet::build(const std::vector<MultiPolygon>& zones,
                           const std::vector<std::string>& names,
                           std::vector<MultiPolygon>* consume, ProgressSink* progress,
                           int threads) {
    const Grid& grid = m_grid;
    std::vector<Unit> units;
    std::size_t points = 0, rings = 0;
    for (std::size_t z = 0; z < zones.size(); ++z) {
        const auto& polys = zones[z].polygons;
        Unit u;
        u.zone = static_cast<std::uint32_t>(z);
        u.point_begin = points;
        u.ring_begin = rings;
        for (std::size_t pi = 0; pi < polys.size(); ++pi) {
            for (const auto& r : polys[pi].rings) {
                if (r.size() < 4) continue;  // degenerate ring: no area
                points += r.size();
                ++rings;
            }
            u.p1 = static_cast<std::uint32_t>(pi + 1);
            if (points - u.point_begin >= kUnitPoints && pi + 1 < polys.size()) {
                units.push_back(u);
                u.p0 = u.p1;
                u.point_begin = points;
                u.ring_begin = rings;
            }
        }
        units.push_back(u);  // the zone's last run (empty for a zone without polygons)
    }
    m_x.resize(points);
    m_y.resize(points);
    m_rings.resize(rings);
    m_zones.resize(zones.size());

    auto convert = [&](Unit& u) {
        std::size_t at = u.point_begin, ring_at = u.ring_begin;
        for (std::size_t pi = u.p0; pi < u.p1; ++pi) {
            const Polygon& poly = zones[u.zone].polygons[pi];
            for (std::size_t k = 0; k < poly.rings.size(); ++k) {
                const Ring& ring = poly.rings[k];
                if (ring.size() < 4) continue;
                const std::size_t begin = at;
                // Shoelace in cell coordinates, relative to the first point.
                double s_area = 0;
                for (std::size_t i = 0; i < ring.size(); ++i) {
                    const Point& p = ring[i];
                    const double c = grid.col_of(p.x), r = grid.row_of(p.y);
                    if (!std::isfinite(c) || !std::isfinite(r) || std::fabs(c) > kMaxCellCoord ||
                        std::fabs(r) > kMaxCellCoord) {
                        u.bad = i;
                        u.bad_polygon = pi;
                        u.bad_ring = k;
                        return;
                    }
                    m_x[at] = c;
                    m_y[at] = r;
                    ++at;
                    u.cmin = std::min(u.cmin, c);
                    u.cmax = std::max(u.cmax, c);
                    u.rmin = std::min(u.rmin, r);
                    u.rmax = std::max(u.rmax, r);
                }
                const double c0 = m_x[begin], r0 = m_y[begin];
                for (std::size_t i = begin + 1; i + 1 < at; ++i)
                    s_area += (m_x[i] - c0) * (m_y[i + 1] - r0) - (m_x[i + 1] - c0) * (m_y[i] - r0);
                // In cell coordinates (y down) a ring with negative shoelace sum gives +1
                // coverage when fed as is. Exteriors must add, holes subtract.
                const bool exterior = (k == 0);
                int sign = (s_area < 0) ? 1 : -1;
                if (!exterior) sign = -sign;
                m_rings[ring_at++] = RingRef{begin, at, sign};
                u.edges += ring.size() - 1;
            }
        }
    };

    const int n_threads = resolve_threads(threads);
    std::optional<tbb::task_arena> arena;
    if (n_threads > 1) arena.emplace(n_threads);
    // Batches of a 64th of the points (the source of a batch is freed after it), the heap
    // trimmed every fourth batch of a layer of kTrimPoints or more.
    const std::size_t trim_step = std::max<std::size_t>(points / 64, 1);
    std::size_t batch = 0;
    if (progress && points) progress->update(0, points, "index");
    std::size_t next = 0;
    while (next < units.size()) {
        // A batch of runs holding about trim_step points (at least one run).
        std::size_t end = next;
        const std::size_t limit = units[next].point_begin + trim_step;
        while (end < units.size() && (end == next || units[end].point_begin < limit)) ++end;
        if (arena && end - next > 1)
            arena->execute([&] {
                tbb::parallel_for(tbb::blocked_range<std::size_t>(next, end, 1),
                                  [&](const tbb::blocked_range<std::size_t>& r) {
                                      for (std::size_t i = r.begin(); i != r.end(); ++i)
                                          convert(units[i]);
                                  });
            });
        else
            for (std::size_t i = next; i < end; ++i) convert(units[i]);
        for (std::size_t i = next; i < end; ++i) {
            const Unit& u = units[i];
            if (u.bad == kNone) continue;
            const std::size_t z = u.zone;
            const Point& p = zones[z].polygons[u.bad_polygon].rings[u.bad_ring][u.bad];
            fail(ErrorKind::InvalidInput,
                 fmt::format("zone '{}' has a coordinate ({}, {}) that is not finite or "
                             "lies absurdly far from the raster (more than 2^50 "
                             "cells); check the layer's CRS and coordinates",
                             z < names.size() ? names[z] : std::to_string(z), p.x, p.y));
        }
        // Consuming: the batch's polygons are freed on this thread, in order (freeing on the
        // workers contended for the allocator's lock and was slower), and a zone whose last run
        // is done is not read again.
        if (consume)
            for (std::size_t i = next; i < end; ++i) {
                const Unit& u = units[i];
                auto& polys = (*consume)[u.zone].polygons;
                for (std::size_t pi = u.p0; pi < u.p1; ++pi)
                    std::vector<Ring>().swap(polys[pi].rings);
                if (i + 1 == units.size() || units[i + 1].zone != u.zone)
                    std::vector<Polygon>().swap(polys);
            }
        next = end;
        if (consume && next < units.size() && ++batch % 4 == 0) {
            if (points >= kTrimPoints) release_free_memory();
            if (progress) progress->update(units[next].point_begin, points, "index");
        }
    }

    // Per zone: its rings, bounds and window (min and max do not depend on the order).
    std::size_t ui = 0;
    for (std::size_t z = 0; z < zones.size(); ++z) {
        ZoneRef zr;
        double cmin = INFINITY, cmax = -INFINITY, rmin = INFINITY, rmax = -INFINITY;
        zr.ring_begin = units[ui].ring_begin;  // every zone has at least one run
        for (; ui < units.size() && units[ui].zone == z; ++ui) {
            const Unit& u = units[ui];
            cmin = std::min(cmin, u.cmin);
            cmax = std::max(cmax, u.cmax);
            rmin = std::min(rmin, u.rmin);
            rmax = std::max(rmax, u.rmax);
            zr.edges += u.edges;
        }
        zr.ring_end = ui < units.size() ? units[ui].ring_begin : rings;
        if (zr.ring_end > zr.ring_begin) {
            zr.cmin = cmin;
            zr.cmax = cmax;
            zr.rmin = rmin;
            zr.rmax = rmax;
            Window w;
            w.col0 = static_cast<std::int64_t>(std::floor(cmin));
            w.row0 = static_cast<std::int64_t>(std::floor(rmin));
            w.cols = static_cast<std::int64_t>(std::ceil(cmax)) - w.col0;
            w.rows = static_cast<std::int64_t>(std::ceil(rmax)) - w.row0;
            if (w.cols == 0) w.cols = 1;
            if (w.rows == 0) w.rows = 1;
            zr.window = w.intersect(grid.full());
        }
        m_zones[z] = zr;
    }
    if (progress && points) progress->update(points, points, "index");
    return points;
}

int ZoneSet::sign_of_edge(std::size_t zone, std::size_t point) const {
    const ZoneRef& zr = m_zones[zone];
    for (std::size_t r = zr.ring_begin; r < zr.ring_end; ++r)
        if (point >= m_rings[r].begin && point < m_rings[r].end) return m_rings[r].sign;
    return 0;
}

}  // namespace redline
