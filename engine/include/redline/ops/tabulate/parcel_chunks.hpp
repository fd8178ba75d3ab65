#pragma once
// The grid of spatial chunks by which `tabulate` reads a large land-use layer
// (docs/land-use-survey.md "Memory: spatial chunks"). Cells split the layer's extent into about
// features / parcels_per_chunk rectangles of its aspect; a point belongs to exactly one cell
// (half-open cells, points beyond the extent clamped to the border cells), so a parcel owned by
// the cell of one of its points is processed once however many chunk reads return it.
// Units: the layer's coordinates. Thread-safety: a plain value.
#include <cstddef>
#include <cstdint>

#include "redline/core/geometry.hpp"

namespace redline {

// DEFAULT parcels per chunk: the environment's REDLINE_TABULATE_CHUNK_PARCELS when it is a
// positive integer (a test knob forcing tiny chunks), else 50,000.
std::size_t default_chunk_parcels();

class ParcelChunkGrid {
  public:
    // `extent` not empty; `features` > 0; `per_chunk` > 0.
    ParcelChunkGrid(const Box& extent, std::int64_t features, std::size_t per_chunk);

    std::size_t size() const { return m_nx * m_ny; }
    // The cell holding `p` (row-major, rows from ymin).
    std::size_t cell_of(const Point& p) const;
    // A rectangle holding every point whose cell is `cell`: the cell, widened by a millionth of
    // a cell against rounding, and reaching a cell beyond the extent at the border.
    Box rect(std::size_t cell) const;

  private:
    Box m_extent;
    std::size_t m_nx = 1, m_ny = 1;
    double m_w = 1, m_h = 1;
};

}  // namespace redline
