#pragma once
// Single-sided buffers of lines with GEOS: the strip of land on one side of a shoreline piece
// (docs/indicators.md#shoreline-classification).
//
// Coordinates are planar and metric (the caller maps a piece into local metres first, see
// geodesy/line_measurer.hpp LocalMetric). The strip has flat ends perpendicular to the first
// and last edge, so strips of consecutive pieces of a straight line tile without overlap; at
// bends GEOS resolves self-overlaps, so the result is a valid polygon.
// Thread-safety: owns a GEOS context; one SideBuffer per thread.
#include <memory>

#include "redline/core/geometry.hpp"

namespace redline {

enum class Side { Left, Right };

class SideBuffer {
  public:
    // quadrant_segments: segments per quarter circle at joins (DEFAULT 8).
    explicit SideBuffer(int quadrant_segments = 8);
    ~SideBuffer();
    SideBuffer(SideBuffer&&) noexcept;
    SideBuffer& operator=(SideBuffer&&) noexcept;

    // The strip of `width` (> 0) on `side` of `line` (left = to the left when walking the line
    // from its first to its last point). Empty for a line of zero length.
    // Throws Error(Internal) when GEOS fails.
    MultiPolygon strip(const LineString& line, double width, Side side) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace redline
