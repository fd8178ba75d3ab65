#include "redline/geom/candidate_pairs.hpp"

#include <algorithm>
#include <cmath>

namespace redline {
namespace {

// A packed R-tree over boxes (sort-tile-recursive, like GEOS's STRtree) without GEOS envelopes:
// building a GEOS rectangle per box cost more than the queries.
class BoxTree {
  public:
    explicit BoxTree(const std::vector<Box>& boxes) : m_boxes(boxes) {
        std::vector<Entry> entries;
        for (std::size_t j = 0; j < boxes.size(); ++j)
            if (!boxes[j].empty()) entries.push_back(Entry{boxes[j], j});
        if (entries.empty()) return;
        str_sort(entries);
        for (const auto& e : entries) m_items.push_back(e.id);
        m_levels.push_back(group(entries));
        while (m_levels.back().size() > 1) {
            std::vector<Node>& below = m_levels.back();
            std::vector<Entry> up;
            for (std::size_t k = 0; k < below.size(); ++k) up.push_back(Entry{below[k].box, k});
            str_sort(up);
            std::vector<Node> reordered;
            for (const auto& e : up) reordered.push_back(below[e.id]);
            below = std::move(reordered);
            for (std::size_t k = 0; k < up.size(); ++k) up[k].id = k;
            m_levels.push_back(group(up));
        }
    }

    // Calls hit(j) for every box j that intersects q (closed boxes).
    template <class F>
    void query(const Box& q, F&& hit) const {
        if (m_levels.empty()) return;
        std::vector<std::pair<std::size_t, std::size_t>> stack;  // (level, node)
        for (std::size_t k = 0; k < m_levels.back().size(); ++k)
            stack.emplace_back(m_levels.size() - 1, k);
        while (!stack.empty()) {
            const auto [level, k] = stack.back();
            stack.pop_back();
            const Node& n = m_levels[level][k];
            if (!n.box.intersects(q)) continue;
            for (std::size_t c = n.begin; c < n.end; ++c) {
                if (level > 0) {
                    stack.emplace_back(level - 1, c);
                } else if (m_boxes[m_items[c]].intersects(q)) {
                    hit(m_items[c]);
                }
            }
        }
    }

  private:
    static constexpr std::size_t kFanout = 10;
    struct Entry {
        Box box;
        std::size_t id;
    };
    struct Node {
        Box box;
        std::size_t begin = 0, end = 0;  // children: m_items (level 0) or the level below
    };

    static double cx(const Box& b) { return 0.5 * (b.xmin + b.xmax); }
    static double cy(const Box& b) { return 0.5 * (b.ymin + b.ymax); }

    // Slices of about sqrt(n / fanout) nodes by x centre, each slice sorted by y centre.
    static void str_sort(std::vector<Entry>& e) {
        const std::size_t nodes = (e.size() + kFanout - 1) / kFanout;
        const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(double(nodes))));
        const std::size_t per_slice = std::max<std::size_t>(1, slices) * kFanout;
        std::sort(e.begin(), e.end(), [](const Entry& a, const Entry& b) {
            return cx(a.box) < cx(b.box) || (cx(a.box) == cx(b.box) && a.id < b.id);
        });
        for (std::size_t s = 0; s < e.size(); s += per_slice) {
            const auto last =
                e.begin() + static_cast<std::ptrdiff_t>(std::min(e.size(), s + per_slice));
            std::sort(e.begin() + static_cast<std::ptrdiff_t>(s), last,
                      [](const Entry& a, const Entry& b) {
                          return cy(a.box) < cy(b.box) || (cy(a.box) == cy(b.box) && a.id < b.id);
                      });
        }
    }

    // Consecutive runs of kFanout entries (already in their final order) become nodes.
    static std::vector<Node> group(const std::vector<Entry>& e) {
        std::vector<Node> out;
        for (std::size_t s = 0; s < e.size(); s += kFanout) {
            Node n;
            n.begin = s;
            n.end = std::min(e.size(), s + kFanout);
            for (std::size_t k = n.begin; k < n.end; ++k) n.box.expand(e[k].box);
            out.push_back(n);
        }
        return out;
    }

    const std::vector<Box>& m_boxes;
    std::vector<std::size_t> m_items;         // box indices in leaf order
    std::vector<std::vector<Node>> m_levels;  // [0] leaves' parents ... back() the root level
};

// Calls visit(i, sorted hits of b) for every i of `a`.
template <class Visit>
void query_all(const std::vector<Box>& a, const std::vector<Box>& b, Visit&& visit) {
    const BoxTree tree(b);
    std::vector<std::size_t> hits;
    for (std::size_t i = 0; i < a.size(); ++i) {
        hits.clear();
        if (!a[i].empty()) {
            tree.query(a[i], [&](std::size_t j) { hits.push_back(j); });
            std::sort(hits.begin(), hits.end());
        }
        visit(i, hits);
    }
}

}  // namespace

std::vector<IndexPair> candidate_pairs(const std::vector<Box>& a, const std::vector<Box>& b) {
    std::vector<IndexPair> out;
    query_all(a, b, [&](std::size_t i, const std::vector<std::size_t>& hits) {
        for (std::size_t j : hits) out.emplace_back(i, j);
    });
    return out;
}

std::vector<IndexPair> candidate_pairs_self(const std::vector<Box>& boxes) {
    std::vector<IndexPair> out;
    query_all(boxes, boxes, [&](std::size_t i, const std::vector<std::size_t>& hits) {
        for (std::size_t j : hits)
            if (j > i) out.emplace_back(i, j);
    });
    return out;
}

std::vector<Box> bounds_of(const std::vector<MultiPolygon>& geoms) {
    std::vector<Box> out;
    out.reserve(geoms.size());
    for (const auto& g : geoms) out.push_back(g.bounds());
    return out;
}

}  // namespace redline
