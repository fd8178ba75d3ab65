#pragma once
// Indicator natural_shoreline_share (report/indicator.hpp has its spec): Natural / total mainland
// shoreline length, percent, from `redline shoreline` (ops/shoreline/shoreline.hpp), per region too
// (left in the context for the region table). Thread-safety: stateless.
#include "redline/report/indicators/indicator.hpp"

namespace redline {

class NaturalShorelineShare final : public Indicator {
  public:
    std::string id() const override { return "natural_shoreline_share"; }
    std::vector<std::string> needs() const override {
        return {"shoreline", "shoreline_class_field"};
    }
    IndicatorResult compute(ReportContext& ctx, const IndicatorSpec& spec) const override;
};

}  // namespace redline
