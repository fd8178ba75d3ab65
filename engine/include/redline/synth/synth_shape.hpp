#pragma once
// Building blocks of `redline synth` (synthetic test and benchmark data): a counter-based
// random generator and star-shaped polygons that are valid by construction.
//
// A star ring has vertices whose angles seen from its centre increase strictly (gaps below
// pi/2) and whose radii are positive, so every ray from the centre meets it exactly once: the
// ring is simple. Holes are placed inside the ring's inscribed disk (the largest disk around
// the centre inside the ring) and the parts of a multipolygon in disjoint bounding disks, so
// every SynthPolygon is valid for GEOS (OGC rules) whatever the random draws.
//
// Coordinates are continuous cell coordinates of the synthetic grid (col, row; row grows
// downwards, cell (c, r) spans [c, c+1) x [r, r+1)).
// Thread-safety: plain values; SplitMix64 is one per user.
#include <cstdint>
#include <vector>

#include "redline/core/geometry.hpp"

namespace redline::synth {

// Avalanching 64-bit mixer (SplitMix64 finaliser).
inline std::uint64_t mix64(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
// A key from several integers (order matters).
inline std::uint64_t hash_key(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0,
                              std::uint64_t d = 0) {
    return mix64(mix64(mix64(mix64(a) ^ b) ^ c) ^ d);
}
// Uniform double in [0, 1) from a hash.
inline double unit_of(std::uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }

// A small deterministic generator: the sequence depends only on the seed key.
class SplitMix64 {
  public:
    explicit SplitMix64(std::uint64_t key) : m_state(key) {}
    std::uint64_t next() {
        m_state += 0x9e3779b97f4a7c15ULL;
        return mix64(m_state);
    }
    double uniform() { return unit_of(next()); }                            // [0, 1)
    double uniform(double a, double b) { return a + (b - a) * uniform(); }  // [a, b)
    // Integer in [0, n) (n > 0).
    std::uint64_t below(std::uint64_t n) { return next() % n; }
    // exp(uniform(log a, log b)): log-uniform in [a, b).
    double log_uniform(double a, double b);

  private:
    std::uint64_t m_state;
};

struct StarRing {
    Point centre;
    std::vector<Point> points;  // closed: points.front() == points.back()
    double max_radius = 0;      // largest vertex distance from the centre
    double inscribed = 0;       // smallest distance from the centre to an edge
};

// A star ring of `vertices` distinct vertices (>= 8) around `centre` with radii in
// [0.3, 1] x max_radius: a few random harmonics plus per-vertex radial jitter of relative size
// min(`roughness`, pi / vertices) (so edges stay about as long as the vertex spacing), angle
// gaps jittered within +-35 % of 2 pi / vertices.
StarRing make_star_ring(Point centre, double max_radius, int vertices, double roughness,
                        SplitMix64& rng);

// A polygon or multipolygon made of star rings: parts[p][0] is the exterior of part p and
// parts[p][1..] its holes.
struct SynthPolygon {
    std::vector<std::vector<StarRing>> parts;
    Point centre;      // centre of part 0 (inside the polygon, outside any hole)
    double bound = 0;  // every vertex lies within this distance of `centre`
    Box bbox;          // in cell coordinates

    std::size_t num_vertices() const;  // distinct vertices over all rings
    // Even-odd point-in-polygon over all rings (a point on an edge may go either way).
    bool contains(Point p) const;
    // Inscribed radius of part 0's exterior around `centre`.
    double inscribed() const { return parts.empty() ? 0 : parts[0][0].inscribed; }
    // Recomputes `bound` and `bbox` from the rings.
    void finish_bounds();
};

// A polygon with optional holes: `holes` in {0, 1, 2}, placed within 0.4 x the exterior's
// inscribed radius of the centre (so the annulus [0.45, 0.9] x inscribed is always inside).
SynthPolygon make_star_polygon(Point centre, double max_radius, int vertices, int holes,
                               SplitMix64& rng);

// A multipolygon of `parts` (2 or 3) stars inside the disk of radius `max_radius` around
// `centre`, in disjoint disks. Part 0 is the reference for centre/inscribed.
SynthPolygon make_star_multipolygon(Point centre, double max_radius, int parts, int vertices,
                                    SplitMix64& rng);

// Signed shoelace sum of a ring in cell coordinates (row down).
double shoelace(const std::vector<Point>& ring);

}  // namespace redline::synth
