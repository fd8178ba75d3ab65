#pragma once
// Overlaps between two sets of valid polygons (or inside one set), in parallel with GEOS.
//
// Candidate pairs come from an STRtree over bounding boxes (geom/candidate_pairs.hpp). For each
// candidate pair the first geometry is prepared (GEOS PreparedGeometry) and:
//   - interiors disjoint or boundaries only touching: no overlap (zero-area contacts are never
//     reported);
//   - b inside a (a contains b): the overlap is b, its area is the caller's area of b;
//   - a inside b: the overlap is a, its area is the caller's area of a;
//   - otherwise: the polygonal part of GEOS's intersection (OverlayNG), measured by the
//     caller's `measure` function (e.g. the ellipsoidal PolygonAreaCalculator of the layer CRS).
// Work is spread over oneTBB workers by first-set feature, one GEOS context per worker (GEOS
// geometries are converted per worker and never shared between threads). The result is sorted
// by (a, b) and each overlap is computed from its two inputs only, so it is the same for any
// thread count.
// Thread-safety: reentrant; `measure` is called concurrently and must be thread-safe.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/exec/progress.hpp"

namespace redline {

enum class OverlapKind {
    Partial,   // the interiors cross: piece = intersection
    BInsideA,  // b lies inside a: piece = b
    AInsideB,  // a lies inside b: piece = a
    Equal,     // a and b cover the same area (duplicates): piece = a
};

struct PolygonOverlap {
    std::size_t a = 0;  // index in the first set
    std::size_t b = 0;  // index in the second set (self: b > a)
    OverlapKind kind = OverlapKind::Partial;
    double area_m2 = 0;  // from `measure` (Partial) or the given areas (the other kinds)
    MultiPolygon piece;  // the overlap geometry, when OverlapOptions::keep_pieces
    Point location;      // a point inside the overlap, when OverlapOptions::locate
};

struct OverlapOptions {
    // `b` is ignored and pairs (a, b) with a < b of the first set are used.
    // In every mode, a pair that geom/coverage_edges.hpp proves to only touch (a coverage's
    // neighbours, shared edges vertex for vertex) is skipped without GEOS, and two polygons with
    // the same vertices in the same order and a positive area are Equal without GEOS (unless
    // `locate`); for valid inputs (every caller's, after layers/conform) the results are GEOS's.
    bool self = false;
    bool keep_pieces = false;  // DEFAULT false: fill PolygonOverlap::piece
    bool locate = false;       // DEFAULT false: fill PolygonOverlap::location (GEOS PointOnSurface)
    // When > 0, `measure` is this factor times the plane area (an equal-area CRS): without
    // keep_pieces and locate, overlaps are then measured by planar_overlap_area (no overlay;
    // kind Partial, or AInsideB from the containment test below), and GEOS is used only for the
    // degenerate pairs (touching or collinear boundaries) that it declines. A pair whose second
    // geometry has far more vertices than the first (a patch against a province) is first tested
    // for containment with the second prepared once per worker (GEOS), so a contained patch costs
    // O(|a| log |b|). DEFAULT 0: always GEOS.
    double plane_area_scale = 0;
    int threads = 0;  // DEFAULT 0 = all cores
    const CancelToken* cancel = nullptr;
    ProgressSink* progress = nullptr;  // work units: features of the first set
    std::string progress_label = "overlaps";
    // Names a pair in error messages, e.g. "feature '7' of 'redline' and feature '3' of 'urban'".
    std::function<std::string(std::size_t, std::size_t)> describe_pair;
};

// Area (m2) of a polygonal piece; called concurrently from worker threads.
using AreaFunction = std::function<double(const MultiPolygon&)>;

// Overlaps with a non-empty polygonal intersection, sorted by (a, b). `area_a`/`area_b` hold the
// areas of the inputs (same units as `measure`). Throws InvalidInput naming the pair when GEOS
// cannot intersect two geometries (invalid input), Cancelled when the token is set.
std::vector<PolygonOverlap> find_overlaps(const std::vector<MultiPolygon>& a,
                                          const std::vector<MultiPolygon>& b,
                                          const std::vector<double>& area_a,
                                          const std::vector<double>& area_b,
                                          const AreaFunction& measure, const OverlapOptions& opts);

}  // namespace redline
