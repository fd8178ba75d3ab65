#include "redline/geodesy/cell_area_model.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "redline/core/error.hpp"
#include "redline/geodesy/ellipsoid.hpp"
#include "redline/geodesy/transformer.hpp"

namespace redline {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;
constexpr double kMaxLatticeSpacingM = 2000.0;
constexpr double kDiffStepM = 25.0;

double wrap_pi(double a) {
    while (a > std::numbers::pi) a -= 2 * std::numbers::pi;
    while (a <= -std::numbers::pi) a += 2 * std::numbers::pi;
    return a;
}

// Area density (m2 on GRS80 per CRS unit^2) at (x, y) from the inverse projection; NaN when the
// point is outside the projection's domain.
double jacobian_density(const Transformer& inv, double x, double y, double h) {
    double xs[5] = {x, x + h, x - h, x, x};
    double ys[5] = {y, y, y, y + h, y - h};
    inv.transform_unchecked(xs, ys, 5);
    for (int i = 0; i < 5; ++i)
        if (xs[i] == HUGE_VAL) return std::nan("");
    const double dlam_dx = wrap_pi((xs[1] - xs[2]) * kDeg) / (2 * h);
    const double dphi_dx = (ys[1] - ys[2]) * kDeg / (2 * h);
    const double dlam_dy = wrap_pi((xs[3] - xs[4]) * kDeg) / (2 * h);
    const double dphi_dy = (ys[3] - ys[4]) * kDeg / (2 * h);
    const double jac = std::fabs(dlam_dx * dphi_dy - dlam_dy * dphi_dx);
    return Ellipsoid::cgcs2000().area_density(ys[0] * kDeg) * jac;
}

}  // namespace

const char* CellAreaModel::kind_name() const {
    switch (m_kind) {
        case AreaModelKind::Constant:
            return "constant";
        case AreaModelKind::PerRow:
            return "per-row";
        case AreaModelKind::PerCell:
            return "per-cell";
    }
    return "?";
}

CellAreaModel CellAreaModel::build(const Grid& grid, const Crs& crs, int threads) {
    if (crs.empty())
        fail(ErrorKind::InvalidInput,
             "the raster has no CRS, so its cell areas are unknown; assign one with "
             "gdal_edit.py -a_srs EPSG:XXXX");
    const Ellipsoid& ell = Ellipsoid::cgcs2000();
    CellAreaModel m;
    m.m_grid = grid;
    m.m_ellipsoid = ell.name();
    const std::string src_ell =
        crs.ellipsoid_name.empty() ? std::string("unknown ellipsoid") : crs.ellipsoid_name;
    if (!crs.on_grs80_or_wgs84() && crs.kind != CrsKind::Other)
        m.m_warnings.push_back(fmt::format(
            "the raster CRS '{}' is on the {} (a = {} m, 1/f = {}), not CGCS2000/GRS80: its "
            "coordinates are measured on GRS80 without a datum shift (areas on its own "
            "ellipsoid would differ by up to a few 1e-5)",
            crs.name, src_ell, crs.semi_major_m, crs.inverse_flattening));

    if (crs.kind == CrsKind::Geographic) {
        const double rad = crs.unit_to_radian > 0 ? crs.unit_to_radian : kDeg;
        const double dlam = std::fabs(grid.dx()) * rad;
        m.m_kind = AreaModelKind::PerRow;
        m.m_row_m2.resize(static_cast<std::size_t>(grid.rows()));
        m.m_row_gradient.resize(static_cast<std::size_t>(grid.rows()));
        double max_area = 0;
        for (std::int64_t r = 0; r < grid.rows(); ++r) {
            const double lat1 = grid.y_of(static_cast<double>(r)) * rad;
            const double lat2 = grid.y_of(static_cast<double>(r + 1)) * rad;
            const double lim = std::numbers::pi / 2 + 1e-9;
            if (std::fabs(lat1) > lim || std::fabs(lat2) > lim)
                fail(ErrorKind::InvalidInput,
                     fmt::format("the raster reaches latitude {:.6f} degrees (row {}), beyond "
                                 "+-90: its geotransform does not fit its geographic CRS '{}'",
                                 (std::fabs(lat1) > lim ? lat1 : lat2) / kDeg, r, crs.name));
            const double a =
                ell.quad_area(std::clamp(lat1, -std::numbers::pi / 2, std::numbers::pi / 2),
                              std::clamp(lat2, -std::numbers::pi / 2, std::numbers::pi / 2), dlam);
            m.m_row_m2[static_cast<std::size_t>(r)] = a;
            const double mean_density = a / (dlam * std::fabs(lat2 - lat1));
            m.m_row_gradient[static_cast<std::size_t>(r)] =
                (ell.area_density(lat2) - ell.area_density(lat1)) / mean_density;
            max_area = std::max(max_area, a);
        }
        if (!(max_area > 0)) fail(ErrorKind::InvalidInput, "the raster's cells have zero area");
        m.m_scale = AreaScale::for_max_cell_area(max_area);
        m.m_row_units.resize(m.m_row_m2.size());
        for (std::size_t r = 0; r < m.m_row_m2.size(); ++r)
            m.m_row_units[r] = m.m_scale.quantize(m.m_row_m2[r]);
        m.m_description = fmt::format(
            "per-row exact ellipsoidal quadrangle area (geographic CRS '{}', {}); cells from "
            "{:.6f} "
            "to {:.6f} m2",
            crs.name, ell.name(), *std::min_element(m.m_row_m2.begin(), m.m_row_m2.end()),
            max_area);
        return m;
    }
    if (crs.kind != CrsKind::Projected)
        fail(ErrorKind::Unsupported,
             fmt::format("the raster CRS '{}' is neither geographic nor projected; the engine "
                         "cannot measure its cells",
                         crs.name));

    // Projected: check the equal-area claim numerically, else build the per-cell lattice.
    Transformer inv = Transformer::to_geographic(crs.wkt);
    const double unit = crs.unit_to_metre > 0 ? crs.unit_to_metre : 1.0;
    const double h = kDiffStepM / unit;
    const double plane = std::fabs(grid.dx() * grid.dy());
    m.m_cell_plane = plane;
    if (crs.equal_area_method && crs.on_grs80_or_wgs84()) {
        double worst = 0;
        const double fr[3] = {0.0, 0.5, 1.0};
        for (double fx : fr)
            for (double fy : fr) {
                const double x = grid.x_of(fx * static_cast<double>(grid.cols()));
                const double y = grid.y_of(fy * static_cast<double>(grid.rows()));
                const double rho = jacobian_density(inv, x, y, h);
                if (std::isfinite(rho))
                    worst = std::max(worst, std::fabs(rho / (unit * unit) - 1.0));
            }
        if (worst < 1e-9) {
            m.m_kind = AreaModelKind::Constant;
            m.m_const_m2 = plane * unit * unit;
            m.m_scale = AreaScale::for_max_cell_area(m.m_const_m2);
            m.m_const_units = m.m_scale.quantize(m.m_const_m2);
            m.m_description = fmt::format("constant {} m2 per cell (equal-area '{}', {}; exact)",
                                          m.m_const_m2, crs.method, crs.ellipsoid_name);
            return m;
        }
        m.m_warnings.push_back(fmt::format(
            "the projection '{}' claims to be equal-area but its area scale departs from 1 by "
            "{:.3g}; per-cell areas are used",
            crs.method, worst));
    }

    m.m_kind = AreaModelKind::PerCell;
    const double cell_m = std::max(std::fabs(grid.dx()), std::fabs(grid.dy())) * unit;
    m.m_step = std::max<std::int64_t>(1, static_cast<std::int64_t>(kMaxLatticeSpacingM / cell_m));
    // Keep the lattice below ~20 M nodes for very large rasters.
    while ((grid.cols() / m.m_step + 2) * (grid.rows() / m.m_step + 2) > 20'000'000) m.m_step *= 2;
    m.m_nx = (grid.cols() + m.m_step - 1) / m.m_step;
    m.m_ny = (grid.rows() + m.m_step - 1) / m.m_step;
    const std::size_t stride = static_cast<std::size_t>(m.m_nx + 1);
    m.m_rho.assign(stride * static_cast<std::size_t>(m.m_ny + 1), std::nan(""));
    auto fill_rows = [&](const tbb::blocked_range<std::int64_t>& range) {
        Transformer local = Transformer::to_geographic(crs.wkt);
        for (std::int64_t j = range.begin(); j != range.end(); ++j)
            for (std::int64_t i = 0; i <= m.m_nx; ++i) {
                const double x = grid.x_of(static_cast<double>(i * m.m_step));
                const double y = grid.y_of(static_cast<double>(j * m.m_step));
                m.m_rho[static_cast<std::size_t>(j) * stride + static_cast<std::size_t>(i)] =
                    jacobian_density(local, x, y, h);
            }
    };
    tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
    arena.execute(
        [&] { tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, m.m_ny + 1, 16), fill_rows); });
    // Nodes outside the projection's domain take the value of the nearest valid node in the
    // same lattice row, or column (deterministic sweep).
    std::size_t failed = 0;
    for (double v : m.m_rho)
        if (!std::isfinite(v)) ++failed;
    if (failed == m.m_rho.size())
        fail(ErrorKind::InvalidInput,
             fmt::format("the projection of '{}' cannot be inverted anywhere over the raster "
                         "extent; check the raster's geotransform and CRS",
                         crs.name));
    if (failed) {
        m.m_warnings.push_back(fmt::format(
            "{} of {} area-lattice nodes lie outside the projection's domain; their cells take "
            "the area of the nearest valid node",
            failed, m.m_rho.size()));
        for (int pass = 0; pass < 2; ++pass) {
            for (std::int64_t j = 0; j <= m.m_ny; ++j) {
                double last = std::nan("");
                for (std::int64_t i = 0; i <= m.m_nx; ++i) {
                    double& v =
                        m.m_rho[static_cast<std::size_t>(j) * stride + static_cast<std::size_t>(i)];
                    if (std::isfinite(v))
                        last = v;
                    else if (std::isfinite(last))
                        v = last;
                }
                last = std::nan("");
                for (std::int64_t i = m.m_nx; i >= 0; --i) {
                    double& v =
                        m.m_rho[static_cast<std::size_t>(j) * stride + static_cast<std::size_t>(i)];
                    if (std::isfinite(v))
                        last = v;
                    else if (std::isfinite(last))
                        v = last;
                }
            }
            for (std::int64_t i = 0; i <= m.m_nx; ++i) {
                double last = std::nan("");
                for (std::int64_t j = 0; j <= m.m_ny; ++j) {
                    double& v =
                        m.m_rho[static_cast<std::size_t>(j) * stride + static_cast<std::size_t>(i)];
                    if (std::isfinite(v))
                        last = v;
                    else if (std::isfinite(last))
                        v = last;
                }
                last = std::nan("");
                for (std::int64_t j = m.m_ny; j >= 0; --j) {
                    double& v =
                        m.m_rho[static_cast<std::size_t>(j) * stride + static_cast<std::size_t>(i)];
                    if (std::isfinite(v))
                        last = v;
                    else if (std::isfinite(last))
                        v = last;
                }
            }
        }
    }
    const double max_rho = *std::max_element(m.m_rho.begin(), m.m_rho.end());
    const double min_rho = *std::min_element(m.m_rho.begin(), m.m_rho.end());
    m.m_scale = AreaScale::for_max_cell_area(max_rho * plane * 1.0001);
    m.m_description = fmt::format(
        "per-cell ellipsoidal area ({} projection '{}', {} lattice every {} cells); cells from "
        "{:.6f} to {:.6f} m2",
        ell.name(), crs.method.empty() ? crs.name : crs.method, "Jacobian", m.m_step,
        min_rho * plane, max_rho * plane);
    return m;
}

double CellAreaModel::density(std::int64_t row, std::int64_t col) const {
    const double u = (static_cast<double>(col) + 0.5) / static_cast<double>(m_step);
    const double v = (static_cast<double>(row) + 0.5) / static_cast<double>(m_step);
    const std::int64_t i = std::min<std::int64_t>(static_cast<std::int64_t>(u), m_nx - 1);
    const std::int64_t j = std::min<std::int64_t>(static_cast<std::int64_t>(v), m_ny - 1);
    const double fu = u - static_cast<double>(i);
    const double fv = v - static_cast<double>(j);
    const std::size_t stride = static_cast<std::size_t>(m_nx + 1);
    const double* r0 = &m_rho[static_cast<std::size_t>(j) * stride + static_cast<std::size_t>(i)];
    const double* r1 = r0 + stride;
    const double top = r0[0] + fu * (r0[1] - r0[0]);
    const double bot = r1[0] + fu * (r1[1] - r1[0]);
    return top + fv * (bot - top);
}

void CellAreaModel::cell_area_units(std::int64_t row, std::int64_t col0, std::int64_t n,
                                    std::int64_t* out) const {
    if (m_kind != AreaModelKind::PerCell) {
        const std::int64_t a = row_area_units(row);
        std::fill(out, out + n, a);
        return;
    }
    for (std::int64_t k = 0; k < n; ++k)
        out[k] = m_scale.quantize(density(row, col0 + k) * m_cell_plane);
}

double CellAreaModel::cell_area_m2(std::int64_t row, std::int64_t col) const {
    switch (m_kind) {
        case AreaModelKind::Constant:
            return m_const_m2;
        case AreaModelKind::PerRow:
            return m_row_m2[static_cast<std::size_t>(row)];
        case AreaModelKind::PerCell:
            return density(row, col) * m_cell_plane;
    }
    return 0;
}

}  // namespace redline
