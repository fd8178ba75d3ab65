#pragma once
// Ellipsoidal area of every raster cell (docs/geodesy.md#cell-area), on CGCS2000/GRS80.
//
// Three models, chosen from the raster's CRS:
//  - Constant: an equal-area projection (Albers, LAEA, cylindrical equal-area, Equal Earth) on
//    GRS80 or WGS84. Area = |dx * dy| (in m2), exact. Verified numerically at build time: if the
//    Jacobian check below disagrees by more than 1e-9 the per-cell model is used instead.
//  - PerRow: a geographic CRS. Area of the row's quadrangle, 1/2 a^2 dlambda |dq| (exact).
//  - PerCell: any other projected CRS (Gauss-Krüger, UTM, Web Mercator, or an equal-area
//    projection on another ellipsoid such as Krasovsky). The area density
//    rho = M(phi) N(phi) cos(phi) |d(lambda, phi)/d(x, y)| is computed from PROJ's inverse
//    projection (central differences, h = 25 m) on a lattice of nodes at most 2 km apart and
//    interpolated bilinearly to cell centres. Relative error < 1e-7 (tested against exact
//    polygon areas in Gauss-Krüger zone 35).
// Projected coordinates are interpreted on their own datum and the resulting longitudes and
// latitudes are measured on GRS80 without a datum shift (docs/geodesy.md#ellipsoid).
//
// Areas are returned as fixed-point integers of scale() (see core/fixed_area.hpp) so that sums
// are exact; cell_area_m2 gives the double for display.
// Thread-safety: immutable after build(); all const methods may be called concurrently.
#include <cstdint>
#include <string>
#include <vector>

#include "redline/core/crs.hpp"
#include "redline/core/fixed_area.hpp"
#include "redline/core/grid.hpp"

namespace redline {

enum class AreaModelKind { Constant, PerRow, PerCell };

class CellAreaModel {
  public:
    // `crs` is the raster's (geodesy/crs_description.hpp: make_crs). Throws InvalidInput for
    // CRSs the engine cannot measure (no CRS, a geographic raster reaching beyond +-90 degrees,
    // a projection PROJ cannot invert over the raster). `threads` bounds the parallel lattice
    // build (0 = all cores).
    static CellAreaModel build(const Grid& grid, const Crs& crs, int threads = 0);

    AreaModelKind kind() const { return m_kind; }
    const char* kind_name() const;  // "constant", "per-row", "per-cell"
    // One line for outputs, e.g. "constant 900 m2 per cell (Albers Equal Area, GRS 1980)".
    const std::string& description() const { return m_description; }
    // The ellipsoid areas are measured on (always CGCS2000/GRS80).
    const std::string& ellipsoid() const { return m_ellipsoid; }
    const std::vector<std::string>& warnings() const { return m_warnings; }
    const AreaScale& scale() const { return m_scale; }

    bool uniform_rows() const { return m_kind != AreaModelKind::PerCell; }
    // Fixed-point area of every cell of a row; only when uniform_rows().
    std::int64_t row_area_units(std::int64_t row) const {
        return m_kind == AreaModelKind::Constant ? m_const_units
                                                 : m_row_units[static_cast<std::size_t>(row)];
    }
    // Fixed-point areas of cells [col0, col0 + n) of a row, any model.
    void cell_area_units(std::int64_t row, std::int64_t col0, std::int64_t n,
                         std::int64_t* out) const;
    double cell_area_m2(std::int64_t row, std::int64_t col) const;
    // Per-row model: relative change of the area density from the top to the bottom of the row,
    // g = (rho_bottom - rho_top) / rho_mean. A partial cell whose covered part has coverage a and
    // first moment M (coverage/coverage_rasterizer.hpp) has area A_row * (a + g * (M - a / 2)),
    // exact to second order. 0 for the other models.
    double row_gradient(std::int64_t row) const {
        return m_kind == AreaModelKind::PerRow ? m_row_gradient[static_cast<std::size_t>(row)]
                                               : 0.0;
    }
    bool has_row_gradient() const { return m_kind == AreaModelKind::PerRow; }

  private:
    double density(std::int64_t row, std::int64_t col) const;  // per-cell: m2 per CRS unit^2

    Grid m_grid;
    AreaModelKind m_kind = AreaModelKind::Constant;
    std::string m_description;
    std::string m_ellipsoid;
    std::vector<std::string> m_warnings;
    AreaScale m_scale;
    std::int64_t m_const_units = 0;
    double m_const_m2 = 0;
    std::vector<std::int64_t> m_row_units;
    std::vector<double> m_row_m2;
    std::vector<double> m_row_gradient;
    // Per-cell lattice: nodes at cell coordinates (i * step, j * step), i in [0, nx], j in [0, ny].
    std::int64_t m_step = 0, m_nx = 0, m_ny = 0;
    std::vector<double> m_rho;
    double m_cell_plane = 0;  // |dx * dy| in CRS units^2
};

}  // namespace redline
