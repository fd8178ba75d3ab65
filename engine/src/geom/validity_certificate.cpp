#include "redline/geom/validity_certificate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "redline/geom/point_in_ring.hpp"
#include "redline/geom/robust_orientation.hpp"

namespace redline {
namespace {

bool box_within(const Box& a, const Box& b) {
    return a.xmin >= b.xmin && a.xmax <= b.xmax && a.ymin >= b.ymin && a.ymax <= b.ymax;
}

// Checks of one ring on its own: closed, >= 4 points, finite, no repeated consecutive points,
// a certain turn at every vertex. Fills the ring's box.
bool ring_shape_ok(const Ring& r, Box& box) {
    if (r.size() < 4 || !(r.front() == r.back())) return false;
    const std::size_t n = r.size() - 1;  // segments
    for (const auto& p : r) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) return false;
        box.expand(p);
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (r[i] == r[i + 1]) return false;
        // Consecutive segments must turn certainly: no spike back along themselves, and a
        // collinear or uncertain vertex is declined.
        const Point& c = r[(i + 2) <= n ? i + 2 : 1];
        if (orient_filtered(r[i], r[i + 1], c) == 0) return false;
    }
    return signed_area(r) != 0;
}

// Polygons of at most this many segments are certified in per-thread buffers (at most 768 KiB a
// thread), sorting 16-byte keys; larger ones (a dissolved national layer) sort their segments in
// buffers of their own, freed on return, without the keys' extra memory.
constexpr std::size_t kScratchSegments = std::size_t{1} << 14;

// No two segments of the rings meet except consecutive ones of a ring at their shared vertex.
// False also when the sweep would read more than `budget` active entries (segments whose
// x-extents all overlap make it quadratic): the caller then declines.
bool rings_apart(const std::vector<const Ring*>& rings, std::size_t budget) {
    // Segments with their boxes, sorted by (left x, ring, index): the sweep reads them in order.
    struct Seg {
        double x0, x1, y0, y1;
        std::uint32_t ring, i;
    };
    struct Key {
        double x0;
        std::uint32_t ring, i;
    };
    auto before = [](const auto& a, const auto& b) {
        if (a.x0 != b.x0) return a.x0 < b.x0;
        return a.ring != b.ring ? a.ring < b.ring : a.i < b.i;
    };
    auto seg = [&](std::uint32_t k, std::uint32_t i) {
        const Point &p = (*rings[k])[i], &q = (*rings[k])[i + 1];
        return Seg{
            std::min(p.x, q.x), std::max(p.x, q.x), std::min(p.y, q.y), std::max(p.y, q.y), k, i};
    };
    struct Scratch {
        std::vector<Key> keys;
        std::vector<Seg> segs;
    };
    thread_local Scratch scratch;
    std::vector<Seg> own;
    std::size_t total = 0;
    for (const Ring* r : rings) total += r->size() - 1;
    const bool small = total <= kScratchSegments;
    std::vector<Seg>& segs = small ? scratch.segs : own;
    segs.clear();
    segs.reserve(total);
    if (small) {
        // Sorting 16-byte keys, then laying the boxes out in their order, moves less memory.
        std::vector<Key>& keys = scratch.keys;
        keys.clear();
        keys.reserve(total);
        for (std::size_t k = 0; k < rings.size(); ++k) {
            const Ring& r = *rings[k];
            for (std::size_t i = 0; i + 1 < r.size(); ++i)
                keys.push_back(Key{std::min(r[i].x, r[i + 1].x), static_cast<std::uint32_t>(k),
                                   static_cast<std::uint32_t>(i)});
        }
        std::sort(keys.begin(), keys.end(), before);
        for (const Key& key : keys) segs.push_back(seg(key.ring, key.i));
    } else {
        for (std::size_t k = 0; k < rings.size(); ++k)
            for (std::size_t i = 0; i + 1 < rings[k]->size(); ++i)
                segs.push_back(seg(static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(i)));
        std::sort(segs.begin(), segs.end(), before);
    }
    std::vector<const Seg*> active;
    std::size_t work = 0;
    for (const Seg& sg : segs) {
        const Ring& rs = *rings[sg.ring];
        const std::size_t s = sg.i;
        work += active.size();
        if (work > budget) return false;
        std::size_t keep = 0;
        for (std::size_t k = 0; k < active.size(); ++k) {
            const Seg& tg = *active[k];
            if (tg.x1 < sg.x0) continue;
            active[keep++] = &tg;
            if (tg.y1 < sg.y0 || tg.y0 > sg.y1) continue;
            const Ring& rt = *rings[tg.ring];
            const std::size_t t = tg.i;
            if (tg.ring == sg.ring) {
                const std::size_t n = rs.size() - 1;
                const std::size_t lo = std::min(s, t), hi = std::max(s, t);
                if (hi == lo + 1 || (lo == 0 && hi == n - 1)) continue;  // consecutive: checked
            }
            const int o1 = orient_filtered(rs[s], rs[s + 1], rt[t]),
                      o2 = orient_filtered(rs[s], rs[s + 1], rt[t + 1]);
            if (o1 == 0 || o2 == 0) return false;
            if (o1 == o2) continue;
            const int o3 = orient_filtered(rt[t], rt[t + 1], rs[s]),
                      o4 = orient_filtered(rt[t], rt[t + 1], rs[s + 1]);
            if (o3 == 0 || o4 == 0) return false;
            if (o3 != o4) return false;  // a proper crossing: invalid (GEOS gives the reason)
        }
        active.resize(keep);
        active.push_back(&sg);
    }
    return true;
}

}  // namespace

bool certainly_valid_polygon(const MultiPolygon& mp) {
    if (mp.polygons.empty()) return false;
    std::vector<const Ring*> rings;
    std::vector<Box> boxes;
    std::size_t segments = 0;
    for (const auto& poly : mp.polygons) {
        if (poly.rings.empty()) return false;
        for (const auto& r : poly.rings) {
            Box b;
            if (!ring_shape_ok(r, b)) return false;
            rings.push_back(&r);
            boxes.push_back(b);
            segments += r.size() - 1;
        }
    }
    // Work is capped at a multiple of the segments (GEOS takes the rest): the sweep's reads of
    // its active list, the point-in-ring tests, and the pairwise box tests of holes and parts,
    // which are checked before the sweep.
    if (segments >= std::numeric_limits<std::uint32_t>::max()) return false;  // Seg indices
    const std::size_t budget = 4 * segments + 4096;
    if (mp.polygons.size() * mp.polygons.size() > budget) return false;
    for (const auto& poly : mp.polygons)
        if (poly.rings.size() * poly.rings.size() > budget) return false;
    if (!rings_apart(rings, 8 * budget)) return false;
    if (rings.size() == 1) return true;
    // No two rings meet, so a ring is wholly inside or outside another: one vertex decides.
    std::size_t work = 0;
    auto inside = [&](std::size_t a, std::size_t b) {  // ring a inside ring b: 1, 0, -1
        if (!box_within(boxes[a], boxes[b])) return 0;
        work += rings[b]->size();
        return point_in_ring((*rings[a])[0], *rings[b]);
    };
    std::vector<std::size_t> shell_of_part;
    for (std::size_t k = 0, p = 0; p < mp.polygons.size(); ++p) {
        shell_of_part.push_back(k);
        const std::size_t shell = k, nrings = mp.polygons[p].rings.size();
        for (std::size_t h = shell + 1; h < shell + nrings; ++h) {
            if (inside(h, shell) != 1) return false;  // a hole outside its shell (or uncertain)
            for (std::size_t o = shell + 1; o < shell + nrings; ++o)
                if (o != h && inside(h, o) != 0) return false;  // nested holes
            if (work > budget) return false;
        }
        k += nrings;
    }
    for (std::size_t p : shell_of_part)
        for (std::size_t q : shell_of_part) {
            if (p != q && inside(p, q) != 0) return false;  // a part inside another's shell
            if (work > budget) return false;
        }
    return true;
}

}  // namespace redline
