#pragma once
// Ellipsoidal area (m2) of polygons stored in any CRS (docs/geodesy.md). Areas are always on
// CGCS2000/GRS80; a plane area of a non-equal-area projection is never returned.
//
//  - Geographic CRS: vertices are (lon, lat) and edges are straight in (lon, lat), the 32号
//    convention; the area is Ellipsoid::area_lonlat (exact ellipsoidal per-edge sum). Rings
//    that cross the antimeridian with edges longer than 180 degrees are read the short way, and
//    an exterior ring winding once around a pole measures the smaller of its two polar regions
//    (geodesy/lonlat_ring.hpp, docs/geodesy-rings.md); other rings are measured as before.
//  - Projected CRS with an exactly equal-area method on GRS80/WGS84 (Albers, Lambert azimuthal
//    or cylindrical equal-area): edges are straight in the plane and the plane area, scaled by
//    the axis unit, is the exact ellipsoidal area of that region (computed about the first
//    vertex, so small polygons far from the origin keep full precision).
//  - Any other projected CRS (Gauss-Kruger, UTM, Web Mercator, Lambert conformal...): edges are
//    densified in the plane to at most `densify_m` metres, the vertices inverse-projected to
//    (lon, lat) on the CRS's datum, then area_lonlat (edge semantics): "straight in the plane" and
//    "straight in (lon, lat)" then differ by < 1e-6 relative.
//  - Under AreaConvention::Survey (geodesy/survey_area.hpp, docs/survey-area.md) a projected
//    CRS's vertices are inverse-projected without densification and every ring (any CRS) is
//    summed with the survey's per-edge trapezoid formula (survey_ring_area), method "survey".
// A CRS on another ellipsoid (Krasovsky, Clarke...) is measured on GRS80 without a datum shift
// and says so in warnings(), as the raster cell-area model does.
//
// Thread-safety: NOT thread-safe (owns a PROJ transformer for projected CRSs); create one per
// thread. Construction costs about 1 ms. Movable.
#include <memory>
#include <string>
#include <vector>

#include "redline/core/crs.hpp"
#include "redline/core/exact_area_sum.hpp"
#include "redline/core/geometry.hpp"
#include "redline/geodesy/survey_area.hpp"

namespace redline {

class Transformer;

class PolygonAreaCalculator {
  public:
    // `crs`: of the polygons (geodesy/crs_description.hpp: make_crs). DEFAULT densify_m: 100 m.
    // Throws InvalidInput for no CRS or an unreadable one, Unsupported for a CRS that is neither
    // geographic nor projected.
    explicit PolygonAreaCalculator(const Crs& crs, double densify_m = 100.0);
    // The same under `convention` (Geodesic: exactly the constructor above).
    PolygonAreaCalculator(const Crs& crs, double densify_m, AreaConvention convention);
    ~PolygonAreaCalculator();
    PolygonAreaCalculator(PolygonAreaCalculator&&) noexcept;
    PolygonAreaCalculator& operator=(PolygonAreaCalculator&&) noexcept;

    // Area in m2 (>= 0): exteriors minus holes, parts added (as an ExactAreaSum of the parts'
    // areas, so the result does not depend on their order). Throws InvalidInput naming the
    // first vertex that cannot be inverse-projected, or a lon/lat ring that has no single
    // meaning on the globe (or a hole winding around a pole) and why.
    double area_m2(const MultiPolygon& mp) const;
    ExactAreaSum area_sum(const MultiPolygon& mp) const;
    double area_m2(const Polygon& p) const;

    // "geographic" (lon/lat edges), "equal-area" (plane area), "densified" (inverse-projected)
    // or "survey" (vertices inverse-projected, trapezoid sum).
    const std::string& method() const { return m_method; }
    // One sentence for output metadata, e.g. "ellipsoidal area on CGCS2000 (GRS80) of edges
    // straight in the plane of 'CGCS2000 / 3-degree Gauss-Kruger zone 35', densified to 100 m".
    const std::string& description() const { return m_description; }
    const std::string& ellipsoid() const;
    const std::vector<std::string>& warnings() const { return m_warnings; }
    double densify_m() const { return m_densify_m; }
    // m2 per square plane unit when the area is the plane area (equal-area method), else 0.
    double plane_area_scale() const { return m_kind == Method::EqualArea ? m_unit * m_unit : 0.0; }
    AreaConvention convention() const {
        return m_kind == Method::Survey ? AreaConvention::Survey : AreaConvention::Geodesic;
    }

  private:
    enum class Method { Geographic, EqualArea, Densified, Survey };
    double polygon_area(const Polygon& p) const;

    Method m_kind = Method::Geographic;
    std::string m_method;
    std::string m_description;
    std::vector<std::string> m_warnings;
    double m_densify_m = 100.0;
    double m_unit = 1.0;  // metres per axis unit (projected) or degrees per unit (geographic)
    double m_max_segment = 100.0;  // densification step in axis units
    std::unique_ptr<Transformer> m_to_lonlat;
    bool m_unit_kind_geographic = false;  // Survey: the vertices are (lon, lat) already
    double m_geographic_unit = 1.0;       // Survey, geographic: degrees per axis unit
};

// A PolygonAreaCalculator per worker thread, created on first use: the thread-safe form for
// parallel loops (e.g. find_overlaps). Thread-safety: area_m2 may be called concurrently.
class ConcurrentAreaCalculator {
  public:
    ConcurrentAreaCalculator(const Crs& crs, double densify_m = 100.0,
                             AreaConvention convention = AreaConvention::Geodesic);
    ~ConcurrentAreaCalculator();
    ConcurrentAreaCalculator(ConcurrentAreaCalculator&&) noexcept;  // not while in use
    double area_m2(const MultiPolygon& mp) const;
    double area_m2(const Polygon& p) const;
    ExactAreaSum area_sum(const MultiPolygon& mp) const;
    const PolygonAreaCalculator& prototype() const;  // description(), warnings()

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Areas (m2) of many geometries, measured in parallel; in input order and the same for any
// thread count (each area depends only on its geometry). DEFAULT threads 0 = all cores.
std::vector<double> measure_areas(const std::vector<MultiPolygon>& geoms,
                                  const ConcurrentAreaCalculator& calc, int threads = 0);
// Exact sums of the polygons' areas of each geometry (sums[i].value() == area_m2(geoms[i])), to
// be added up without depending on the order. DEFAULT threads 0 = all cores.
std::vector<ExactAreaSum> measure_area_sums(const std::vector<MultiPolygon>& geoms,
                                            const ConcurrentAreaCalculator& calc, int threads = 0);
// Area (m2) of one large multipolygon (e.g. a national union): its polygons are measured in
// parallel and added exactly, so the result equals area_m2(mp) for any thread count.
double measure_area(const MultiPolygon& mp, const ConcurrentAreaCalculator& calc, int threads = 0);

}  // namespace redline
