#pragma once
// Polygon -> cell coverage over a window of the grid, in one of three modes:
//  - Exact: the exact fraction of each cell inside the polygon (area of polygon ∩ cell).
//  - Centroid: 1 when the cell centre is inside, half-open (a centre on a left or top edge is
//    inside, on a right or bottom edge outside), so polygons sharing an edge never both count a
//    cell (docs/indicators.md#cell-coverage).
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
#include <algorithm>
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

    // Starts a polygon over `window` (global cell indices). The buffer grows as needed and is
    // kept all-zero between polygons (scan() clears what it touched), so begin() costs nothing
    // unless the previous polygon was abandoned before its scan() ended (then it clears it).
    void begin(const Window& window);
    // Adds the edge (xa, ya) -> (xb, yb) in global cell coordinates with orientation `sign`.
    void add_edge(double xa, double ya, double xb, double yb, int sign);
    // Turns the accumulated edges into dense coverage rows (row(), moment_row()).
    void finish();

    // Sparse alternative to finish(): visits only what is covered. Cells an edge passes through
    // (or next to) come one by one, v.cell(row, col, coverage, moment); the runs between them,
    // whose coverage is constant and non-zero (full inside a valid polygon), come as
    // v.span(row, col_begin, col_end, coverage). Rows and columns are relative to the window,
    // cells in increasing column order per row. `moment` is null without moments. Cost:
    // O(edge cells) plus one 64-bit word read per 64 columns of each window row (the marks of
    // written cells), plus the visitor's work.
    template <class Visitor>
    void scan(Visitor&& v);
    // After finish(): coverage of row r of the window (0-based), one value per column, in units
    // of 2^-40 of a cell: 0 outside, kFullCoverage fully inside.
    const std::int64_t* row(std::int64_t r) const {
        return m_cov.data() + static_cast<std::size_t>(r) * static_cast<std::size_t>(m_window.cols);
    }
    // After finish(), with moments: the first moment of each cell of row r (units 2^-40).
    const std::int64_t* moment_row(std::int64_t r) const {
        return m_cov_mom.data() +
               static_cast<std::size_t>(r) * static_cast<std::size_t>(m_window.cols);
    }
    const Window& window() const { return m_window; }
    CoverageMode mode() const { return m_mode; }
    bool moments() const { return m_moments; }

    // Left carry (for indexes that skip the edges left of a window, see ZoneIndex). An edge
    // entirely left of a window (both ends, and so every point of it, at least one cell left of
    // its first column) adds to each row it crosses one value to that row's first column, the
    // same for every such window: in exact mode the fixed-point vertical extent of its part in
    // the row (and its moment increment), in centroid mode +-kFullCoverage per row centre it
    // crosses. left_carry() adds those per-row values of the edge (xa, ya) -> (xb, yb) with
    // orientation `sign` to the carry rows cov[i], mom[i] (null without moments) of global rows
    // row0 + i, i < rows, and sets touched[i] where it adds (even zero: add_edge() marks the
    // first column touched then, which decides cell- vs span-visits in scan()). Sums are modulo
    // 2^64 like the accumulation, so carries of many edges add in any order.
    static void left_carry(CoverageMode mode, bool moments, double xa, double ya, double xb,
                           double yb, int sign, std::int64_t row0, std::int64_t rows,
                           std::uint64_t* cov, std::uint64_t* mom, std::uint8_t* touched);
    // After begin(): adds carry rows (global rows row0 + i, i < rows; those outside the window
    // are ignored) to the first column of the window, exactly as add_edge() of the edges they
    // were made from would have. `mom` is read only with moments. Bit-identical to feeding the
    // edges themselves.
    void add_left_carry(std::int64_t row0, std::int64_t rows, const std::uint64_t* cov,
                        const std::uint64_t* mom, const std::uint8_t* touched);

    // Convenience: begin(window), all edges of zone z, finish().
    void rasterize(const ZoneSet& zones, std::size_t z, const Window& window);

  private:
    void add_edge_exact(double xa, double ya, double xb, double yb, int sign);
    void add_edge_centroid(double xa, double ya, double xb, double yb, int sign);

    // Marks accumulation cell `col` of window row `row` (col <= cols: the slot right of the
    // window too) as written since begin().
    void touch(std::size_t row, std::size_t col) {
        m_marks[row * m_words + (col >> 6)] |= std::uint64_t{1} << (col & 63);
        m_dirty = true;
    }
    // Clears the accumulation and the marks of every marked cell (what scan() does as it goes).
    void clear_marked();

    CoverageMode m_mode;
    bool m_moments = false;
    bool m_dirty = false;  // some cell is marked
    Window m_window;
    std::size_t m_stride = 0;          // accumulation cells per row: cols + 1
    std::size_t m_words = 0;           // mark words per row: ceil(m_stride / 64)
    std::vector<std::uint64_t> m_acc;  // accumulation, all zero outside a polygon's lifetime
    std::vector<std::uint64_t> m_mom;
    // One bit per accumulation cell written since begin(), rows of m_words words: scan() visits
    // the written cells of a row in column order by reading its words (no sort), and clears them.
    std::vector<std::uint64_t> m_marks;
    std::vector<std::int64_t> m_cov;      // finish(): dense coverage
    std::vector<std::int64_t> m_cov_mom;  // finish(): dense moments
};

template <class Visitor>
void CoverageRasterizer::scan(Visitor&& v) {
    // Rows in order; in each row the marked cells in column order, read word by word.
    const auto rows = static_cast<std::size_t>(std::max<std::int64_t>(m_window.rows, 0));
    const auto cols = static_cast<std::size_t>(m_window.cols);
    const bool touched_mode = (m_mode == CoverageMode::AllTouched);
    auto clamp = [&](std::uint64_t run) {
        auto c = static_cast<std::int64_t>(run);
        if (c <= 0) return std::int64_t{0};
        if (c >= kFullCoverage || touched_mode) return kFullCoverage;
        return c;
    };
    if (!m_dirty) return;
    for (std::size_t row = 0; row < rows; ++row) {
        std::uint64_t* marks = m_marks.data() + row * m_words;
        const std::size_t base = row * m_stride;
        std::uint64_t run = 0, mrun = 0;
        std::size_t next = 0;  // first column not yet visited
        bool any = false;
        for (std::size_t wi = 0; wi < m_words; ++wi) {
            std::uint64_t word = marks[wi];
            if (!word) continue;
            marks[wi] = 0;
            any = true;
            do {
                const std::size_t col = (wi << 6) + static_cast<std::size_t>(__builtin_ctzll(word));
                word &= word - 1;
                const std::size_t off = base + col;
                if (col >= cols) {  // the slot right of the window: only clear it
                    m_acc[off] = 0;
                    if (m_moments) m_mom[off] = 0;
                    continue;
                }
                if (col > next) {
                    const std::int64_t c = clamp(run);
                    if (c)
                        v.span(static_cast<std::int64_t>(row), static_cast<std::int64_t>(next),
                               static_cast<std::int64_t>(col), c);
                }
                run += m_acc[off];
                m_acc[off] = 0;
                if (m_moments) {
                    mrun += m_mom[off];
                    m_mom[off] = 0;
                }
                const std::int64_t c = clamp(run);
                if (c) {
                    if (m_moments) {
                        // The moment of a covered part lies within [0, coverage]; clamp rounding
                        // residue.
                        const std::int64_t mom =
                            c == kFullCoverage
                                ? kFullCoverage / 2
                                : std::clamp<std::int64_t>(static_cast<std::int64_t>(mrun), 0, c);
                        v.cell(static_cast<std::int64_t>(row), static_cast<std::int64_t>(col), c,
                               &mom);
                    } else {
                        v.cell(static_cast<std::int64_t>(row), static_cast<std::int64_t>(col), c,
                               nullptr);
                    }
                }
                next = col + 1;
            } while (word);
        }
        if (any && next < cols) {
            const std::int64_t c = clamp(run);
            if (c)
                v.span(static_cast<std::int64_t>(row), static_cast<std::int64_t>(next),
                       static_cast<std::int64_t>(cols), c);
        }
    }
    // Only now: if the visitor throws, the next begin() clears the rows not yet visited.
    m_dirty = false;
}

}  // namespace redline
