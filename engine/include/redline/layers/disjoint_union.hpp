#pragma once
// A union of polygons held as its interior-disjoint polygons (e.g. the output of dissolve), so
// that the area of its intersection with another union is a sum over polygon pairs: no overlay
// of two national layers is ever built (a GEOS intersection of a 120,000-polygon redline union
// with a province is hours; the pairwise sum is seconds).
//
// area(A ∩ B) = Σ area(p ∩ q) over the polygons p of A and q of B whose boxes meet, because the
// polygons of each union have disjoint interiors. Pairs are measured by find_overlaps
// (geom/polygon_overlap.hpp): planar_overlap_area in an equal-area CRS (GEOS only for degenerate
// pairs and for containment in a much larger polygon), GEOS intersection + ellipsoidal area
// otherwise. Sums are ExactAreaSums, so every area is the same bits for any thread count.
// Areas are m2 on the ellipsoid of the calculator (docs/geodesy.md#polygon-area).
// Thread-safety: values; the functions are reentrant.
#include <cstddef>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/exec/progress.hpp"

namespace redline {

class ConcurrentAreaCalculator;

class DisjointUnion {
  public:
    DisjointUnion() = default;
    // The polygons of `uni`, which must be a valid (multi)polygon: its polygons have disjoint
    // interiors. Each polygon is measured once (in parallel). DEFAULT threads 0 = all cores.
    // Takes `uni` by value: move a union in to keep one copy of a national layer in memory.
    DisjointUnion(MultiPolygon uni, const ConcurrentAreaCalculator& calc, int threads = 0);

    std::size_t size() const { return m_pieces.size(); }
    bool empty() const { return m_pieces.empty(); }
    const std::vector<MultiPolygon>& pieces() const { return m_pieces; }
    double area_m2() const;  // exact sum of the pieces' areas
    // The pieces as one multipolygon (the union again, for rasterising or drawing).
    MultiPolygon merged() const;
    // The same, moving the polygons out: this union is left empty.
    MultiPolygon take();

    // Area (m2) of the intersection with `other`.
    double overlap_area_m2(const DisjointUnion& other, const ConcurrentAreaCalculator& calc,
                           int threads = 0, const CancelToken* cancel = nullptr) const;
    // Area (m2) of the intersection with each of `others` (e.g. regions, which may overlap one
    // another), in their order, from one pass over all pairs.
    std::vector<double> overlap_areas_m2(const std::vector<const DisjointUnion*>& others,
                                         const ConcurrentAreaCalculator& calc, int threads = 0,
                                         const CancelToken* cancel = nullptr) const;
    // The intersection with `other` as a DisjointUnion (its pieces are the pairwise
    // intersections, GEOS), for further overlap areas.
    DisjointUnion intersection(const DisjointUnion& other, const ConcurrentAreaCalculator& calc,
                               int threads = 0, const CancelToken* cancel = nullptr) const;

  private:
    std::vector<MultiPolygon> m_pieces;  // one polygon each (or a piece of an intersection)
    std::vector<double> m_areas;         // m2, per piece
};

}  // namespace redline
