#include "redline/synth/synth_shape.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace redline::synth {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;

double distance_to_segment(Point p, Point a, Point b) {
    const double ex = b.x - a.x, ey = b.y - a.y;
    const double len2 = ex * ex + ey * ey;
    double t = len2 > 0 ? ((p.x - a.x) * ex + (p.y - a.y) * ey) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const double dx = a.x + t * ex - p.x, dy = a.y + t * ey - p.y;
    return std::sqrt(dx * dx + dy * dy);
}

}  // namespace

double SplitMix64::log_uniform(double a, double b) {
    return std::exp(uniform(std::log(a), std::log(b)));
}

double shoelace(const std::vector<Point>& ring) {
    double s = 0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i)
        s += (ring[i].x - ring[0].x) * (ring[i + 1].y - ring[0].y) -
             (ring[i + 1].x - ring[0].x) * (ring[i].y - ring[0].y);
    return s;
}

StarRing make_star_ring(Point centre, double max_radius, int vertices, double roughness,
                        SplitMix64& rng) {
    const int n = std::max(vertices, 8);
    constexpr int kHarmonics = 5;
    double amp[kHarmonics], phase[kHarmonics];
    for (int k = 0; k < kHarmonics; ++k) {
        amp[k] = rng.uniform(0.0, 0.22) / (k + 1);
        phase[k] = rng.uniform(0.0, kTwoPi);
    }
    const double start = rng.uniform(0.0, kTwoPi);
    StarRing ring;
    ring.centre = centre;
    ring.points.reserve(static_cast<std::size_t>(n) + 1);
    for (int i = 0; i < n; ++i) {
        const double theta = start + kTwoPi * (i + rng.uniform(-0.35, 0.35)) / n;
        double rho = 0.68;
        for (int k = 0; k < kHarmonics; ++k) rho += amp[k] * std::sin((k + 1) * theta + phase[k]);
        // Per-vertex jitter no larger than about the vertex spacing: jagged, not spiky.
        rho += std::min(roughness, 0.5 * kTwoPi / n) * rng.uniform(-1.0, 1.0);
        rho = std::clamp(rho, 0.3, 1.0);
        ring.points.push_back(Point{centre.x + max_radius * rho * std::cos(theta),
                                    centre.y + max_radius * rho * std::sin(theta)});
    }
    ring.points.push_back(ring.points.front());
    ring.inscribed = max_radius;
    for (std::size_t i = 0; i + 1 < ring.points.size(); ++i) {
        const double dx = ring.points[i].x - centre.x, dy = ring.points[i].y - centre.y;
        ring.max_radius = std::max(ring.max_radius, std::sqrt(dx * dx + dy * dy));
        ring.inscribed = std::min(ring.inscribed,
                                  distance_to_segment(centre, ring.points[i], ring.points[i + 1]));
    }
    return ring;
}

std::size_t SynthPolygon::num_vertices() const {
    std::size_t n = 0;
    for (const auto& part : parts)
        for (const auto& r : part) n += r.points.size() - 1;
    return n;
}

bool SynthPolygon::contains(Point p) const {
    if (p.x < bbox.xmin || p.x > bbox.xmax || p.y < bbox.ymin || p.y > bbox.ymax) return false;
    bool inside = false;
    for (const auto& part : parts)
        for (const auto& ring : part) {
            const auto& v = ring.points;
            for (std::size_t i = 0; i + 1 < v.size(); ++i) {
                const Point& a = v[i];
                const Point& b = v[i + 1];
                if ((a.y > p.y) != (b.y > p.y)) {
                    const double x = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
                    if (p.x < x) inside = !inside;
                }
            }
        }
    return inside;
}

void SynthPolygon::finish_bounds() {
    bbox = Box{};
    bound = 0;
    for (const auto& part : parts)
        for (const auto& ring : part)
            for (const Point& q : ring.points) {
                bbox.expand(q);
                const double dx = q.x - centre.x, dy = q.y - centre.y;
                bound = std::max(bound, std::sqrt(dx * dx + dy * dy));
            }
}

SynthPolygon make_star_polygon(Point centre, double max_radius, int vertices, int holes,
                               SplitMix64& rng) {
    SynthPolygon poly;
    poly.centre = centre;
    std::vector<StarRing> part;
    part.push_back(make_star_ring(centre, max_radius, vertices, 0.06, rng));
    const double rin = part[0].inscribed;
    const int hole_vertices = std::clamp(vertices / 4, 16, 200);
    if (holes == 1) {
        part.push_back(make_star_ring(centre, 0.35 * rin, hole_vertices, 0.04, rng));
    } else if (holes >= 2) {
        const double phi = rng.uniform(0.0, kTwoPi);
        for (int h = 0; h < 2; ++h) {
            const double a = phi + h * std::numbers::pi;
            const Point c{centre.x + 0.2 * rin * std::cos(a), centre.y + 0.2 * rin * std::sin(a)};
            part.push_back(make_star_ring(c, 0.15 * rin, hole_vertices, 0.04, rng));
        }
    }
    poly.parts.push_back(std::move(part));
    poly.finish_bounds();
    return poly;
}

SynthPolygon make_star_multipolygon(Point centre, double max_radius, int parts, int vertices,
                                    SplitMix64& rng) {
    const int n_parts = std::clamp(parts, 2, 3);
    const double phi = rng.uniform(0.0, kTwoPi);
    // Part centres on a circle of radius R/2; part radius below (R/2) sin(pi/n) keeps the
    // parts' disks disjoint and inside the disk of radius R.
    const double part_radius = 0.45 * max_radius * std::sin(std::numbers::pi / n_parts);
    SynthPolygon poly;
    for (int p = 0; p < n_parts; ++p) {
        const double a = phi + kTwoPi * p / n_parts;
        const Point c{centre.x + 0.5 * max_radius * std::cos(a),
                      centre.y + 0.5 * max_radius * std::sin(a)};
        const int nv = p == 0 ? vertices : std::max(32, vertices / 2);
        poly.parts.push_back({make_star_ring(c, part_radius, nv, 0.06, rng)});
        if (p == 0) poly.centre = c;
    }
    poly.finish_bounds();
    return poly;
}

}  // namespace redline::synth
