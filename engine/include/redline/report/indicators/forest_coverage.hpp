#pragma once
// Indicator forest_coverage (report/indicator.hpp has its spec): Area of the forest classes of the
// current land cover inside the land / land area, percent, from the context's one zonal pass over
// the land and the regions (a proxy). Thread-safety: stateless.
#include "redline/report/indicators/indicator.hpp"

namespace redline {

class ForestCoverage final : public Indicator {
  public:
    std::string id() const override { return "forest_coverage"; }
    std::vector<std::string> needs() const override { return {"landcover_t1", "land"}; }
    IndicatorResult compute(ReportContext& ctx, const IndicatorSpec& spec) const override;
};

}  // namespace redline
