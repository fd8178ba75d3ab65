#pragma once
// Indicator three_lines_overlap (report/indicator.hpp has its spec): Total area of the overlaps of
// at least options.min_overlap_m2 between the redline, cropland and urban layers, from `redline
// conflicts` (ops/overlay/conflicts.hpp), which reads the three layers itself (before the context
// holds any planning-layer union). m2. Thread-safety: stateless.
#include "redline/report/indicators/indicator.hpp"

namespace redline {

class ThreeLinesOverlap final : public Indicator {
  public:
    std::string id() const override { return "three_lines_overlap"; }
    std::vector<std::string> needs() const override { return {"redline", "cropland", "urban"}; }
    bool reads_own_inputs() const override { return true; }
    IndicatorResult compute(ReportContext& ctx, const IndicatorSpec& spec) const override;
};

}  // namespace redline
