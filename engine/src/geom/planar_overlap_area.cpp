#include "redline/geom/planar_overlap_area.hpp"

#include <algorithm>
#include <cmath>

#include "redline/geom/robust_orientation.hpp"

namespace redline {
namespace {

int orient(const Point& a, const Point& b, const Point& c) { return orient_filtered(a, b, c); }

struct Seg {
    Point p, q;
    double xmin, xmax, ymin, ymax;
    std::size_t ring;
};

struct Crossing {
    double t;  // parameter along the segment
    Point at;
};

struct Side {
    const MultiPolygon* geom = nullptr;
    std::vector<const Ring*> rings;
    std::vector<double> factor;           // +1 / -1: traversal keeps the interior on the left
    std::vector<std::size_t> ring_first;  // first segment of each ring in `segs`
    std::vector<Seg> segs;
    std::vector<std::vector<Crossing>> crossings;  // per segment
    Box box;
};

bool build(const MultiPolygon& mp, Side& s) {
    s.geom = &mp;
    for (const auto& poly : mp.polygons)
        for (std::size_t r = 0; r < poly.rings.size(); ++r) {
            const Ring& ring = poly.rings[r];
            if (ring.size() < 4) return false;
            const double a = signed_area(ring);
            if (!(a != 0) || !std::isfinite(a)) return false;
            const double want = r == 0 ? 1.0 : -1.0;  // shells counter-clockwise, holes clockwise
            s.rings.push_back(&ring);
            s.factor.push_back(a > 0 ? want : -want);
            s.ring_first.push_back(s.segs.size());
            for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
                const Point& p = ring[i];
                const Point& q = ring[i + 1];
                if (p == q) return false;  // repeated vertex: leave it to the exact overlay
                s.segs.push_back(Seg{p, q, std::min(p.x, q.x), std::max(p.x, q.x),
                                     std::min(p.y, q.y), std::max(p.y, q.y), s.rings.size() - 1});
                s.box.expand(p);
            }
        }
    s.ring_first.push_back(s.segs.size());
    s.crossings.resize(s.segs.size());
    return !s.segs.empty();
}

// Even-odd test of p against every ring of `s`: 1 inside, 0 outside, -1 uncertain.
int inside(const Point& p, const Side& s) {
    if (p.x < s.box.xmin || p.x > s.box.xmax || p.y < s.box.ymin || p.y > s.box.ymax) return 0;
    bool in = false;
    for (const Seg& g : s.segs) {
        if ((g.p.y > p.y) == (g.q.y > p.y)) continue;
        if (g.xmax < p.x) continue;  // entirely to the left of p: the ray does not meet it
        const int o = orient(g.p, g.q, p);
        if (o == 0) return -1;
        // Upward segment: p left of it means the crossing is to p's right (and vice versa).
        if ((g.q.y > g.p.y) == (o > 0)) in = !in;
    }
    return in ? 1 : 0;
}

// Finds the proper crossings between the segments of a and b; false on any degeneracy.
bool find_crossings(Side& a, Side& b) {
    struct Item {
        double xmin;
        bool from_a;
        std::size_t idx;
    };
    std::vector<Item> items;
    items.reserve(a.segs.size() + b.segs.size());
    for (std::size_t i = 0; i < a.segs.size(); ++i) {
        const Seg& g = a.segs[i];
        if (g.xmax < b.box.xmin || g.xmin > b.box.xmax || g.ymax < b.box.ymin ||
            g.ymin > b.box.ymax)
            continue;
        items.push_back({g.xmin, true, i});
    }
    for (std::size_t i = 0; i < b.segs.size(); ++i) {
        const Seg& g = b.segs[i];
        if (g.xmax < a.box.xmin || g.xmin > a.box.xmax || g.ymax < a.box.ymin ||
            g.ymin > a.box.ymax)
            continue;
        items.push_back({g.xmin, false, i});
    }
    std::sort(items.begin(), items.end(), [](const Item& x, const Item& y) {
        if (x.xmin != y.xmin) return x.xmin < y.xmin;
        if (x.from_a != y.from_a) return x.from_a;
        return x.idx < y.idx;
    });
    std::vector<std::size_t> active_a, active_b;
    for (const Item& it : items) {
        Side& mine = it.from_a ? a : b;
        Side& other = it.from_a ? b : a;
        std::vector<std::size_t>& other_active = it.from_a ? active_b : active_a;
        const Seg& s = mine.segs[it.idx];
        std::size_t keep = 0;
        for (std::size_t k = 0; k < other_active.size(); ++k) {
            const std::size_t j = other_active[k];
            const Seg& o = other.segs[j];
            if (o.xmax < s.xmin) continue;  // can meet no later segment either: drop it
            other_active[keep++] = j;
            if (o.ymax < s.ymin || o.ymin > s.ymax) continue;
            const int o1 = orient(s.p, s.q, o.p), o2 = orient(s.p, s.q, o.q);
            if (o1 == 0 || o2 == 0) return false;
            if (o1 == o2) continue;
            const int o3 = orient(o.p, o.q, s.p), o4 = orient(o.p, o.q, s.q);
            if (o3 == 0 || o4 == 0) return false;
            if (o3 == o4) continue;
            // A proper crossing: one point, shared by both sides.
            const double dx = s.q.x - s.p.x, dy = s.q.y - s.p.y;
            const double ex = o.q.x - o.p.x, ey = o.q.y - o.p.y;
            const double denom = dx * ey - dy * ex;
            const double wx = o.p.x - s.p.x, wy = o.p.y - s.p.y;
            double t = (wx * ey - wy * ex) / denom;
            double u = (wx * dy - wy * dx) / denom;
            if (!std::isfinite(t) || !std::isfinite(u)) return false;
            t = std::clamp(t, 0.0, 1.0);
            u = std::clamp(u, 0.0, 1.0);
            const Point at{s.p.x + t * dx, s.p.y + t * dy};
            mine.crossings[it.idx].push_back({t, at});
            other.crossings[j].push_back({u, at});
        }
        other_active.resize(keep);
        (it.from_a ? active_a : active_b).push_back(it.idx);
    }
    return true;
}

// ∮ x dy over the parts of `s`'s boundary inside `other`, about the origin (ox, oy).
bool boundary_inside(Side& s, const Side& other, double ox, double oy, double& total) {
    for (std::size_t r = 0; r < s.rings.size(); ++r) {
        const std::size_t first = s.ring_first[r], last = s.ring_first[r + 1];
        bool any_crossing = false;
        for (std::size_t i = first; i < last; ++i)
            any_crossing = any_crossing || !s.crossings[i].empty();
        const int start = inside(s.segs[first].p, other);
        if (start < 0) return false;
        if (!any_crossing && start == 0) continue;
        bool in = start == 1;
        double sum = 0.0;
        auto add = [&](const Point& p, const Point& q) {
            sum += 0.5 * ((p.x - ox) + (q.x - ox)) * ((q.y - oy) - (p.y - oy));
        };
        for (std::size_t i = first; i < last; ++i) {
            const Seg& g = s.segs[i];
            auto& cs = s.crossings[i];
            if (cs.empty()) {
                if (in) add(g.p, g.q);
                continue;
            }
            std::sort(cs.begin(), cs.end(),
                      [](const Crossing& x, const Crossing& y) { return x.t < y.t; });
            for (std::size_t k = 1; k < cs.size(); ++k)
                if (cs[k].t == cs[k - 1].t) return false;  // two crossings at one point
            Point from = g.p;
            for (const auto& c : cs) {
                if (in) add(from, c.at);
                in = !in;
                from = c.at;
            }
            if (in) add(from, g.q);
        }
        if (in != (start == 1)) return false;  // parity broken: not a clean configuration
        total += s.factor[r] * sum;
    }
    return true;
}

}  // namespace

std::optional<double> planar_overlap_area(const MultiPolygon& ma, const MultiPolygon& mb) {
    Side a, b;
    if (!build(ma, a) || !build(mb, b)) return std::nullopt;
    if (a.box.xmax < b.box.xmin || b.box.xmax < a.box.xmin || a.box.ymax < b.box.ymin ||
        b.box.ymax < a.box.ymin)
        return 0.0;
    if (!find_crossings(a, b)) return std::nullopt;
    const double ox = 0.5 * (std::max(a.box.xmin, b.box.xmin) + std::min(a.box.xmax, b.box.xmax));
    const double oy = 0.5 * (std::max(a.box.ymin, b.box.ymin) + std::min(a.box.ymax, b.box.ymax));
    double total = 0.0;
    if (!boundary_inside(a, b, ox, oy, total) || !boundary_inside(b, a, ox, oy, total))
        return std::nullopt;
    return std::max(total, 0.0);
}

}  // namespace redline
