#include "redline/geom/validity.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <mutex>

#include "geos_handle.hpp"
#include "redline/core/error.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geom/validity_certificate.hpp"

namespace redline {

namespace {

// GEOS validity of every geometry not marked in `skip` (nullptr: none skipped).
std::vector<ValidityIssue> geos_validity(const std::vector<MultiPolygon>& geoms,
                                         const std::vector<char>* skip, int threads) {
    std::vector<int> bad(geoms.size(), 0);
    std::vector<ValidityIssue> found(geoms.size());
    tbb::enumerable_thread_specific<detail::GeosContext> contexts;
    tbb::task_arena arena(resolve_threads(threads));
    arena.execute([&] {
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(0, geoms.size(), 64), [&](const auto& range) {
                auto& ctx = contexts.local();
                for (std::size_t i = range.begin(); i != range.end(); ++i) {
                    if (geoms[i].empty() || (skip && (*skip)[i])) continue;
                    // Non-finite coordinates first: GEOS reports them, but without a location.
                    bool finite = true;
                    Point where;
                    for (const auto& p : geoms[i].polygons)
                        for (const auto& r : p.rings)
                            for (const auto& pt : r)
                                if (finite && (!std::isfinite(pt.x) || !std::isfinite(pt.y))) {
                                    finite = false;
                                    where = pt;
                                }
                    if (!finite) {
                        bad[i] = 1;
                        found[i] = ValidityIssue{i, "Invalid Coordinate (NaN or infinite)", where};
                        continue;
                    }
                    bool too_few = false;
                    for (const auto& p : geoms[i].polygons)
                        for (const auto& r : p.rings)
                            if (r.size() < 4 && !too_few) {
                                too_few = true;
                                where = r.empty() ? Point{} : r[0];
                            }
                    if (too_few) {
                        bad[i] = 1;
                        found[i] = ValidityIssue{
                            i, "Too few points in a ring (fewer than 4, or not closed)", where};
                        continue;
                    }
                    auto g = detail::to_geos(ctx, geoms[i]);
                    char* reason = nullptr;
                    GEOSGeometry* loc = nullptr;
                    const char r = GEOSisValidDetail_r(ctx.get(), g.get(), 0, &reason, &loc);
                    if (r != 1) {
                        ValidityIssue issue;
                        issue.index = i;
                        issue.reason =
                            reason ? reason
                                   : (r == 2 ? "GEOS error: " + ctx.last_error() : "invalid");
                        if (loc) {
                            double x = 0, y = 0;
                            GEOSGeomGetX_r(ctx.get(), loc, &x);
                            GEOSGeomGetY_r(ctx.get(), loc, &y);
                            issue.location = Point{x, y};
                        }
                        bad[i] = 1;
                        found[i] = issue;
                    }
                    if (reason) GEOSFree_r(ctx.get(), reason);
                    if (loc) GEOSGeom_destroy_r(ctx.get(), loc);
                }
            });
    });
    std::vector<ValidityIssue> out;
    for (std::size_t i = 0; i < geoms.size(); ++i)
        if (bad[i]) out.push_back(found[i]);
    return out;
}

}  // namespace

std::vector<ValidityIssue> check_validity(const std::vector<MultiPolygon>& geoms, int threads) {
    return geos_validity(geoms, nullptr, threads);
}

std::vector<ValidityIssue> find_validity_issues(const std::vector<MultiPolygon>& geoms, int threads,
                                                ProgressSink* progress) {
    std::vector<char> certified(geoms.size(), 0);
    std::atomic<std::size_t> done{0};
    std::mutex progress_mutex;  // ProgressSink::update from one thread at a time
    const std::size_t total = geoms.size();
    if (progress && total) progress->update(0, total, "check");
    tbb::task_arena arena(resolve_threads(threads));
    arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, geoms.size(), 64), [&](const auto& r) {
            for (std::size_t i = r.begin(); i != r.end(); ++i)
                certified[i] = !geoms[i].empty() && certainly_valid_polygon(geoms[i]);
            const std::size_t n = done.fetch_add(r.size()) + r.size();
            if (progress && n < total) {
                std::unique_lock lock(progress_mutex, std::try_to_lock);
                if (lock.owns_lock()) progress->update(n, total, "check");
            }
        });
    });
    auto issues = geos_validity(geoms, &certified, threads);
    if (progress && total) progress->update(total, total, "check");
    return issues;
}

std::size_t make_valid(std::vector<MultiPolygon>& geoms, const std::vector<std::size_t>& which,
                       int threads) {
    std::vector<int> changed(which.size(), 0);
    tbb::enumerable_thread_specific<detail::GeosContext> contexts;
    tbb::task_arena arena(resolve_threads(threads));
    arena.execute([&] {
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(0, which.size(), 16), [&](const auto& range) {
                auto& ctx = contexts.local();
                GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(ctx.get());
                GEOSMakeValidParams_setMethod_r(ctx.get(), params, GEOS_MAKE_VALID_STRUCTURE);
                GEOSMakeValidParams_setKeepCollapsed_r(ctx.get(), params, 0);
                for (std::size_t k = range.begin(); k != range.end(); ++k) {
                    MultiPolygon& mp = geoms[which[k]];
                    // Drop rings that cannot form a polygon and non-finite points first.
                    for (auto& p : mp.polygons) {
                        for (auto& r : p.rings)
                            std::erase_if(r, [](const Point& q) {
                                return !std::isfinite(q.x) || !std::isfinite(q.y);
                            });
                        close_rings(mp);
                    }
                    for (auto& p : mp.polygons) {
                        std::vector<Ring> kept;
                        for (std::size_t i = 0; i < p.rings.size(); ++i)
                            if (p.rings[i].size() >= 4)
                                kept.push_back(std::move(p.rings[i]));
                            else if (i == 0) {
                                kept.clear();
                                break;
                            }
                        p.rings = std::move(kept);
                    }
                    std::erase_if(mp.polygons, [](const Polygon& p) { return p.rings.empty(); });
                    auto g = detail::to_geos(ctx, mp);
                    detail::GeomPtr fixed =
                        detail::own(ctx, GEOSMakeValidWithParams_r(ctx.get(), g.get(), params));
                    if (!fixed)
                        fail(ErrorKind::InvalidInput,
                             "GEOS cannot repair a geometry: " + ctx.last_error());
                    mp = detail::polygons_of(ctx, fixed.get());
                    changed[k] = 1;
                }
                GEOSMakeValidParams_destroy_r(ctx.get(), params);
            });
    });
    std::size_t n = 0;
    for (int c : changed) n += static_cast<std::size_t>(c);
    return n;
}

std::string describe_issues(const std::vector<ValidityIssue>& issues,
                            const std::vector<std::string>& names, std::size_t limit) {
    std::string out;
    for (std::size_t i = 0; i < issues.size() && i < limit; ++i) {
        const auto& is = issues[i];
        if (i) out += "; ";
        const std::string name =
            is.index < names.size() ? names[is.index] : std::to_string(is.index);
        out += fmt::format("'{}': {} at ({:.9g}, {:.9g})", name, is.reason, is.location.x,
                           is.location.y);
    }
    if (issues.size() > limit) out += fmt::format("; and {} more", issues.size() - limit);
    return out;
}

std::string geos_version() { return std::string("GEOS ") + GEOSversion(); }

}  // namespace redline
