#pragma once
// Natural or artificial from the land use beside a shoreline piece
// (docs/indicators.md#shoreline-classification).
//
// Strip rule: a piece is Artificial when the artificial area of its landward strip (the
// single-sided buffer of `buffer_m` metres on its land side, built in local metres; exact cell
// coverage times ellipsoidal cell area) is at least half of the strip's valid area
// (ShoreRasterModel: NoData cells count in neither); ties are artificial within a relative 1e-9
// (class_of()). Natural otherwise, Unclassified when the strip has no valid area.
// Cuts: classify() first cuts the piece where the land use next to it changes. Transects of
// `buffer_m` on the land side, sampled every half cell along the piece, each get the majority
// kind of the cells under k = ceil(buffer_m / cell) (1..32) evenly spaced points (Artificial when
// at least half of its valid points are artificial, NoData when none is valid); where two
// consecutive transects differ, the position of the change is bisected (20 halvings) and the
// piece cut there. Each cut piece is then classified by the strip rule.
// Thread-safety: owns a raster reader, a rasterizer, a GEOS buffer and a window of cells: one
// per thread. The ShoreRasterModel is shared read-only and must outlive the classifier.
#include <cstdint>
#include <limits>
#include <memory>
#include <set>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/core/grid.hpp"
#include "redline/coverage/coverage_rasterizer.hpp"
#include "redline/geodesy/line_measurer.hpp"
#include "redline/geom/side_buffer.hpp"
#include "redline/io/raster_source.hpp"
#include "redline/ops/shoreline/shore_class.hpp"
#include "redline/ops/shoreline/shore_raster_model.hpp"

namespace redline {

// Areas (m2) of a landward strip: all of it, its valid cells, its artificial cells.
struct StripAreas {
    double total_m2 = 0, valid_m2 = 0, artificial_m2 = 0;
};

// One classified piece of a shoreline, between geodesic positions s0 < s1 (m from the start).
struct StripPiece {
    double s0 = 0, s1 = 0;
    ShoreClass klass = ShoreClass::Unclassified;  // Natural, Artificial or Unclassified
    // 100 artificial / valid area; NaN when the strip has no valid area.
    double artificial_percent = std::numeric_limits<double>::quiet_NaN();
    double valid_percent = 0;  // 100 valid / strip area; 0 for an empty strip
};

class LandwardStripClassifier {
  public:
    // buffer_m > 0: strip width in metres (DEFAULT 100 m in ShorelineRequest).
    LandwardStripClassifier(const ShoreRasterModel& model, double buffer_m);
    ~LandwardStripClassifier();

    // The strip rule: Artificial when artificial_m2 >= valid_m2 / 2 (ties within a relative
    // 1e-9 included), Natural otherwise, Unclassified when valid_m2 is 0.
    static ShoreClass class_of(double artificial_m2, double valid_m2);

    // Reads the cells that the strips and transects of the line between positions sa and sb
    // can reach (`metric`: the local metric near the middle of that stretch): the stretch's
    // bounding box grown by 1.5 buffer_m + 2 cells, plus one cell, clipped to the grid. Later
    // classify() calls sample transects only inside this window (outside counts as NoData);
    // strips that leave it read their own cells.
    void load_window(const MeasuredLine& ml, double sa, double sb, const LocalMetric& metric);
    const Window& window() const { return m_win; }

    // Cuts the piece [s0, s1] of `ml` where the land use on its `land_side` changes and appends
    // each classified cut to `out`, in line order (at least one). `metric`: the local metric at
    // the piece's midpoint. Codes unknown to the class table are added to `unknown_codes`.
    void classify(const MeasuredLine& ml, double s0, double s1, const LocalMetric& metric,
                  Side land_side, std::vector<StripPiece>& out,
                  std::set<std::int64_t>& unknown_codes);

    // Areas of a strip polygon given in the raster's CRS.
    StripAreas strip_areas(const MultiPolygon& strip, std::set<std::int64_t>& unknown_codes);

  private:
    LandKind transect_kind(const MeasuredLine& ml, double s, const LocalMetric& metric,
                           double side_sign, int points) const;

    const ShoreRasterModel& m_model;
    double m_buffer_m;
    std::unique_ptr<RasterReader> m_reader;
    SideBuffer m_buffer;
    CoverageRasterizer m_rast{CoverageMode::Exact};
    Window m_win;
    std::vector<std::int32_t> m_values;
    std::vector<std::uint8_t> m_valid;
    std::vector<std::int64_t> m_area_units;
};

}  // namespace redline
