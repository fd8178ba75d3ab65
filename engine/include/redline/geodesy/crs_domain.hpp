#pragma once
// Where the coordinates of a CRS can lie, for `redline validate` ("coordinates that cannot be in
// the CRS's area of use"): swapped axes, a missing Gauss-Kruger zone prefix, metres declared as
// degrees and similar mistakes put coordinates far outside it.
//
//  - Geographic CRS: longitude in [-180, 360] (both the +-180 and the 0..360 conventions) and
//    latitude in [-90, 90], in the CRS's angular unit converted to degrees. The datum's area of
//    use is not enforced: lon/lat coordinates are meaningful anywhere on the ellipsoid (e.g. the
//    South China Sea islands lie south of EPSG:4490's published bounding box).
//  - Projected CRS: the point must inverse-project to a finite (lon, lat), and lie inside the
//    CRS's area of use (PROJ's bounding box from the EPSG database) widened by `margin_deg`
//    on every side; without a published area of use only the inverse projection is checked.
// Thread-safety: NOT thread-safe (owns a PROJ transformer); one per thread.
#include <memory>
#include <optional>
#include <string>

#include "redline/core/crs.hpp"
#include "redline/core/geometry.hpp"

namespace redline {

class Transformer;

struct AreaOfUse {
    std::string name;  // e.g. "China - between 103.5°E and 106.5°E"
    double west = -180, south = -90, east = 180, north = 90;  // degrees; west > east crosses 180°
};

class CrsDomain {
  public:
    // `crs`: of the coordinates to check. DEFAULT margin_deg: 2 degrees around the area of use
    // of a projected CRS. Throws InvalidInput for no CRS, Unsupported for one that is neither
    // geographic nor projected.
    explicit CrsDomain(const Crs& crs, double margin_deg = 2.0);
    ~CrsDomain();
    CrsDomain(CrsDomain&&) noexcept;
    CrsDomain& operator=(CrsDomain&&) noexcept;

    // "" when `p` can be a coordinate of the CRS, else why not (with the lon/lat found).
    std::string check(const Point& p) const;
    const std::optional<AreaOfUse>& area_of_use() const { return m_area; }
    // "longitude -180..360, latitude -90..90" or "area of use 'X' (103.50..106.51°E, ...) +- 2°".
    std::string describe() const;

  private:
    bool m_geographic = true;
    double m_deg_per_unit = 1.0;
    double m_margin = 2.0;
    std::optional<AreaOfUse> m_area;
    std::unique_ptr<Transformer> m_to_lonlat;
};

// The area of use PROJ knows for a CRS (EPSG database), if any.
std::optional<AreaOfUse> area_of_use(const Crs& crs);

}  // namespace redline
