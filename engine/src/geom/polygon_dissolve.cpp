#include "redline/geom/polygon_dissolve.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <numeric>

#include "geos_handle.hpp"
#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geom/candidate_pairs.hpp"
#include "redline/geom/polygon_union.hpp"

namespace redline {
namespace {

// Components larger than one union chunk are unioned with all threads, one after the other.
constexpr std::size_t kBigComponent = 256;

struct PreparedDeleter {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(const GEOSPreparedGeometry* p) const {
        if (p) GEOSPreparedGeom_destroy_r(ctx, p);
    }
};

struct Worker {
    detail::GeosContext ctx;
    std::vector<detail::GeomPtr> geoms;  // lazily converted parts
    const GEOSGeometry* geom(const std::vector<const MultiPolygon*>& parts, std::size_t i) {
        if (geoms.empty()) geoms.resize(parts.size());
        if (!geoms[i]) geoms[i] = detail::to_geos(ctx, *parts[i]);
        return geoms[i].get();
    }
};

std::size_t find_root(std::vector<std::size_t>& parent, std::size_t i) {
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

}  // namespace

MultiPolygon dissolve(const std::vector<const MultiPolygon*>& parts_in, int threads,
                      DissolveStats* stats) {
    std::vector<const MultiPolygon*> parts;
    for (const auto* p : parts_in)
        if (p && !p->empty()) parts.push_back(p);
    const std::size_t n = parts.size();
    if (stats) *stats = DissolveStats{n, n, n ? 1u : 0u};
    if (n == 0) return {};
    if (n == 1) return *parts[0];

    std::vector<Box> boxes(n);
    for (std::size_t i = 0; i < n; ++i) boxes[i] = parts[i]->bounds();
    const std::vector<IndexPair> pairs = candidate_pairs_self(boxes, threads);
    std::vector<std::size_t> first(n + 1, 0);
    for (const auto& [i, j] : pairs) ++first[i + 1];
    for (std::size_t i = 0; i < n; ++i) first[i + 1] += first[i];

    // Which candidate pairs really intersect (touching included), in parallel by first part.
    std::vector<char> linked(pairs.size(), 0);
    tbb::enumerable_thread_specific<Worker> workers;
    tbb::task_arena arena(resolve_threads(threads));
    arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1), [&](const auto& range) {
            Worker& w = workers.local();
            for (std::size_t i = range.begin(); i != range.end(); ++i) {
                if (first[i] == first[i + 1]) continue;
                std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter> prep(
                    GEOSPrepare_r(w.ctx.get(), w.geom(parts, i)), PreparedDeleter{w.ctx.get()});
                if (!prep)
                    fail(ErrorKind::Internal,
                         "GEOS cannot prepare a geometry: " + w.ctx.last_error());
                for (std::size_t k = first[i]; k < first[i + 1]; ++k) {
                    const char r = GEOSPreparedIntersects_r(w.ctx.get(), prep.get(),
                                                            w.geom(parts, pairs[k].second));
                    if (r == 2)
                        fail(ErrorKind::InvalidInput,
                             "GEOS cannot test two polygons for intersection (" +
                                 w.ctx.last_error() +
                                 "); check them with 'redline validate' or pass " REDLINE_FLAG(
                                     "make_valid"));
                    linked[k] = r;
                }
            }
        });
    });
    workers.clear();

    // Connected components, numbered in order of their first part.
    std::vector<std::size_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    for (std::size_t k = 0; k < pairs.size(); ++k) {
        if (!linked[k]) continue;
        const std::size_t a = find_root(parent, pairs[k].first),
                          b = find_root(parent, pairs[k].second);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
    std::vector<std::size_t> component_of(n), root_component(n, static_cast<std::size_t>(-1));
    std::vector<std::vector<const MultiPolygon*>> components;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t r = find_root(parent, i);
        if (root_component[r] == static_cast<std::size_t>(-1)) {
            root_component[r] = components.size();
            components.emplace_back();
        }
        components[root_component[r]].push_back(parts[i]);
    }
    if (stats) {
        stats->components = components.size();
        stats->largest = 0;
        for (const auto& c : components) stats->largest = std::max(stats->largest, c.size());
    }

    std::vector<MultiPolygon> results(components.size());
    arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, components.size(), [&](std::size_t c) {
            if (components[c].size() == 1)
                results[c] = *components[c][0];
            else if (components[c].size() <= kBigComponent)
                results[c] = union_all(components[c], 1);
        });
    });
    for (std::size_t c = 0; c < components.size(); ++c)
        if (components[c].size() > kBigComponent) results[c] = union_all(components[c], threads);

    MultiPolygon out;
    std::size_t count = 0;
    for (const auto& r : results) count += r.polygons.size();
    out.polygons.reserve(count);
    for (auto& r : results)
        for (auto& p : r.polygons) out.polygons.push_back(std::move(p));
    return out;
}

}  // namespace redline
