#include "redline/geom/candidate_pairs.hpp"

#include <algorithm>

#include "geos_handle.hpp"
#include "redline/core/error.hpp"

namespace redline {
namespace {

struct TreeDeleter {
    GEOSContextHandle_t ctx;
    void operator()(GEOSSTRtree* t) const {
        if (t) GEOSSTRtree_destroy_r(ctx, t);
    }
};

struct QueryState {
    std::vector<std::size_t>* hits;
};

void on_hit(void* item, void* userdata) {
    auto* st = static_cast<QueryState*>(userdata);
    st->hits->push_back(*static_cast<const std::size_t*>(item));
}

detail::GeomPtr rectangle(const detail::GeosContext& ctx, const Box& b) {
    auto g =
        detail::own(ctx, GEOSGeom_createRectangle_r(ctx.get(), b.xmin, b.ymin, b.xmax, b.ymax));
    if (!g) fail(ErrorKind::Internal, "GEOS cannot build an envelope: " + ctx.last_error());
    return g;
}

// Calls visit(i, sorted hits of b) for every i of `a`.
template <class Visit>
void query_all(const std::vector<Box>& a, const std::vector<Box>& b, Visit&& visit) {
    detail::GeosContext ctx;
    std::vector<std::size_t> index(b.size());
    for (std::size_t j = 0; j < b.size(); ++j) index[j] = j;
    std::vector<detail::GeomPtr> envelopes;  // kept alive while the tree exists
    envelopes.reserve(b.size());
    std::unique_ptr<GEOSSTRtree, TreeDeleter> tree(GEOSSTRtree_create_r(ctx.get(), 10),
                                                   TreeDeleter{ctx.get()});
    if (!tree) fail(ErrorKind::Internal, "GEOS cannot create an STRtree: " + ctx.last_error());
    std::size_t inserted = 0;
    for (std::size_t j = 0; j < b.size(); ++j) {
        if (b[j].empty()) continue;
        envelopes.push_back(rectangle(ctx, b[j]));
        GEOSSTRtree_insert_r(ctx.get(), tree.get(), envelopes.back().get(), &index[j]);
        ++inserted;
    }
    std::vector<std::size_t> hits;
    QueryState st{&hits};
    for (std::size_t i = 0; i < a.size(); ++i) {
        hits.clear();
        if (inserted > 0 && !a[i].empty()) {
            auto q = rectangle(ctx, a[i]);
            GEOSSTRtree_query_r(ctx.get(), tree.get(), q.get(), &on_hit, &st);
            // The tree compares envelopes; keep exactly the closed-box intersections.
            std::erase_if(hits, [&](std::size_t j) { return !a[i].intersects(b[j]); });
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
