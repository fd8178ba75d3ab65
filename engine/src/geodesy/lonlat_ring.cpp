#include "redline/geodesy/lonlat_ring.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "redline/core/error.hpp"
#include "redline/geodesy/ellipsoid.hpp"

namespace redline {
namespace {

// Whole turns to subtract from an edge's longitude step so that it goes the short way; 0 for
// edges taken literally (at most half a turn, or along a pole).
double wrap_turns(const Point& a, const Point& b, double period) {
    const double d = b.x - a.x;
    if (!(std::fabs(d) > 0.5 * period)) return 0.0;
    if (a.y == b.y && std::fabs(a.y) == 0.25 * period) return 0.0;  // along a pole: no length
    return std::round(d / period);
}

std::string degrees(double v, double period) { return fmt::format("{}", v * 360.0 / period); }

}  // namespace

std::string describe_vertex(const Point& p) { return fmt::format("({}, {})", p.x, p.y); }

LonLatRingShape lonlat_ring_shape(const Ring& ring, double period) {
    LonLatRingShape s;
    if (ring.size() < 4) return s;
    const double half = 0.5 * period;
    double k_sum = 0.0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        const Point& a = ring[i];
        const Point& b = ring[i + 1];
        const double k = wrap_turns(a, b, period);
        if (k == 0.0) continue;
        const double rest = (b.x - a.x) - k * period;
        ++s.wrap_edges;
        if (rest == 0.0) ++s.full_turn_edges;
        if (std::fabs(rest) == half && s.problem.empty())
            s.problem = fmt::format(
                "its edge from {} to {} spans {} degrees of longitude, which crosses the "
                "antimeridian half a turn either way round",
                describe_vertex(a), describe_vertex(b), degrees(std::fabs(b.x - a.x), period));
        k_sum += k;
    }
    s.turns = static_cast<int>(-k_sum);
    if (!s.problem.empty()) return s;
    if (std::abs(s.turns) > 1) {
        s.problem = fmt::format(
            "its longitudes, read with every edge of more than 180 degrees crossing the "
            "antimeridian the short way, wind {} times around the polar axis",
            std::abs(s.turns));
        return s;
    }
    if (s.full_turn_edges > 0) {
        const Point* full = nullptr;
        for (std::size_t i = 0; i + 1 < ring.size() && !full; ++i) {
            const double k = wrap_turns(ring[i], ring[i + 1], period);
            if (k != 0.0 && (ring[i + 1].x - ring[i].x) - k * period == 0.0) full = &ring[i];
        }
        const std::string edge = fmt::format(
            "its edge from {} to {} spans exactly {} degrees of longitude, so it is "
            "either the whole parallel (straight in lon/lat) or a zero-length step "
            "across the antimeridian (as TopoJSON stores one)",
            describe_vertex(full[0]), describe_vertex(full[1]),
            degrees(std::fabs(full[1].x - full[0].x), period));
        if (s.turns != 0) {
            s.problem = edge +
                        ", and the two readings disagree (read as a step, the ring winds around a "
                        "pole)";
            return s;
        }
        const Ring u = unwrap_lonlat_ring(ring, period);
        const auto [lo, hi] = std::minmax_element(
            u.begin(), u.end(), [](const Point& p, const Point& q) { return p.x < q.x; });
        if (lo->x == hi->x)
            s.problem = edge +
                        ", and read as a step the ring collapses onto one meridian (it encloses "
                        "nothing)";
    }
    return s;
}

Ring unwrap_lonlat_ring(const Ring& ring, double period) {
    Ring out(ring);
    double offset = 0.0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        offset -= wrap_turns(ring[i], ring[i + 1], period) * period;
        if (offset != 0.0) out[i + 1].x = ring[i + 1].x + offset;
    }
    return out;
}

Ring close_around_pole(const Ring& u, double pole_lat) {
    // The seam goes from the ring's vertex nearest the pole straight to the pole: no edge of the
    // ring (straight in lon/lat, so never beyond its end points' latitudes) lies between them,
    // and the planar outline stays simple when the ring is.
    const std::size_t n = u.size();
    std::size_t m = 0;
    for (std::size_t j = 1; j + 1 < n; ++j)
        if (pole_lat > 0 ? u[j].y > u[m].y : u[j].y < u[m].y) m = j;
    const double turn = u[n - 1].x - u[0].x;
    Ring out;
    out.reserve(n + 3);
    for (std::size_t j = m; j < n; ++j) out.push_back(u[j]);
    for (std::size_t j = 1; j <= m; ++j) out.push_back(Point{u[j].x + turn, u[j].y});
    const Point first = out.front(), last = out.back();  // last == first shifted by a turn
    out.push_back(Point{last.x, pole_lat});
    out.push_back(Point{first.x, pole_lat});
    out.push_back(first);
    return out;
}

double enclosed_pole(const Ring& u, const Ellipsoid& e, double period) {
    const double scale = 360.0 / period;
    auto area_towards = [&](double pole_deg) {
        Ring r = close_around_pole(u, pole_deg / scale);
        if (scale != 1.0)
            for (auto& p : r) p = Point{p.x * scale, p.y * scale};
        return std::fabs(e.ring_area_lonlat(r));
    };
    const double north = area_towards(90.0), south = area_towards(-90.0);
    if (std::fabs(north - south) <= 1e-9 * (north + south))
        fail(ErrorKind::InvalidInput,
             fmt::format("it winds once around the polar axis and the regions around the north "
                         "and the south pole it bounds have the same area ({} m2), so which one "
                         "it means is ambiguous",
                         north));
    return (north < south ? 0.25 : -0.25) * period;
}

double lonlat_ring_area(const Ring& ring, const Ellipsoid& e, bool may_enclose_pole) {
    const LonLatRingShape s = lonlat_ring_shape(ring);
    if (s.plain()) return std::fabs(e.ring_area_lonlat(ring));
    if (!s.problem.empty()) fail(ErrorKind::InvalidInput, s.problem);
    const Ring u = unwrap_lonlat_ring(ring);
    if (s.turns == 0) return std::fabs(e.ring_area_lonlat(u));
    const double pole = enclosed_pole(u, e);
    if (!may_enclose_pole)
        fail(ErrorKind::InvalidInput,
             fmt::format("it winds once around the polar axis (its longitudes sweep 360 "
                         "degrees), so it bounds the region around the {} pole, which a hole "
                         "cannot",
                         pole > 0 ? "north" : "south"));
    return std::fabs(e.ring_area_lonlat(close_around_pole(u, pole)));
}

}  // namespace redline
