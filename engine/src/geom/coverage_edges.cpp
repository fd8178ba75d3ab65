#include "redline/geom/coverage_edges.hpp"

#include <algorithm>
#include <cmath>

#include "redline/geom/point_in_ring.hpp"
#include "redline/geom/robust_orientation.hpp"

namespace redline {
namespace {

bool less_point(const Point& a, const Point& b) { return a.x < b.x || (a.x == b.x && a.y < b.y); }

struct Edge {
    Point p, q;
    bool left = true;  // the interior of its polygon lies left of p -> q
    Box box;
};

// +1 counter-clockwise, -1 clockwise, 0 not certified. At the lexicographically smallest vertex
// a simple ring turns the way the ring is oriented; the shoelace sign must agree.
int ring_turn(const Ring& r) {
    if (r.size() < 4) return 0;
    const std::size_t m = r.size() - 1;  // closed: r[m] == r[0]
    std::size_t i = 0;
    for (std::size_t k = 1; k < m; ++k)
        if (less_point(r[k], r[i])) i = k;
    std::size_t j = (i + m - 1) % m, k = (i + 1) % m;
    for (std::size_t n = 0; n < m && r[j] == r[i]; ++n) j = (j + m - 1) % m;
    for (std::size_t n = 0; n < m && r[k] == r[i]; ++n) k = (k + 1) % m;
    const int t = orient_filtered(r[j], r[i], r[k]);
    const double s = signed_area(r);
    if (t == 0 || (t > 0) != (s > 0) || s == 0) return 0;
    return t;
}

// The edges of mp (zero-length ones skipped) whose box meets `filter` (all when null), each with
// the side of its polygon's interior. False when a ring's orientation is not certified.
bool collect_edges(const MultiPolygon& mp, const Box* filter, std::vector<Edge>& out) {
    for (const auto& poly : mp.polygons)
        for (std::size_t k = 0; k < poly.rings.size(); ++k) {
            const Ring& r = poly.rings[k];
            const int t = ring_turn(r);
            if (t == 0) return false;
            const bool left = (t > 0) == (k == 0);
            for (std::size_t i = 0; i + 1 < r.size(); ++i) {
                if (r[i] == r[i + 1]) continue;
                Edge e{r[i], r[i + 1], left, Box{}};
                e.box.expand(e.p);
                e.box.expand(e.q);
                if (filter && !e.box.intersects(*filter)) continue;
                out.push_back(e);
            }
        }
    return true;
}

// Vertex sets at most this large are searched linearly, unsorted: for the small polygons of a
// survey (an octagon has 8 vertices) a scan costs less than sorting.
constexpr std::size_t kLinearVertices = 32;

// The vertices of mp inside `filter` (closed box): when there are more than kLinearVertices,
// distinct and sorted (has_vertex then searches them by bisection); else as they come, without
// each ring's closing repeat.
void vertices_in(const MultiPolygon& mp, const Box& filter, std::vector<Point>& v) {
    v.clear();
    for (const auto& poly : mp.polygons)
        for (const auto& r : poly.rings) {
            std::size_t n = r.size();
            if (n > 1 && r.back() == r.front()) --n;
            for (std::size_t i = 0; i < n; ++i) {
                const Point& p = r[i];
                if (p.x >= filter.xmin && p.x <= filter.xmax && p.y >= filter.ymin &&
                    p.y <= filter.ymax)
                    v.push_back(p);
            }
        }
    if (v.size() <= kLinearVertices) return;
    std::sort(v.begin(), v.end(), less_point);
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Whether p is one of the vertices `vertices_in` gave.
bool has_vertex(const std::vector<Point>& v, const Point& p) {
    if (v.size() <= kLinearVertices) return std::find(v.begin(), v.end(), p) != v.end();
    return std::binary_search(v.begin(), v.end(), p, less_point);
}

bool opposite(double u, double v) { return (u < 0 && v > 0) || (u > 0 && v < 0); }

enum class Contact { None, Endpoint, Same, Unknown };

// How two segments meet, certified: not at all, only at a common endpoint, as the same segment,
// or Unknown (a crossing, a T, a collinear overlap, or an orientation double cannot certify).
Contact classify(const Edge& e, const Edge& f) {
    if (!e.box.intersects(f.box)) return Contact::None;
    if ((e.p == f.p && e.q == f.q) || (e.p == f.q && e.q == f.p)) return Contact::Same;
    const Point* shared = nullptr;
    const Point* oe = nullptr;
    const Point* of = nullptr;
    if (e.p == f.p) {
        shared = &e.p, oe = &e.q, of = &f.q;
    } else if (e.p == f.q) {
        shared = &e.p, oe = &e.q, of = &f.p;
    } else if (e.q == f.p) {
        shared = &e.q, oe = &e.p, of = &f.q;
    } else if (e.q == f.q) {
        shared = &e.q, oe = &e.p, of = &f.p;
    }
    if (shared) {
        // Two segments from one point meet only there unless they point the same way.
        if (orient_filtered(*oe, *shared, *of) != 0) return Contact::Endpoint;
        if (opposite(oe->x - shared->x, of->x - shared->x) ||
            opposite(oe->y - shared->y, of->y - shared->y))
            return Contact::Endpoint;
        return Contact::Unknown;
    }
    const int o1 = orient_filtered(e.p, e.q, f.p);
    const int o2 = orient_filtered(e.p, e.q, f.q);
    if (o1 != 0 && o1 == o2) return Contact::None;
    const int o3 = orient_filtered(f.p, f.q, e.p);
    const int o4 = orient_filtered(f.p, f.q, e.q);
    if (o3 != 0 && o3 == o4) return Contact::None;
    return Contact::Unknown;
}

enum class Where { Outside, Inside, Unknown };

// Crossing parity of a rightward ray; Unknown when the point may lie on an edge. `box`: mp's
// bounds (the callers have them; recomputing them cost as much as the ray).
Where locate(const Point& pt, const MultiPolygon& mp, const Box& box) {
    if (!box.intersects(Box{pt.x, pt.y, pt.x, pt.y})) return Where::Outside;
    bool inside = false;
    for (const auto& poly : mp.polygons)
        for (const auto& r : poly.rings) {
            const int in = point_in_ring(pt, r);
            if (in < 0) return Where::Unknown;
            inside ^= in == 1;
        }
    return inside ? Where::Inside : Where::Outside;
}

// Edges sorted (in place) by box.xmin for a sweep: visit(f) for every edge whose box may meet
// `box`.
class EdgeSweep {
  public:
    explicit EdgeSweep(std::vector<Edge>& edges) : m_edges(edges) {
        std::sort(m_edges.begin(), m_edges.end(),
                  [](const Edge& a, const Edge& b) { return a.box.xmin < b.box.xmin; });
        for (const auto& e : m_edges) m_width = std::max(m_width, e.box.xmax - e.box.xmin);
    }
    // Returns false as soon as visit does.
    template <class F>
    bool each_near(const Box& box, F&& visit) const {
        // Generous lower bound: the exact box test is done by the visitor (classify).
        const double from = box.xmin - 2 * m_width - std::abs(box.xmin) * 1e-12;
        auto it = std::lower_bound(m_edges.begin(), m_edges.end(), from,
                                   [](const Edge& e, double x) { return e.box.xmin < x; });
        for (; it != m_edges.end() && it->box.xmin <= box.xmax; ++it)
            if (!visit(*it)) return false;
        return true;
    }

  private:
    std::vector<Edge>& m_edges;
    double m_width = 0;
};

// Every vertex of `own` in other's box (own_vertices) that is not a vertex of `other` lies
// outside `other`, and every unshared edge with both ends on other's vertices is refused.
bool unshared_outside(const std::vector<Point>& own_vertices, const std::vector<Edge>& edges,
                      const std::vector<char>& shared, const MultiPolygon& other,
                      const Box& other_box, const std::vector<Point>& other_vertices) {
    for (std::size_t k = 0; k < edges.size(); ++k)
        if (!shared[k] && has_vertex(other_vertices, edges[k].p) &&
            has_vertex(other_vertices, edges[k].q))
            return false;
    for (const Point& v : own_vertices) {
        if (has_vertex(other_vertices, v)) continue;
        if (locate(v, other, other_box) != Where::Outside) return false;
    }
    return true;
}

// Edge pairs up to which every pair is tested directly instead of through a sweep.
constexpr std::size_t kDirectPairs = 256;

// Calls ok(i, f) for every edge ea[i] and every edge f of eb whose box may meet ea[i]'s (all of
// eb when there are few pairs, else through a sweep, which sorts eb in place); false as soon as
// ok does. The proofs' verdicts do not depend on the order in which the pairs are met.
template <class F>
bool every_near_pair(const std::vector<Edge>& ea, std::vector<Edge>& eb, F&& ok) {
    if (ea.size() * eb.size() <= kDirectPairs) {
        for (std::size_t i = 0; i < ea.size(); ++i)
            for (const Edge& f : eb)
                if (!ok(i, f)) return false;
        return true;
    }
    const EdgeSweep sweep(eb);
    for (std::size_t i = 0; i < ea.size(); ++i)
        if (!sweep.each_near(ea[i].box, [&](const Edge& f) { return ok(i, f); })) return false;
    return true;
}

// Per-thread buffers of polygons_only_touch (called for millions of pairs).
struct TouchScratch {
    std::vector<Edge> ea, eb;
    std::vector<Point> va, vb;
    std::vector<char> sa, sb;
};

}  // namespace

bool polygons_only_touch(const MultiPolygon& a, const MultiPolygon& b) {
    const Box ba = a.bounds(), bb = b.bounds();
    if (!ba.intersects(bb)) return true;
    thread_local TouchScratch t;
    t.ea.clear();
    t.eb.clear();
    if (!collect_edges(a, &bb, t.ea) || !collect_edges(b, &ba, t.eb)) return false;
    std::vector<Edge>& ea = t.ea;
    std::vector<Edge>& eb = t.eb;
    t.sa.assign(ea.size(), 0);
    t.sb.assign(eb.size(), 0);
    // Every pair of edges whose boxes meet: none may cross, and a shared edge must have the
    // polygons' interiors on its two sides.
    auto check = [&](std::size_t i, const Edge& f) {
        const Edge& e = ea[i];
        switch (classify(e, f)) {
            case Contact::None:
            case Contact::Endpoint:
                return true;
            case Contact::Unknown:
                return false;
            case Contact::Same: {
                // b's interior side relative to e's direction must be the other side.
                const bool b_left = f.p == e.p ? f.left : !f.left;
                if (b_left == e.left) return false;
                t.sa[i] = 1;
                t.sb[static_cast<std::size_t>(&f - eb.data())] = 1;
                return true;
            }
        }
        return false;
    };
    if (!every_near_pair(ea, eb, check)) return false;
    // Vertices outside the other's box are neither its vertices nor inside it.
    vertices_in(a, bb, t.va);
    vertices_in(b, ba, t.vb);
    return unshared_outside(t.va, ea, t.sa, b, bb, t.vb) &&
           unshared_outside(t.vb, eb, t.sb, a, ba, t.va);
}

namespace {

// Where the rings of `own` lie relative to `other` (their boundaries known not to meet): one
// vertex per ring. Sets `any_in` / `any_out`; false when a vertex cannot be located.
bool rings_in(const MultiPolygon& own, const MultiPolygon& other, const Box& other_box,
              bool& any_in, bool& any_out) {
    for (const auto& poly : own.polygons)
        for (const auto& r : poly.rings) {
            if (r.empty()) continue;
            const Where w = locate(r.front(), other, other_box);
            if (w == Where::Unknown) return false;
            (w == Where::Inside ? any_in : any_out) = true;
        }
    return true;
}

}  // namespace

Apart polygons_apart(const MultiPolygon& a, const MultiPolygon& b) {
    const Box ba = a.bounds(), bb = b.bounds();
    if (ba.empty() || bb.empty()) return Apart::Unknown;
    if (!ba.intersects(bb)) return Apart::Disjoint;
    thread_local TouchScratch t;
    t.ea.clear();
    t.eb.clear();
    if (!collect_edges(a, &bb, t.ea) || !collect_edges(b, &ba, t.eb)) return Apart::Unknown;
    if (!every_near_pair(t.ea, t.eb, [&](std::size_t i, const Edge& f) {
            return classify(t.ea[i], f) == Contact::None;
        }))
        return Apart::Unknown;
    bool a_in = false, a_out = false, b_in = false, b_out = false;
    if (!rings_in(a, b, bb, a_in, a_out) || !rings_in(b, a, ba, b_in, b_out)) return Apart::Unknown;
    if (!a_in && !b_in) return Apart::Disjoint;
    if (b_in && !b_out && !a_in) return Apart::BInsideA;
    if (a_in && !a_out && !b_in) return Apart::AInsideB;
    return Apart::Unknown;
}

bool covered_by_parts(const MultiPolygon& zone, const std::vector<const MultiPolygon*>& parts) {
    if (zone.polygons.size() != 1 || parts.empty()) return false;
    const Box bz = zone.bounds();
    // The parts' edges near the zone, directed with the interior on the left.
    std::vector<Edge> edges;
    for (const MultiPolygon* part : parts)
        if (!collect_edges(*part, &bz, edges)) return false;
    for (auto& e : edges)
        if (!e.left) {
            std::swap(e.p, e.q);
            e.left = true;
        }
    auto less_edge = [](const Edge& a, const Edge& b) {
        if (a.p != b.p) return less_point(a.p, b.p);
        return less_point(a.q, b.q);
    };
    std::sort(edges.begin(), edges.end(), less_edge);
    for (std::size_t k = 0; k + 1 < edges.size(); ++k)
        if (edges[k].p == edges[k + 1].p && edges[k].q == edges[k + 1].q)
            return false;  // two parts on the same side of one edge: not a coverage here
    std::vector<Edge> zone_edges;
    if (!collect_edges(zone, nullptr, zone_edges)) return false;
    const EdgeSweep sweep(zone_edges);
    std::vector<Point> zone_vertices;
    vertices_in(zone, bz, zone_vertices);
    for (const Edge& f : edges) {
        const Edge reverse{f.q, f.p, true, f.box};
        if (std::binary_search(edges.begin(), edges.end(), reverse, less_edge))
            continue;  // matched: interiors on both sides, inside the union
        // A free edge: it must not meet the zone's interior.
        bool on_boundary = false;
        const bool ok = sweep.each_near(f.box, [&](const Edge& z) {
            const Contact c = classify(f, z);
            if (c == Contact::Unknown) return false;
            if (c == Contact::Same) on_boundary = true;
            return true;
        });
        if (!ok) return false;
        if (on_boundary) continue;
        const bool p_on = has_vertex(zone_vertices, f.p);
        const bool q_on = has_vertex(zone_vertices, f.q);
        if (p_on && q_on) return false;  // a chord between two zone vertices: not decided here
        if (locate(p_on ? f.q : f.p, zone, bz) != Where::Outside) return false;
    }
    return true;
}

}  // namespace redline
