#pragma once
// Polygon -> cell coverage over a window of the grid, in one of three modes:
//  - Exact: the exact fraction of each cell inside the polygon (area of polygon ∩ cell).
//  - Centroid: 1 when the cell centre is inside, half-open (a centre on a left or top edge is
//    inside, on a right or bottom edge outside), so polygons sharing an edge never both count a
//    cell (domain.md R12).
//  - AllTouched: 1 when the polygon covers a positive area of the cell (more than ~1e-12 of
//    it); cells met only along an edge or at a corner do not count.
//
// The exact mode is the signed-area accumulation rasterizer of font renderers, made exact and
// order-free: each edge is split at row and column lines; every piece adds its signed vertical
// extent, split between its cell and the next by its mean x, to an accumulation row, and a
// running sum along the row gives each cell's coverage. Vertical extents are fixed-point
// (2^-40 of a cell) differences of quantised y, so they telescope exactly, full cells come out
// as exactly 2^40, and pieces left of the window collapse onto its first column with the same
// total as when they are walked cell by cell. A cell's coverage therefore does not depend on the
// window (tile) it is computed in: results are identical for any tile size. Sums are modulo 2^64
// (unsigned), which is exact whenever the final value fits.
//
// Coordinates are continuous cell coordinates of the whole grid (see ZoneSet), so edges of a
// polygon spanning many tiles are handled tile by tile without clipping. Rings must be fed
// with the orientation sign of ZoneSet (+1 exterior, -1 hole after normalisation); coverage is
// clamped to [0, 2^40].
//
// With moments enabled (exact mode), the rasterizer also accumulates for every cell the first
// moment in the row direction, M = integral over (polygon ∩ cell) of eta, where eta in [0, 1] is
// the position down the cell, in the same units. A fully covered cell has M = 2^39 exactly.
// Geographic rasters use it to weight partial cells by the latitude of their covered part
// (CellAreaModel::row_gradient), which makes areas exact to second order.
//
// Thread-safety: one rasterizer per thread (it owns its accumulation buffer).
#include <cstdint>
#include <vector>

#include "redline/core/fixed_area.hpp"
#include "redline/core/grid.hpp"
#include "redline/coverage/zone_set.hpp"

namespace redline {

enum class CoverageMode { Exact, Centroid, AllTouched };

// "exact" | "centroid" | "all-touched"; throws InvalidInput otherwise.
CoverageMode parse_coverage_mode(const std::string& s);
const char* coverage_mode_name(CoverageMode m);

class CoverageRasterizer {
public:
    explicit CoverageRasterizer(CoverageMode mode = CoverageMode::Exact, bool moments = false)
        : m_mode(mode), m_moments(moments && mode == CoverageMode::Exact) {}

    // Starts a polygon over `window` (global cell indices). DEFAULT buffer grows as needed.
    void begin(const Window& window);
    // Adds the edge (xa, ya) -> (xb, yb) in global cell coordinates with orientation `sign`.
    void add_edge(double xa, double ya, double xb, double yb, int sign);
    // Turns the accumulated edges into coverage.
    void finish();
    // After finish(): coverage of row r of the window (0-based), one value per column, in units
    // of 2^-40 of a cell: 0 outside, kFullCoverage fully inside.
    const std::int64_t* row(std::int64_t r) const {
        return reinterpret_cast<const std::int64_t*>(m_acc.data()) +
               static_cast<std::size_t>(r) * m_stride;
    }
    // After finish(), with moments: the first moment of each cell of row r (units 2^-40).
    const std::int64_t* moment_row(std::int64_t r) const {
        return reinterpret_cast<const std::int64_t*>(m_mom.data()) +
               static_cast<std::size_t>(r) * m_stride;
    }
    const Window& window() const { return m_window; }
    CoverageMode mode() const { return m_mode; }
    bool moments() const { return m_moments; }

    // Convenience: begin(window), all edges of zone z, finish().
    void rasterize(const ZoneSet& zones, std::size_t z, const Window& window);

private:
    void add_edge_exact(double xa, double ya, double xb, double yb, int sign);
    void add_edge_centroid(double xa, double ya, double xb, double yb, int sign);

    CoverageMode m_mode;
    bool m_moments = false;
    Window m_window;
    std::size_t m_stride = 0;
    std::vector<std::uint64_t> m_acc;
    std::vector<std::uint64_t> m_mom;
};

}  // namespace redline
