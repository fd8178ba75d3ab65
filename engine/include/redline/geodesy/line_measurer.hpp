#pragma once
// Geodesic measurement of lines stored in any CRS (docs/geodesy.md#geodesic-length).
//
// A line's length is the sum of ellipsoidal geodesic distances (geodesy/geodesic_length.hpp)
// between consecutive vertices of its measured form:
//  - projected CRS (Albers, Gauss-Kruger, UTM...): edges are straight in the plane. They are
//    densified in the plane to at most `densify_m` (DEFAULT 100 m, in plane metres), every
//    vertex is inverse-projected to longitude/latitude on the CRS's own datum, and the
//    geodesics between consecutive vertices are summed. Planar lengths are never summed.
//  - geographic CRS: edges are geodesics between the stored vertices (the 32号 convention
//    for vertices in B, L). Long edges get intermediate vertices on the geodesic (at most
//    `densify_m` apart) so that positions along the line are well defined; the length is
//    unchanged.
// Longitudes and latitudes are measured on CGCS2000/GRS80 without a datum shift.
//
// LocalMetric maps CRS offsets near a point to metres east/north on the ellipsoid (the
// Jacobian of the inverse projection times the meridian and prime-vertical radii), so that
// metric constructions (buffers, probe distances) can be made in metres for any CRS, including
// geographic ones and non-conformal projections (Albers).
// Thread-safety: MeasuredLine and LocalMetric are values. A LineMeasurer owns a PROJ
// transformer and must not be shared between threads: build one per thread.
#include <cstdint>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/geodesy/geodesic_length.hpp"
#include "redline/geodesy/transformer.hpp"

namespace redline {

// Affine map between CRS coordinates near `origin` and local metres (x east, y north).
struct LocalMetric {
    Point origin;
    double j[4] = {1, 0, 0, 1};  // metres per CRS unit: east = j0 dx + j1 dy, north = j2 dx + j3 dy
    double inv[4] = {1, 0, 0, 1};  // CRS units per metre (inverse of j)

    Point to_local(const Point& p) const;
    Point to_crs(const Point& m) const;
    // Metres per CRS unit along the least and most stretched directions (singular values of j).
    double min_scale() const;
    double max_scale() const;
    // Length in metres of a CRS offset (dx, dy).
    double metres(double dx, double dy) const;
};

// A line in its CRS with the geodesic position (m from the start) of every vertex.
struct MeasuredLine {
    LineString xy;                       // CRS coordinates (densified)
    std::vector<double> s_m;             // s_m[0] = 0, non-decreasing, s_m.back() = length
    std::vector<std::uint8_t> original;  // 1 where the vertex is one of the input's

    double length_m() const { return s_m.empty() ? 0.0 : s_m.back(); }
    // Edge e with s_m[e] <= s <= s_m[e + 1] (clamped to the line); needs >= 2 vertices.
    std::size_t edge_at(double s) const;
    // The point at geodesic position s (linear in the CRS along the edge holding s).
    Point point_at(double s) const;
    // The part of the line between positions s0 < s1: the point at s0, the vertices strictly
    // between (only the input's own unless `all_vertices`), then the point at s1.
    LineString slice(double s0, double s1, bool all_vertices = false) const;
};

class LineMeasurer {
  public:
    // Throws InvalidInput when PROJ cannot read the CRS or has no inverse for it.
    explicit LineMeasurer(const std::string& crs_wkt, double densify_m = 100.0,
                          const GeodesicLength& geodesic = GeodesicLength());

    bool geographic() const { return m_geographic; }
    double densify_m() const { return m_densify_m; }
    const GeodesicLength& geodesic() const { return m_geodesic; }

    // Throws InvalidInput naming the point when a vertex cannot be inverse-projected.
    MeasuredLine measure(const LineString& line) const;
    // Geodesic length (m) of a line in the CRS (= measure(line).length_m()).
    double length_m(const LineString& line) const { return measure(line).length_m(); }
    // The local metric at p (CRS coordinates).
    LocalMetric metric_at(const Point& p) const;

  private:
    Transformer m_to_geo;
    GeodesicLength m_geodesic;
    double m_densify_m;
    bool m_geographic = false;
    bool m_identity = false;      // geographic in degrees, lon/lat order: no transformation
    double m_plane_step = 100.0;  // densify step in CRS units (projected)
    double m_unit_m = 1.0;        // metres per CRS unit (projected)
};

}  // namespace redline
