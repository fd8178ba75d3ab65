#include "redline/geom/polygon_union.hpp"

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdint>
#include <numeric>

#include "geos_handle.hpp"
#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/exec/ordered_executor.hpp"

namespace redline {
namespace {

constexpr std::size_t kChunk = 256;

std::uint32_t spread(std::uint32_t v) {
    v &= 0xffff;
    v = (v | (v << 8)) & 0x00ff00ff;
    v = (v | (v << 4)) & 0x0f0f0f0f;
    v = (v | (v << 2)) & 0x33333333;
    v = (v | (v << 1)) & 0x55555555;
    return v;
}

MultiPolygon union_chunk(const detail::GeosContext& ctx,
                         const std::vector<const MultiPolygon*>& items) {
    std::vector<GEOSGeometry*> geoms;
    geoms.reserve(items.size());
    for (const auto* mp : items) geoms.push_back(detail::to_geos(ctx, *mp).release());
    auto coll = detail::own(
        ctx, GEOSGeom_createCollection_r(ctx.get(), GEOS_GEOMETRYCOLLECTION, geoms.data(),
                                         static_cast<unsigned>(geoms.size())));
    if (!coll) fail(ErrorKind::Internal, "GEOS cannot build a collection: " + ctx.last_error());
    auto u = detail::own(ctx, GEOSUnaryUnion_r(ctx.get(), coll.get()));
    if (!u)
        fail(ErrorKind::InvalidInput,
             "GEOS cannot union the polygons (" + ctx.last_error() +
                 "); check them with 'redline validate' or pass " REDLINE_FLAG("make_valid"));
    return detail::polygons_of(ctx, u.get());
}

}  // namespace

MultiPolygon union_all(const std::vector<const MultiPolygon*>& parts_in, int threads) {
    std::vector<const MultiPolygon*> parts;
    for (const auto* p : parts_in)
        if (p && !p->empty()) parts.push_back(p);
    if (parts.empty()) return {};
    if (parts.size() == 1) return *parts[0];
    // Morton order of bbox centres.
    Box all;
    std::vector<Box> boxes(parts.size());
    for (std::size_t i = 0; i < parts.size(); ++i) {
        boxes[i] = parts[i]->bounds();
        all.expand(boxes[i]);
    }
    const double w = std::max(all.xmax - all.xmin, 1e-300),
                 h = std::max(all.ymax - all.ymin, 1e-300);
    std::vector<std::uint32_t> key(parts.size());
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const double cx = 0.5 * (boxes[i].xmin + boxes[i].xmax),
                     cy = 0.5 * (boxes[i].ymin + boxes[i].ymax);
        const auto qx =
            static_cast<std::uint32_t>(std::clamp((cx - all.xmin) / w, 0.0, 1.0) * 65535.0);
        const auto qy =
            static_cast<std::uint32_t>(std::clamp((cy - all.ymin) / h, 0.0, 1.0) * 65535.0);
        key[i] = spread(qx) | (spread(qy) << 1);
    }
    std::vector<std::size_t> order(parts.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return key[a] < key[b]; });

    const std::size_t nchunks = (parts.size() + kChunk - 1) / kChunk;
    std::vector<MultiPolygon> level(nchunks);
    tbb::enumerable_thread_specific<detail::GeosContext> contexts;
    tbb::task_arena arena(resolve_threads(threads));
    arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, nchunks, [&](std::size_t c) {
            std::vector<const MultiPolygon*> items;
            for (std::size_t k = c * kChunk; k < std::min(parts.size(), (c + 1) * kChunk); ++k)
                items.push_back(parts[order[k]]);
            level[c] = union_chunk(contexts.local(), items);
        });
        while (level.size() > 1) {
            std::vector<MultiPolygon> next((level.size() + 1) / 2);
            tbb::parallel_for(std::size_t{0}, next.size(), [&](std::size_t k) {
                if (2 * k + 1 >= level.size()) {
                    next[k] = std::move(level[2 * k]);
                    return;
                }
                next[k] = union_chunk(contexts.local(), {&level[2 * k], &level[2 * k + 1]});
            });
            level = std::move(next);
        }
    });
    return std::move(level[0]);
}

MultiPolygon union_of_boxes(const std::vector<Box>& boxes) {
    if (boxes.empty()) return {};
    detail::GeosContext ctx;
    std::vector<GEOSGeometry*> geoms;
    geoms.reserve(boxes.size());
    for (const auto& b : boxes)
        geoms.push_back(GEOSGeom_createRectangle_r(ctx.get(), b.xmin, b.ymin, b.xmax, b.ymax));
    auto coll = detail::own(
        ctx, GEOSGeom_createCollection_r(ctx.get(), GEOS_GEOMETRYCOLLECTION, geoms.data(),
                                         static_cast<unsigned>(geoms.size())));
    auto u = detail::own(ctx, GEOSUnaryUnion_r(ctx.get(), coll.get()));
    if (!u) fail(ErrorKind::Internal, "GEOS cannot union cell rectangles: " + ctx.last_error());
    return detail::polygons_of(ctx, u.get());
}

MultiPolygon intersection(const MultiPolygon& a, const MultiPolygon& b) {
    detail::GeosContext ctx;
    auto ga = detail::to_geos(ctx, a);
    auto gb = detail::to_geos(ctx, b);
    auto r = detail::own(ctx, GEOSIntersection_r(ctx.get(), ga.get(), gb.get()));
    if (!r)
        fail(ErrorKind::InvalidInput, "GEOS cannot intersect the polygons: " + ctx.last_error());
    return detail::polygons_of(ctx, r.get());
}

MultiPolygon difference(const MultiPolygon& a, const MultiPolygon& b) {
    if (a.empty() || b.empty()) return a;
    detail::GeosContext ctx;
    auto ga = detail::to_geos(ctx, a);
    auto gb = detail::to_geos(ctx, b);
    auto r = detail::own(ctx, GEOSDifference_r(ctx.get(), ga.get(), gb.get()));
    if (!r) fail(ErrorKind::InvalidInput, "GEOS cannot subtract the polygons: " + ctx.last_error());
    return detail::polygons_of(ctx, r.get());
}

}  // namespace redline
