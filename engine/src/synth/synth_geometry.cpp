#include "redline/synth/synth_geometry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"

namespace redline {

using synth::SplitMix64;
using synth::SynthPolygon;

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;

// Streams of the generator: one per purpose, so adding a draw to one never shifts another.
enum Stream : std::uint64_t {
    kCoastStream = 11,
    kIslandStream,
    kRedlineStream,
    kCroplandStream,
    kProtectedStream,
    kUrbanStream,
    kRegionStream,
    kShoreStream,
};

SplitMix64 rng_for(const SynthOptions& o, Stream s, std::uint64_t index = 0) {
    return SplitMix64(synth::hash_key(o.seed, s, index));
}

SynthFeature feature_of(const SynthPolygon& p) {
    SynthFeature f;
    for (const auto& part : p.parts) {
        Polygon poly;
        for (const auto& ring : part) poly.rings.push_back(ring.points);
        f.shape.polygons.push_back(std::move(poly));
    }
    f.bbox = p.bbox;
    f.centre = p.centre;
    f.inscribed = p.inscribed();
    f.bound = p.bound;
    return f;
}

int log_uniform_int(SplitMix64& rng, double a, double b) {
    return static_cast<int>(std::lround(rng.log_uniform(a, b)));
}

double dist(Point a, Point b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Largest radius around p that stays inside [lo, hi] on both axes.
double room_in(Point p, double lo_x, double hi_x, double lo_y, double hi_y) {
    return std::min({p.x - lo_x, hi_x - p.x, p.y - lo_y, hi_y - p.y});
}

}  // namespace

void SynthOptions::validate() const {
    if (size < 64 || size > 1000000)
        fail(ErrorKind::InvalidInput,
             fmt::format(REDLINE_OPTION_VALUE(
                             "size", "{}") ": expected a raster side between 64 and 1000000 cells",
                         size));
    if (zones < 1 || zones > 10000000)
        fail(ErrorKind::InvalidInput,
             fmt::format(REDLINE_OPTION_VALUE(
                             "zones", "{}") ": expected between 1 and 10000000 redline polygons",
                         zones));
    if (!(cell_size_m > 0) || !std::isfinite(cell_size_m))
        fail(ErrorKind::InvalidInput,
             fmt::format(REDLINE_OPTION_VALUE("cell_size",
                                              "{}") ": expected a positive cell size in metres",
                         cell_size_m));
    // Each zone needs a placement cell of at least ~6 x 6 cells.
    const double land = 0.7 * static_cast<double>(size) * static_cast<double>(size);
    if (static_cast<double>(zones) * 36.0 > land)
        fail(
            ErrorKind::InvalidInput,
            fmt::format(
                REDLINE_OPTION_VALUE("zones", "{}") " is too many for " REDLINE_OPTION_VALUE(
                    "size", "{}") ": each redline polygon needs about 6 x 6 "
                                  "cells; use at most {} zones or a larger " REDLINE_OPTION("size"),
                zones, size, static_cast<std::int64_t>(land / 36.0)));
}

Grid SynthOptions::grid() const { return Grid(x0, cell_size_m, y0, -cell_size_m, size, size); }

bool SynthFeature::contains(Point p) const {
    if (p.x < bbox.xmin || p.x > bbox.xmax || p.y < bbox.ymin || p.y > bbox.ymax) return false;
    bool inside = false;
    for (const auto& poly : shape.polygons)
        for (const auto& v : poly.rings)
            for (std::size_t i = 0; i + 1 < v.size(); ++i) {
                const Point& a = v[i];
                const Point& b = v[i + 1];
                if ((a.y > p.y) != (b.y > p.y)) {
                    const double x = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
                    if (p.x < x) inside = !inside;
                }
            }
    return inside;
}

double SynthGeometry::coast_x(double row) const {
    const double n = static_cast<double>(options.size);
    const double step = n / static_cast<double>(coast.size() - 1);
    double f = row / step;
    f = std::clamp(f, 0.0, static_cast<double>(coast.size() - 1));
    auto i = static_cast<std::size_t>(f);
    if (i >= coast.size() - 1) i = coast.size() - 2;
    const double t = f - static_cast<double>(i);
    return coast[i].x + (coast[i + 1].x - coast[i].x) * t;
}

bool SynthGeometry::is_sea_cell(std::int64_t col, std::int64_t row) const {
    const Point c{static_cast<double>(col) + 0.5, static_cast<double>(row) + 0.5};
    if (c.x <= coast_x(c.y)) return false;
    for (const auto& isl : islands)
        if (isl.contains(c)) return false;
    return true;
}

SynthGeometry build_synth_geometry(const SynthOptions& o) {
    o.validate();
    SynthGeometry g;
    g.options = o;
    const double n = static_cast<double>(o.size);
    g.margin = std::max<std::int64_t>(2, std::llround(0.012 * n));
    const double margin = static_cast<double>(g.margin);

    // --- coast: a polyline with 6k + 1 vertices from row 0 to row N.
    {
        SplitMix64 rng = rng_for(o, kCoastStream);
        const std::int64_t k = std::max<std::int64_t>(4, (o.size + 47) / 48);
        const std::int64_t nv = 6 * k;
        const double a1 = 0.04 * n, a2 = 0.015 * n, a3 = 0.006 * n, jitter = 0.0015 * n;
        const double f1 = rng.uniform(0.5, 1.5), f2 = rng.uniform(3, 6), f3 = rng.uniform(10, 20);
        const double p1 = rng.uniform(0, kTwoPi), p2 = rng.uniform(0, kTwoPi),
                     p3 = rng.uniform(0, kTwoPi);
        g.coast.reserve(static_cast<std::size_t>(nv) + 1);
        for (std::int64_t i = 0; i <= nv; ++i) {
            const double y = n * static_cast<double>(i) / static_cast<double>(nv);
            const double t = y / n;
            const double x = 0.8 * n + a1 * std::sin(kTwoPi * f1 * t + p1) +
                             a2 * std::sin(kTwoPi * f2 * t + p2) +
                             a3 * std::sin(kTwoPi * f3 * t + p3) + jitter * rng.uniform(-1, 1);
            g.coast.push_back(Point{x, y});
        }
        g.coast_min = g.coast_max = g.coast[0].x;
        for (const auto& p : g.coast) {
            g.coast_min = std::min(g.coast_min, p.x);
            g.coast_max = std::max(g.coast_max, p.x);
        }
    }

    // --- islands in the sea strip east of the coast.
    {
        SplitMix64 rng = rng_for(o, kIslandStream);
        const double x_lo = g.coast_max + 3, x_hi = n - margin - 3;
        const double y_lo = margin + 3, y_hi = n - margin - 3;
        const double r_max = std::min(0.015 * n, 0.5 * (x_hi - x_lo));
        const int wanted = 3 + static_cast<int>(o.size / 4096);
        std::vector<std::pair<Point, double>> placed;
        for (int attempt = 0;
             r_max >= 3 && static_cast<int>(placed.size()) < wanted && attempt < 200; ++attempt) {
            const double r = rng.uniform(3, r_max);
            const Point c{rng.uniform(x_lo + r, x_hi - r), rng.uniform(y_lo + r, y_hi - r)};
            bool clear = true;
            for (const auto& [pc, pr] : placed) clear = clear && dist(c, pc) > pr + r + 3;
            if (!clear) continue;
            placed.emplace_back(c, r);
            SynthPolygon p = synth::make_star_polygon(c, r, log_uniform_int(rng, 32, 200), 0, rng);
            SynthFeature f = feature_of(p);
            f.code = fmt::format("IS-{:03d}", g.islands.size() + 1);
            f.name = fmt::format("Island {}", g.islands.size() + 1);
            g.islands.push_back(std::move(f));
        }
    }

    // --- redline: one zone per cell of a grid over the land west of the coast.
    const double gx0 = 0.5 * margin, gx1 = g.coast_min - 2, gy0 = 0.5 * margin,
                 gy1 = n - 0.5 * margin;
    const double gw = gx1 - gx0, gh = gy1 - gy0;
    const auto nx =
        std::max<std::int64_t>(1, std::llround(std::sqrt(static_cast<double>(o.zones) * gw / gh)));
    const std::int64_t ny = (o.zones + nx - 1) / nx;
    const double sx = gw / static_cast<double>(nx), sy = gh / static_cast<double>(ny);
    const double s = std::min(sx, sy);
    g.grid_cell = s;
    auto cell_centre = [&](std::int64_t i, std::int64_t j) {
        return Point{gx0 + (static_cast<double>(i) + 0.5) * sx,
                     gy0 + (static_cast<double>(j) + 0.5) * sy};
    };
    for (std::int64_t z = 0; z < o.zones; ++z) {
        SplitMix64 rng = rng_for(o, kRedlineStream, static_cast<std::uint64_t>(z));
        const std::int64_t i = z % nx, j = z / nx;
        const double rb = 0.475 * s;  // bounding radius of the grid cell's disk
        const double rmax = rb * rng.uniform(0.35, 1.0);
        const double slack = rb - rmax;
        Point c = cell_centre(i, j);
        c.x += rng.uniform(-slack, slack) * 0.7;
        c.y += rng.uniform(-slack, slack) * 0.7;
        const int vertices = log_uniform_int(rng, 32, 1500);
        SynthPolygon p;
        if (z % 7 == 3) {
            p = synth::make_star_multipolygon(c, rmax, 2 + static_cast<int>(z % 2), vertices, rng);
        } else {
            const int holes = (z % 4 == 1 && rmax >= 8) ? 1 + static_cast<int>((z / 4) % 2) : 0;
            p = synth::make_star_polygon(c, rmax, vertices, holes, rng);
        }
        SynthFeature f = feature_of(p);
        f.code = fmt::format("ECR-{:06d}", z + 1);
        f.name = fmt::format("Ecological redline {}", z + 1);
        g.redline.push_back(std::move(f));
    }

    // --- cropland: at each zone's grid-cell corner and its top and left edge midpoints.
    {
        auto free_radius = [&](Point p, std::int64_t i, std::int64_t j) {
            double free = 1e300;
            for (std::int64_t dj = -1; dj <= 1; ++dj)
                for (std::int64_t di = -1; di <= 1; ++di) {
                    const std::int64_t ii = i + di, jj = j + dj;
                    if (ii < 0 || jj < 0 || ii >= nx || jj >= ny) continue;
                    const std::int64_t z = jj * nx + ii;
                    if (z >= o.zones) continue;
                    const auto& r = g.redline[static_cast<std::size_t>(z)];
                    free = std::min(free, dist(p, r.centre) - r.bound);
                }
            return free;
        };
        for (std::int64_t z = 0; z < o.zones; ++z) {
            const std::int64_t i = z % nx, j = z / nx;
            const Point corner{gx0 + static_cast<double>(i) * sx,
                               gy0 + static_cast<double>(j) * sy};
            const Point sites[3] = {corner, Point{corner.x + 0.5 * sx, corner.y},
                                    Point{corner.x, corner.y + 0.5 * sy}};
            for (int k = 0; k < 3; ++k) {
                const std::size_t q = g.cropland.size();
                SplitMix64 rng = rng_for(o, kCroplandStream, q);
                Point c = sites[k];
                double r;
                if (q % 20 == 7) {
                    // A conflict: centred inside the zone's polygon, away from its holes.
                    const auto& zone = g.redline[static_cast<std::size_t>(z)];
                    const double a = rng.uniform(0, kTwoPi);
                    c = Point{zone.centre.x + 0.7 * zone.inscribed * std::cos(a),
                              zone.centre.y + 0.7 * zone.inscribed * std::sin(a)};
                    r = std::max(1.0, 0.2 * s);
                    g.cropland_conflicts.push_back(q);
                } else {
                    r = std::min(0.9 * free_radius(c, i, j), 0.22 * s);
                }
                r = std::min(r, room_in(c, 0.5, n - 0.5, 0.5, n - 0.5));
                r = std::min(r, g.coast_min - 1 - c.x);
                r = std::max(r, 0.75);
                SynthPolygon p =
                    synth::make_star_polygon(c, r, log_uniform_int(rng, 32, 400), 0, rng);
                SynthFeature f = feature_of(p);
                f.code = fmt::format("CPL-{:06d}", q + 1);
                f.name = fmt::format("Cropland protection block {}", q + 1);
                g.cropland.push_back(std::move(f));
            }
        }
    }

    // --- protected areas: large, overlapping the redline and each other.
    {
        const std::int64_t count =
            std::max<std::int64_t>(3, std::llround(0.05 * static_cast<double>(o.zones)));
        static const char* const kTypes[] = {"national_park", "nature_reserve", "nature_park"};
        for (std::int64_t k = 0; k < count; ++k) {
            SplitMix64 rng = rng_for(o, kProtectedStream, static_cast<std::uint64_t>(k));
            Point c;
            if (k % 2 == 0 || g.protected_areas.empty()) {
                c = g.redline[rng.below(static_cast<std::uint64_t>(o.zones))].centre;
            } else {
                const auto& prev = g.protected_areas.back();
                const double a = rng.uniform(0, kTwoPi);
                c = Point{prev.centre.x + 0.8 * prev.inscribed * std::cos(a),
                          prev.centre.y + 0.8 * prev.inscribed * std::sin(a)};
            }
            double r = rng.uniform(1.8, 3.0) * s;
            r = std::min(r, room_in(c, 0.5, n - 0.5, 0.5, n - 0.5));
            r = std::max(r, 1.0);
            const int holes = (k % 3 == 2 && r >= 8) ? 1 : 0;
            SynthPolygon p =
                synth::make_star_polygon(c, r, log_uniform_int(rng, 200, 1500), holes, rng);
            SynthFeature f = feature_of(p);
            f.code = fmt::format("PA-{:04d}", k + 1);
            f.type = kTypes[k % 3];
            f.name = fmt::format("Protected area {}", k + 1);
            g.protected_areas.push_back(std::move(f));
        }
    }

    // --- urban development boundaries: centred on cropland blocks.
    {
        const std::int64_t count =
            std::max<std::int64_t>(3, std::llround(0.05 * static_cast<double>(o.zones)));
        const std::size_t stride =
            std::max<std::size_t>(1, g.cropland.size() / static_cast<std::size_t>(count));
        for (std::int64_t k = 0; k < count; ++k) {
            SplitMix64 rng = rng_for(o, kUrbanStream, static_cast<std::uint64_t>(k));
            const std::size_t q =
                (static_cast<std::size_t>(k) * stride + stride / 2) % g.cropland.size();
            const Point c = g.cropland[q].centre;
            double r = rng.uniform(0.25, 0.45) * s;
            r = std::min(r, room_in(c, 0.5, n - 0.5, 0.5, n - 0.5));
            r = std::min(r, g.coast_min - 1 - c.x);
            r = std::max(r, 1.0);
            SynthPolygon p = synth::make_star_polygon(c, r, log_uniform_int(rng, 64, 600), 0, rng);
            SynthFeature f = feature_of(p);
            f.code = fmt::format("UDB-{:04d}", k + 1);
            f.name = fmt::format("Urban development boundary {}", k + 1);
            g.urban.push_back(std::move(f));
        }
    }

    // --- land: the raster extent minus the sea (mainland + islands).
    {
        Polygon mainland;
        Ring ring;
        ring.push_back(Point{0, 0});
        for (const auto& p : g.coast) ring.push_back(p);
        ring.push_back(Point{0, n});
        ring.push_back(Point{0, 0});
        mainland.rings.push_back(std::move(ring));
        g.land.shape.polygons.push_back(std::move(mainland));
        for (const auto& isl : g.islands)
            for (const auto& poly : isl.shape.polygons) g.land.shape.polygons.push_back(poly);
        g.land.code = "LAND";
        g.land.name = "Land";
        g.land.bbox = g.land.shape.bounds();
    }

    // --- regions: 2 or 3 strips (boundaries on coast vertices) split into blocks.
    {
        SplitMix64 rng = rng_for(o, kRegionStream);
        const int count = 4 + static_cast<int>(synth::hash_key(o.seed, kRegionStream, 99) % 6);
        const int strips = count <= 5 ? 2 : 3;
        const std::size_t nv = g.coast.size() - 1;  // a multiple of 6
        std::vector<std::size_t> bounds;
        for (int k = 0; k <= strips; ++k)
            bounds.push_back(nv * static_cast<std::size_t>(k) / static_cast<std::size_t>(strips));
        int made = 0;
        for (int k = 0; k < strips; ++k) {
            const int blocks = count / strips + (k >= strips - count % strips ? 1 : 0);
            const std::size_t ia = bounds[static_cast<std::size_t>(k)],
                              ib = bounds[static_cast<std::size_t>(k) + 1];
            const double ya = g.coast[ia].y, yb = g.coast[ib].y;
            std::vector<double> xs{0};
            for (int b = 1; b < blocks; ++b)
                xs.push_back(std::round(g.coast_min * (b + rng.uniform(-0.2, 0.2)) / blocks));
            for (int b = 0; b < blocks; ++b) {
                SynthFeature f;
                Polygon poly;
                const double xa = xs[static_cast<std::size_t>(b)];
                Ring ring;
                if (b + 1 < blocks) {
                    const double xb = xs[static_cast<std::size_t>(b) + 1];
                    ring = {Point{xa, ya}, Point{xb, ya}, Point{xb, yb}, Point{xa, yb},
                            Point{xa, ya}};
                } else {
                    ring.push_back(Point{xa, ya});
                    for (std::size_t v = ia; v <= ib; ++v) ring.push_back(g.coast[v]);
                    ring.push_back(Point{xa, yb});
                    ring.push_back(Point{xa, ya});
                }
                poly.rings.push_back(std::move(ring));
                f.shape.polygons.push_back(std::move(poly));
                if (b + 1 == blocks) {
                    for (const auto& isl : g.islands) {
                        const bool last_strip = (k + 1 == strips);
                        if (isl.centre.y >= ya && (isl.centre.y < yb || last_strip))
                            for (const auto& ip : isl.shape.polygons)
                                f.shape.polygons.push_back(ip);
                    }
                }
                ++made;
                f.code = fmt::format("R{:02d}", made);
                f.name = fmt::format("Region {}", made);
                f.bbox = f.shape.bounds();
                g.regions.push_back(std::move(f));
            }
        }
    }

    // --- shoreline: the coast in typed pieces, plus island coastlines.
    {
        SplitMix64 rng = rng_for(o, kShoreStream);
        static const char* const kTypes[] = {"bedrock",    "sandy",      "muddy",
                                             "biological", "artificial", "estuary"};
        static const double kWeights[] = {0.15, 0.2, 0.2, 0.1, 0.3, 0.05};
        auto pick = [&](bool natural_only) {
            for (;;) {
                double u = rng.uniform();
                for (int t = 0; t < 6; ++t) {
                    if (u < kWeights[t]) {
                        if (natural_only && t == 4) break;
                        return kTypes[t];
                    }
                    u -= kWeights[t];
                }
            }
        };
        const std::size_t nv = g.coast.size() - 1;
        const std::size_t pieces = std::min<std::size_t>(nv, 6 + nv / 40);
        std::vector<std::size_t> cuts{0};
        for (std::size_t k = 1; k < pieces; ++k) {
            const std::size_t c =
                nv * k / pieces + rng.below(std::max<std::size_t>(1, nv / pieces / 2));
            if (c > cuts.back() && c < nv) cuts.push_back(c);
        }
        cuts.push_back(nv);
        for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
            SynthLine l;
            l.code = fmt::format("SL-{:04d}", g.shoreline.size() + 1);
            l.type = pick(false);
            for (std::size_t v = cuts[k]; v <= cuts[k + 1]; ++v) l.points.push_back(g.coast[v]);
            g.shoreline.push_back(std::move(l));
        }
        for (const auto& isl : g.islands) {
            SynthLine l;
            l.code = fmt::format("SL-{:04d}", g.shoreline.size() + 1);
            l.type = pick(true);
            l.island = 1;
            l.points = isl.shape.polygons[0].rings[0];
            g.shoreline.push_back(std::move(l));
        }
    }
    return g;
}

MultiPolygon synth_to_crs(const MultiPolygon& cells, const Grid& grid) {
    MultiPolygon out;
    out.polygons.reserve(cells.polygons.size());
    for (const auto& poly : cells.polygons) {
        Polygon p;
        for (std::size_t k = 0; k < poly.rings.size(); ++k) {
            Ring r;
            r.reserve(poly.rings[k].size());
            for (const auto& q : poly.rings[k]) r.push_back(Point{grid.x_of(q.x), grid.y_of(q.y)});
            const bool ccw = signed_area(r) > 0;
            if (ccw != (k == 0)) std::reverse(r.begin(), r.end());
            p.rings.push_back(std::move(r));
        }
        out.polygons.push_back(std::move(p));
    }
    return out;
}

LineString synth_to_crs(const LineString& cells, const Grid& grid) {
    LineString out;
    out.reserve(cells.size());
    for (const auto& q : cells) out.push_back(Point{grid.x_of(q.x), grid.y_of(q.y)});
    return out;
}

}  // namespace redline
