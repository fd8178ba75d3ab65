// libFuzzer target: the exact coverage kernel (CoverageRasterizer, CoverageMode::Exact) against
// an independent oracle, GEOS (issue 9).
//
// The fuzz input is decoded (FuzzedDataProvider) into a random grid (origin, cell width and
// height, rows, cols) and a random valid polygon in world coordinates: star-shaped around a
// centre, 3..200 vertices, optionally a star-shaped hole, either orientation, optionally reaching
// past the grid. Checked, abort() on violation:
//   1. every cell's coverage is in [0, 2^40] (a fraction in [0, 1]);
//   2. sum(coverage) x cell area == GEOS area of polygon ∩ grid rectangle, to 1e-9 relative;
//   3. on small grids, each cell's coverage == GEOS area of polygon ∩ cell, to 1e-9 of a cell;
//   4. the sparse scan() gives the same coverage as the dense finish(), and a random tile
//      (window) gives the same coverage for its cells as the whole grid (tile independence).
// Polygons GEOS rejects as invalid (rare: coinciding angles) are skipped. The grid origin is a
// multiple of the cell size within 1e5 cells of zero, so world -> cell coordinates round by
// < 1e-10 of a cell and the oracle's tolerance is the kernel's, not the transform's.
#include <fuzzer/FuzzedDataProvider.h>
#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <vector>

#include "redline/core/error.hpp"
#include "redline/core/fixed_area.hpp"
#include "redline/core/geometry.hpp"
#include "redline/core/grid.hpp"
#include "redline/coverage/coverage_rasterizer.hpp"
#include "redline/coverage/zone_set.hpp"

using namespace redline;

namespace {

GEOSContextHandle_t geos() {
    static GEOSContextHandle_t ctx = GEOS_init_r();
    return ctx;
}

// Inputs checked against the oracle and inputs skipped (GEOS-invalid polygon, no room), printed at
// exit with REDLINE_FUZZ_STATS=1; REDLINE_FUZZ_SELFTEST=1 skews the sum by 1e-8 to show that
// the oracle catches it.
long g_checked = 0, g_skipped = 0;
const bool g_selftest = std::getenv("REDLINE_FUZZ_SELFTEST") != nullptr;
const int g_stats = [] {
    if (std::getenv("REDLINE_FUZZ_STATS"))
        std::atexit([] {
            std::fprintf(stderr, "fuzz_coverage: %ld inputs checked, %ld skipped\n", g_checked,
                         g_skipped);
        });
    return 0;
}();

[[noreturn]] void violation(const char* what, double got, double want) {
    std::fprintf(stderr, "fuzz_coverage: %s: got %.17g, want %.17g\n", what, got, want);
    std::abort();
}

// A star-shaped ring around (cx, cy) (cell coordinates): n angles, one per equal slot, jittered
// inside it, radii in [rmin, rmax]. Closed.
std::vector<Point> star(FuzzedDataProvider& in, double cx, double cy, double rmin, double rmax,
                        int n, double aspect) {
    std::vector<Point> ring;
    const double phase = in.ConsumeProbability<double>() * 2 * std::numbers::pi;
    for (int k = 0; k < n; ++k) {
        const double a =
            phase + (k + 0.05 + 0.9 * in.ConsumeProbability<double>()) * 2 * std::numbers::pi / n;
        const double r = rmin + (rmax - rmin) * in.ConsumeProbability<double>();
        ring.push_back({cx + r * std::cos(a), cy + aspect * r * std::sin(a)});
    }
    ring.push_back(ring.front());
    return ring;
}

GEOSGeometry* geos_ring(const std::vector<Point>& ring) {
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(geos(), static_cast<unsigned>(ring.size()), 2);
    for (std::size_t i = 0; i < ring.size(); ++i)
        GEOSCoordSeq_setXY_r(geos(), seq, static_cast<unsigned>(i), ring[i].x, ring[i].y);
    return GEOSGeom_createLinearRing_r(geos(), seq);
}

GEOSGeometry* geos_polygon(const Polygon& p) {
    GEOSGeometry* shell = geos_ring(p.rings[0]);
    std::vector<GEOSGeometry*> holes;
    for (std::size_t r = 1; r < p.rings.size(); ++r) holes.push_back(geos_ring(p.rings[r]));
    return GEOSGeom_createPolygon_r(geos(), shell, holes.data(),
                                    static_cast<unsigned>(holes.size()));
}

double geos_area(const GEOSGeometry* g) {
    double a = 0;
    if (!GEOSArea_r(geos(), g, &a)) violation("GEOSArea failed", 0, 0);
    return a;
}

// Area of poly ∩ [x0, x1] x [y0, y1] by GEOS.
double clipped_area(const GEOSGeometry* poly, double x0, double y0, double x1, double y1) {
    GEOSGeometry* rect = GEOSGeom_createRectangle_r(geos(), x0, y0, x1, y1);
    GEOSGeometry* inter = GEOSIntersection_r(geos(), poly, rect);
    if (!inter) violation("GEOSIntersection failed", 0, 0);
    const double a = geos_area(inter);
    GEOSGeom_destroy_r(geos(), inter);
    GEOSGeom_destroy_r(geos(), rect);
    return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    // Grid: 1..64 columns and rows, cell width 2^-10..2^14 (log-uniform, not dyadic), height
    // 0.25..4 times the width, north-up (dy < 0) or south-up.
    const auto cols = in.ConsumeIntegralInRange<std::int64_t>(1, 64);
    const auto rows = in.ConsumeIntegralInRange<std::int64_t>(1, 64);
    const double dx = std::exp2(-10.0 + 24.0 * in.ConsumeProbability<double>());
    const double dy_abs = dx * std::exp2(-2.0 + 4.0 * in.ConsumeProbability<double>());
    const double dy = in.ConsumeBool() ? -dy_abs : dy_abs;
    const double x0 =
        dx * static_cast<double>(in.ConsumeIntegralInRange<std::int64_t>(-100000, 100000));
    const double y0 =
        dy_abs * static_cast<double>(in.ConsumeIntegralInRange<std::int64_t>(-100000, 100000));
    const Grid grid(x0, dx, y0, dy, cols, rows);

    // Polygon in cell coordinates, then in world coordinates. Radius 0.5..64 cells; `inside`
    // keeps it within the grid (the plain area is the oracle), otherwise it may stick out.
    const bool inside = in.ConsumeBool();
    const int n = in.ConsumeIntegralInRange<int>(3, 200);
    const double aspect = std::exp2(-1.0 + 2.0 * in.ConsumeProbability<double>());
    double rmax = 0.5 + 63.5 * in.ConsumeProbability<double>();
    double cx = static_cast<double>(cols) * in.ConsumeProbability<double>();
    double cy = static_cast<double>(rows) * in.ConsumeProbability<double>();
    if (inside) {
        // Shrink the radius and move the centre so that the bounding circle (ellipse) fits.
        rmax = std::min({rmax, 0.999 * static_cast<double>(cols) / 2,
                         0.999 * static_cast<double>(rows) / (2 * aspect)});
        if (rmax < 0.05) {
            ++g_skipped;
            return 0;
        }
        const double mx = rmax, my = rmax * aspect;
        cx = std::clamp(cx, mx, static_cast<double>(cols) - mx);
        cy = std::clamp(cy, my, static_cast<double>(rows) - my);
    }
    const double rmin = rmax * (0.2 + 0.8 * in.ConsumeProbability<double>());
    std::vector<std::vector<Point>> rings_cells;
    rings_cells.push_back(star(in, cx, cy, rmin, rmax, n, aspect));
    if (in.ConsumeBool()) {
        const int nh = in.ConsumeIntegralInRange<int>(3, 50);
        const double hmax = rmin * (0.05 + 0.4 * in.ConsumeProbability<double>());
        rings_cells.push_back(star(in, cx, cy, hmax * 0.3, hmax, nh, aspect));
    }
    Polygon poly;
    for (auto& rc : rings_cells) {
        if (in.ConsumeBool()) std::reverse(rc.begin(), rc.end());
        std::vector<Point> w;
        for (const Point& p : rc) w.push_back({x0 + p.x * dx, y0 + p.y * dy});
        poly.rings.push_back(std::move(w));
    }

    GEOSGeometry* gpoly = geos_polygon(poly);
    if (!gpoly) violation("GEOS could not build the polygon", 0, 0);
    if (GEOSisValid_r(geos(), gpoly) != 1) {
        GEOSGeom_destroy_r(geos(), gpoly);
        ++g_skipped;
        return 0;
    }
    const double gx0 = std::min(x0, x0 + dx * static_cast<double>(cols)),
                 gx1 = std::max(x0, x0 + dx * static_cast<double>(cols));
    const double gy0 = std::min(y0, y0 + dy * static_cast<double>(rows)),
                 gy1 = std::max(y0, y0 + dy * static_cast<double>(rows));
    const double want = inside ? geos_area(gpoly) : clipped_area(gpoly, gx0, gy0, gx1, gy1);

    MultiPolygon mp;
    mp.polygons.push_back(poly);
    ZoneSet zones;
    try {
        zones = ZoneSet(grid, {mp}, {"fuzz"});
    } catch (const Error& e) {
        std::fprintf(stderr, "fuzz_coverage: ZoneSet rejected a valid polygon: %s\n", e.what());
        std::abort();
    }

    // Dense coverage over the whole grid.
    CoverageRasterizer dense;
    dense.rasterize(zones, 0, grid.full());
    std::vector<std::int64_t> cov(static_cast<std::size_t>(rows * cols));
    Int128 sum = 0;
    for (std::int64_t i = 0; i < rows; ++i)
        for (std::int64_t j = 0; j < cols; ++j) {
            const std::int64_t c = dense.row(i)[j];
            if (c < 0 || c > kFullCoverage)
                violation("coverage outside [0, 1] (cells)",
                          std::ldexp(static_cast<double>(c), -kCoverageBits), 0.5);
            cov[static_cast<std::size_t>(i * cols + j)] = c;
            sum += c;
        }
    const double got = coverage_to_cells(sum) * dx * dy_abs * (g_selftest ? 1 + 1e-8 : 1.0);
    // 1e-9 relative; the absolute floor (1e-12 of a cell per vertex) only matters when the
    // polygon barely touches the grid (clipped case with a tiny intersection).
    const double tol = 1e-9 * want + 1e-12 * static_cast<double>(n + 60) * dx * dy_abs;
    if (!(std::fabs(got - want) <= tol))
        violation("sum of coverage x cell area != GEOS area", got, want);

    // Per cell against GEOS on small grids.
    if (rows * cols <= 144) {
        for (std::int64_t i = 0; i < rows; ++i)
            for (std::int64_t j = 0; j < cols; ++j) {
                const double cx0 = x0 + static_cast<double>(j) * dx, cx1 = cx0 + dx;
                const double ya = y0 + static_cast<double>(i) * dy, yb = ya + dy;
                const double cell =
                    clipped_area(gpoly, cx0, std::min(ya, yb), cx1, std::max(ya, yb)) /
                    (dx * dy_abs);
                const double c =
                    std::ldexp(static_cast<double>(cov[static_cast<std::size_t>(i * cols + j)]),
                               -kCoverageBits);
                if (!(std::fabs(c - cell) <= 1e-9))
                    violation("cell coverage != GEOS area of polygon ∩ cell (cells)", c, cell);
            }
    }
    GEOSGeom_destroy_r(geos(), gpoly);

    // Sparse scan over the whole grid == dense.
    std::vector<std::int64_t> sparse(cov.size(), 0);
    CoverageRasterizer sc;
    sc.begin(grid.full());
    zones.for_each_edge(0, [&](double xa, double ya, double xb, double yb, int sign) {
        sc.add_edge(xa, ya, xb, yb, sign);
    });
    struct V {
        std::vector<std::int64_t>& out;
        std::int64_t cols;
        void cell(std::int64_t r, std::int64_t c, std::int64_t v, const std::int64_t*) {
            out[static_cast<std::size_t>(r * cols + c)] = v;
        }
        void span(std::int64_t r, std::int64_t c0, std::int64_t c1, std::int64_t v) {
            for (std::int64_t c = c0; c < c1; ++c) out[static_cast<std::size_t>(r * cols + c)] = v;
        }
    } v{sparse, cols};
    sc.scan(v);
    if (sparse != cov) violation("scan() differs from finish()", 0, 0);

    // A random tile gives the same coverage as the whole grid for its cells (reusing `dense`, so
    // the buffer's reset between polygons is exercised too).
    Window w;
    w.col0 = in.ConsumeIntegralInRange<std::int64_t>(0, cols - 1);
    w.row0 = in.ConsumeIntegralInRange<std::int64_t>(0, rows - 1);
    w.cols = in.ConsumeIntegralInRange<std::int64_t>(1, cols - w.col0);
    w.rows = in.ConsumeIntegralInRange<std::int64_t>(1, rows - w.row0);
    dense.rasterize(zones, 0, w);
    for (std::int64_t i = 0; i < w.rows; ++i)
        for (std::int64_t j = 0; j < w.cols; ++j)
            if (dense.row(i)[j] != cov[static_cast<std::size_t>((w.row0 + i) * cols + w.col0 + j)])
                violation("coverage depends on the window", static_cast<double>(dense.row(i)[j]),
                          static_cast<double>(
                              cov[static_cast<std::size_t>((w.row0 + i) * cols + w.col0 + j)]));
    ++g_checked;
    return 0;
}
