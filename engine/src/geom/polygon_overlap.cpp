#include "redline/geom/polygon_overlap.hpp"

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <mutex>

#include "geos_handle.hpp"
#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geom/candidate_pairs.hpp"
#include "redline/geom/coverage_edges.hpp"
#include "redline/geom/planar_overlap_area.hpp"

namespace redline {
namespace {

struct PreparedDeleter {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(const GEOSPreparedGeometry* p) const {
        if (p) GEOSPreparedGeom_destroy_r(ctx, p);
    }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

// Per-worker GEOS state. Members are destroyed in reverse order: prepared, geometries, context.
struct Worker {
    detail::GeosContext ctx;
    std::vector<detail::GeomPtr> geoms;  // lazily converted geometries of the cached set
    std::vector<PreparedPtr> prepared;   // lazily prepared geometries of the cached set

    const GEOSGeometry* geom(const std::vector<MultiPolygon>& set, std::size_t i) {
        if (geoms.empty()) {
            geoms.resize(set.size());
            prepared.resize(set.size());
        }
        if (!geoms[i]) geoms[i] = detail::to_geos(ctx, set[i]);
        return geoms[i].get();
    }
    const GEOSPreparedGeometry* prep(const std::vector<MultiPolygon>& set, std::size_t i) {
        const GEOSGeometry* g = geom(set, i);
        if (!prepared[i]) {
            prepared[i] = PreparedPtr(GEOSPrepare_r(ctx.get(), g), PreparedDeleter{ctx.get()});
            if (!prepared[i])
                fail(ErrorKind::Internal, "GEOS cannot prepare a geometry: " + ctx.last_error());
        }
        return prepared[i].get();
    }
};

Point point_on_surface(const detail::GeosContext& ctx, const GEOSGeometry* g) {
    auto p = detail::own(ctx, GEOSPointOnSurface_r(ctx.get(), g));
    Point out;
    if (p && !GEOSisEmpty_r(ctx.get(), p.get())) {
        GEOSGeomGetX_r(ctx.get(), p.get(), &out.x);
        GEOSGeomGetY_r(ctx.get(), p.get(), &out.y);
    }
    return out;
}

constexpr std::size_t kTouchProofPoints = 4096;

// The same polygons with the same rings, vertex for vertex in the same order.
bool same_vertices(const MultiPolygon& a, const MultiPolygon& b) {
    if (a.polygons.size() != b.polygons.size() || a.empty()) return false;
    for (std::size_t p = 0; p < a.polygons.size(); ++p)
        if (a.polygons[p].rings != b.polygons[p].rings) return false;
    return true;
}

}  // namespace

std::vector<PolygonOverlap> find_overlaps(const std::vector<MultiPolygon>& a,
                                          const std::vector<MultiPolygon>& b_in,
                                          const std::vector<double>& area_a,
                                          const std::vector<double>& area_b_in,
                                          const AreaFunction& measure, const OverlapOptions& opts) {
    const std::vector<MultiPolygon>& b = opts.self ? a : b_in;
    const std::vector<double>& area_b = opts.self ? area_a : area_b_in;
    if (area_a.size() != a.size() || area_b.size() != b.size())
        fail(ErrorKind::Internal, "find_overlaps: areas do not match the geometries");

    // Candidates grouped by a (sorted by b within each group).
    const std::vector<IndexPair> pairs =
        opts.self ? candidate_pairs_self(bounds_of(a), opts.threads)
                  : candidate_pairs(bounds_of(a), bounds_of(b), opts.threads);
    std::vector<std::size_t> first(a.size() + 1, 0);
    for (const auto& [i, j] : pairs) ++first[i + 1];
    for (std::size_t i = 0; i < a.size(); ++i) first[i + 1] += first[i];

    auto describe = [&](std::size_t i, std::size_t j) {
        return opts.describe_pair ? opts.describe_pair(i, j)
                                  : fmt::format("features #{} and #{}", i, j);
    };

    // Vertex counts for the large-against-small path of the fast mode (0 = never taken).
    std::vector<std::size_t> vertices_a(a.size(), 0), large_b(b.size(), 0);
    if (opts.plane_area_scale > 0 && !opts.keep_pieces && !opts.locate) {
        for (std::size_t i = 0; i < a.size(); ++i) vertices_a[i] = a[i].num_points();
        for (std::size_t j = 0; j < b.size(); ++j) large_b[j] = b[j].num_points();
    }
    std::vector<std::vector<PolygonOverlap>> found(a.size());
    tbb::enumerable_thread_specific<Worker> workers;
    std::atomic<std::size_t> done{0};
    std::mutex progress_mutex;
    std::size_t reported = 0;  // guarded by progress_mutex
    const std::size_t total = a.size();

    auto handle_a = [&](std::size_t i) {
        if (opts.cancel && opts.cancel->cancelled())
            throw Error(ErrorKind::Cancelled, "interrupted; no output was written");
        if (first[i] == first[i + 1]) return;
        Worker& w = workers.local();
        const detail::GeosContext& ctx = w.ctx;
        const bool fast = opts.plane_area_scale > 0 && !opts.keep_pieces && !opts.locate;
        detail::GeomPtr own_a;
        PreparedPtr own_pa;
        const GEOSGeometry* ga = nullptr;
        const GEOSPreparedGeometry* pa = nullptr;
        auto convert_a = [&] {
            if (ga) return;
            if (opts.self) {
                ga = w.geom(a, i);
            } else {
                own_a = detail::to_geos(ctx, a[i]);
                ga = own_a.get();
            }
        };
        auto prepare_a = [&] {
            if (pa) return;
            convert_a();
            if (opts.self) {
                pa = w.prep(a, i);
            } else {
                own_pa = PreparedPtr(GEOSPrepare_r(ctx.get(), ga), PreparedDeleter{ctx.get()});
                if (!own_pa)
                    fail(ErrorKind::Internal,
                         "GEOS cannot prepare a geometry: " + ctx.last_error());
                pa = own_pa.get();
            }
        };
        auto geos_fail = [&](std::size_t j, const char* what) {
            fail(ErrorKind::InvalidInput,
                 fmt::format("GEOS cannot {} {}: {}; check the layers with 'redline validate' or "
                             "pass " REDLINE_FLAG("make_valid"),
                             what, describe(i, j), ctx.last_error()));
        };
        std::vector<PolygonOverlap>& out = found[i];
        for (std::size_t k = first[i]; k < first[i + 1]; ++k) {
            const std::size_t j = pairs[k].second;
            if (fast) {
                // A small polygon against a large one (a redline patch against a province):
                // the large one is prepared once per worker, and containment, the common case,
                // costs O(|a| log |b|) instead of the sweep's O(|a| + |b|).
                if (large_b[j] > 4 * vertices_a[i] + 256) {
                    convert_a();
                    const GEOSPreparedGeometry* pb = w.prep(b, j);
                    const char hit = GEOSPreparedIntersects_r(ctx.get(), pb, ga);
                    if (hit == 2) geos_fail(j, "test the intersection of");
                    if (hit == 0) continue;
                    const char inside = GEOSPreparedContains_r(ctx.get(), pb, ga);
                    if (inside == 2) geos_fail(j, "test containment of");
                    if (inside == 1) {
                        PolygonOverlap ov;
                        ov.a = i;
                        ov.b = j;
                        ov.kind = OverlapKind::AInsideB;
                        ov.area_m2 = area_a[i];
                        out.push_back(std::move(ov));
                        continue;
                    }
                }
                if (const auto plane = planar_overlap_area(a[i], b[j])) {
                    if (*plane > 0) {
                        PolygonOverlap ov;
                        ov.a = i;
                        ov.b = j;
                        ov.kind = OverlapKind::Partial;
                        ov.area_m2 = *plane * opts.plane_area_scale;
                        out.push_back(std::move(ov));
                    }
                    continue;
                }
            }
            // The same polygon, vertex for vertex (a parcel two survey years share): GEOS finds
            // each containing the other, so the verdict is Equal with a's own area and geometry.
            if (!opts.locate && area_a[i] > 0 && same_vertices(a[i], b[j])) {
                PolygonOverlap ov;
                ov.a = i;
                ov.b = j;
                ov.kind = OverlapKind::Equal;
                ov.area_m2 = area_a[i];
                if (opts.keep_pieces) ov.piece = a[i];
                out.push_back(std::move(ov));
                continue;
            }
            // Neighbours of a coverage (or of two survey years) share edges vertex for vertex:
            // prove that they only touch without an overlay, which GEOS would find to be a line or
            // a point (no overlap); anything the test cannot prove takes the GEOS path below. The
            // proof reads both polygons whole (O(n) per pair), so large ones go to prepared GEOS.
            // Within one layer (self) most candidates are such neighbours, so it comes first;
            // across layers (parcels in zones) most are apart or inside, decided just below.
            const bool small = a[i].num_points() + b[j].num_points() <= kTouchProofPoints;
            if (opts.self && small && polygons_only_touch(a[i], b[j])) continue;
            // Boundaries that do not meet at all (a parcel well inside a zone, or apart from
            // it): containment or disjointness without GEOS, the same verdicts as below.
            if (!opts.locate && small) {
                const Apart apart = polygons_apart(a[i], b[j]);
                if (apart == Apart::Disjoint) continue;
                if (apart == Apart::BInsideA || apart == Apart::AInsideB) {
                    const bool b_inside = apart == Apart::BInsideA;
                    PolygonOverlap ov;
                    ov.a = i;
                    ov.b = j;
                    ov.kind = b_inside ? OverlapKind::BInsideA : OverlapKind::AInsideB;
                    ov.area_m2 = b_inside ? area_b[j] : area_a[i];
                    if (opts.keep_pieces) ov.piece = b_inside ? b[j] : a[i];
                    out.push_back(std::move(ov));
                    continue;
                }
            }
            if (!opts.self && small && polygons_only_touch(a[i], b[j])) continue;
            prepare_a();
            const GEOSGeometry* gb = w.geom(b, j);
            const char hit = GEOSPreparedIntersects_r(ctx.get(), pa, gb);
            if (hit == 2) geos_fail(j, "test the intersection of");
            if (hit == 0) continue;
            PolygonOverlap ov;
            ov.a = i;
            ov.b = j;
            const char a_has_b = GEOSPreparedContains_r(ctx.get(), pa, gb);
            if (a_has_b == 2) geos_fail(j, "test containment of");
            const GEOSGeometry* whole = nullptr;
            if (a_has_b == 1) {
                const char b_has_a = GEOSPreparedContains_r(ctx.get(), w.prep(b, j), ga);
                if (b_has_a == 2) geos_fail(j, "test containment of");
                ov.kind = b_has_a == 1 ? OverlapKind::Equal : OverlapKind::BInsideA;
                whole = b_has_a == 1 ? ga : gb;
                ov.area_m2 = b_has_a == 1 ? area_a[i] : area_b[j];
                if (opts.keep_pieces) ov.piece = b_has_a == 1 ? a[i] : b[j];
            } else {
                const char b_has_a = GEOSPreparedContains_r(ctx.get(), w.prep(b, j), ga);
                if (b_has_a == 2) geos_fail(j, "test containment of");
                if (b_has_a == 1) {
                    ov.kind = OverlapKind::AInsideB;
                    whole = ga;
                    ov.area_m2 = area_a[i];
                    if (opts.keep_pieces) ov.piece = a[i];
                }
            }
            if (whole) {
                if (opts.locate) ov.location = point_on_surface(ctx, whole);
            } else {
                auto r = detail::own(ctx, GEOSIntersection_r(ctx.get(), ga, gb));
                if (!r) geos_fail(j, "intersect");
                MultiPolygon piece = detail::polygons_of(ctx, r.get());
                if (piece.empty()) continue;  // touching boundaries: a line or a point
                ov.kind = OverlapKind::Partial;
                ov.area_m2 = measure(piece);
                if (opts.locate)
                    ov.location = point_on_surface(ctx, detail::to_geos(ctx, piece).get());
                if (opts.keep_pieces) ov.piece = std::move(piece);
            }
            out.push_back(std::move(ov));
        }
    };

    tbb::task_arena arena(resolve_threads(opts.threads));
    arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, a.size(), 1), [&](const auto& range) {
            for (std::size_t i = range.begin(); i != range.end(); ++i) handle_a(i);
            const std::size_t n = done.fetch_add(range.size()) + range.size();
            if (opts.progress) {
                std::unique_lock lock(progress_mutex, std::try_to_lock);
                if (lock.owns_lock() && n > reported) {
                    reported = n;
                    opts.progress->update(n, total, opts.progress_label);
                }
            }
        });
    });
    if (opts.progress) opts.progress->update(total, total, opts.progress_label);

    std::size_t count = 0;
    for (const auto& f : found) count += f.size();
    std::vector<PolygonOverlap> out;
    out.reserve(count);
    for (auto& f : found)
        for (auto& ov : f) out.push_back(std::move(ov));
    return out;
}

}  // namespace redline
