#include "redline/geom/candidate_pairs.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>

#include "redline/exec/ordered_executor.hpp"

namespace redline {
namespace {

// A packed R-tree over boxes (sort-tile-recursive, like GEOS's STRtree) without GEOS envelopes:
// building a GEOS rectangle per box cost more than the queries.
class BoxTree {
  public:
    // `parallel`: sort with the current task arena's threads. The orders sorted by are total
    // (ties broken by index), so the tree is the same either way.
    BoxTree(const std::vector<Box>& boxes, bool parallel) : m_boxes(boxes), m_parallel(parallel) {
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

    using Stack = std::vector<std::pair<std::size_t, std::size_t>>;  // (level, node)

    // Calls hit(j) for every box j that intersects q (closed boxes). `stack`: scratch space.
    template <class F>
    void query(const Box& q, Stack& stack, F&& hit) const {
        if (m_levels.empty()) return;
        stack.clear();
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
    static constexpr std::size_t kParallelSort = 1 << 14;  // entries; fewer sort serially
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
    void str_sort(std::vector<Entry>& e) const {
        const std::size_t nodes = (e.size() + kFanout - 1) / kFanout;
        const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(double(nodes))));
        const std::size_t per_slice = std::max<std::size_t>(1, slices) * kFanout;
        auto by_x = [](const Entry& a, const Entry& b) {
            return cx(a.box) < cx(b.box) || (cx(a.box) == cx(b.box) && a.id < b.id);
        };
        auto by_y = [](const Entry& a, const Entry& b) {
            return cy(a.box) < cy(b.box) || (cy(a.box) == cy(b.box) && a.id < b.id);
        };
        const bool parallel = m_parallel && e.size() > kParallelSort;
        if (parallel)
            tbb::parallel_sort(e.begin(), e.end(), by_x);
        else
            std::sort(e.begin(), e.end(), by_x);
        auto sort_slice = [&](std::size_t s) {
            const auto last =
                e.begin() + static_cast<std::ptrdiff_t>(std::min(e.size(), s + per_slice));
            std::sort(e.begin() + static_cast<std::ptrdiff_t>(s), last, by_y);
        };
        const std::size_t count = (e.size() + per_slice - 1) / per_slice;
        if (parallel)
            tbb::parallel_for(std::size_t{0}, count,
                              [&](std::size_t k) { sort_slice(k * per_slice); });
        else
            for (std::size_t k = 0; k < count; ++k) sort_slice(k * per_slice);
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
    bool m_parallel = false;
};

// Boxes of `a` per block of the parallel query: enough work per task to hide its scheduling.
constexpr std::size_t kQueryBlock = 4096;

// The pairs of every i of `a` in order: keep(i, j, out) appends (i, j) for each sorted hit j of
// b that it keeps. With several threads, blocks of `a` are queried in parallel into their own
// lists, joined in block order: the same pairs in the same order for any thread count.
template <class Keep>
std::vector<IndexPair> query_all(const std::vector<Box>& a, const std::vector<Box>& b, int threads,
                                 Keep&& keep) {
    const int n = resolve_threads(threads);
    auto run = [&](const BoxTree& tree, std::size_t begin, std::size_t end,
                   std::vector<IndexPair>& out) {
        std::vector<std::size_t> hits;
        BoxTree::Stack stack;
        for (std::size_t i = begin; i < end; ++i) {
            if (a[i].empty()) continue;
            hits.clear();
            tree.query(a[i], stack, [&](std::size_t j) { hits.push_back(j); });
            std::sort(hits.begin(), hits.end());
            for (std::size_t j : hits) keep(i, j, out);
        }
    };
    std::vector<IndexPair> out;
    if (n <= 1) {
        const BoxTree tree(b, false);
        run(tree, 0, a.size(), out);
        return out;
    }
    const std::size_t blocks = (a.size() + kQueryBlock - 1) / kQueryBlock;
    std::vector<std::vector<IndexPair>> parts(blocks);
    tbb::task_arena arena(n);
    arena.execute([&] {
        const BoxTree tree(b, true);
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1), [&](const auto& r) {
            for (std::size_t k = r.begin(); k < r.end(); ++k)
                run(tree, k * kQueryBlock, std::min(a.size(), (k + 1) * kQueryBlock), parts[k]);
        });
    });
    std::size_t total = 0;
    for (const auto& part : parts) total += part.size();
    out.reserve(total);
    for (auto& part : parts) {
        out.insert(out.end(), part.begin(), part.end());
        std::vector<IndexPair>().swap(part);
    }
    return out;
}

}  // namespace

std::vector<IndexPair> candidate_pairs(const std::vector<Box>& a, const std::vector<Box>& b,
                                       int threads) {
    return query_all(a, b, threads, [](std::size_t i, std::size_t j, std::vector<IndexPair>& out) {
        out.emplace_back(i, j);
    });
}

std::vector<IndexPair> candidate_pairs_self(const std::vector<Box>& boxes, int threads) {
    return query_all(boxes, boxes, threads,
                     [](std::size_t i, std::size_t j, std::vector<IndexPair>& out) {
                         if (j > i) out.emplace_back(i, j);
                     });
}

std::vector<Box> bounds_of(const std::vector<MultiPolygon>& geoms) {
    std::vector<Box> out;
    out.reserve(geoms.size());
    for (const auto& g : geoms) out.push_back(g.bounds());
    return out;
}

}  // namespace redline
