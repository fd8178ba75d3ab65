#pragma once
// Sparse coverage of one polygon over a window: per row, the runs of constant non-zero coverage
// exactly as CoverageRasterizer::scan() visits them (cells an edge passes through one by one,
// the spans between them whole). For callers that read the coverage of a few cells of a large
// window (the permitted layer at the cells of change patches): building costs what scan()
// costs (O(edge cells) plus a word per 64 columns of each row), where
// CoverageRasterizer::finish() writes every cell of the window (8 bytes each).
// at() gives the same value as finish()'s row(r)[c]: units of 2^-40 of a cell, 0 outside.
// Thread-safety: one per worker thread.
#include <cstdint>
#include <vector>

#include "redline/core/grid.hpp"
#include "redline/coverage/coverage_rasterizer.hpp"

namespace redline {

class CoverageRuns {
  public:
    // Scans the edges accumulated in `r` since its begin() (r.scan(): r is left ready for the
    // next polygon) and keeps the runs. Moments are not kept.
    void build(CoverageRasterizer& r);
    // Coverage of cell (row, col) of the window, 0-based; 0 outside the window.
    std::int64_t at(std::int64_t row, std::int64_t col) const;
    const Window& window() const { return m_window; }
    std::size_t runs() const { return m_runs.size(); }

  private:
    struct Run {
        std::int64_t col0, col1, coverage;  // columns [col0, col1) of the window
    };
    Window m_window;
    std::vector<std::size_t> m_row_start;  // runs of row r: [m_row_start[r], m_row_start[r + 1])
    std::vector<Run> m_runs;
};

}  // namespace redline
