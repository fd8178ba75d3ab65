#pragma once
// Coordinate transformation between two CRSs with PROJ, always in GIS axis order
// (x = easting/longitude, y = northing/latitude; geographic output in degrees).
// Not thread-safe: create one Transformer per thread (construction costs ~1 ms).
#include <memory>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"

namespace redline {

class Transformer {
  public:
    // Throws InvalidInput when PROJ finds no operation between the two CRSs.
    Transformer(const std::string& src_wkt, const std::string& dst_wkt);
    // The inverse projection of `src_wkt` to longitude/latitude in degrees on its own datum
    // (identity with axis normalisation for a geographic CRS).
    static Transformer to_geographic(const std::string& src_wkt);
    ~Transformer();
    Transformer(Transformer&&) noexcept;
    Transformer& operator=(Transformer&&) noexcept;

    // Transforms in place; throws InvalidInput naming the first point that cannot be
    // transformed (outside the projection's domain).
    void transform(std::vector<Point>& pts) const;
    Point transform(const Point& p) const;
    // Transforms without throwing: failed points become (inf, inf).
    void transform_unchecked(double* x, double* y, std::size_t n) const;

  private:
    Transformer() = default;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Densifies every edge longer than `max_segment` (in the coordinates' own units) by inserting
// evenly spaced points, so that straight-in-the-plane edges survive a transformation.
void densify(MultiPolygon& mp, double max_segment);
void densify(LineString& line, double max_segment);

// Densifies (max_segment_m metres; for a geographic source converted at 111 km per degree) and
// transforms a multipolygon in place.
void reproject(MultiPolygon& mp, const Transformer& t, double max_segment_src_units);

}  // namespace redline
