#pragma once
// Indicator ecr_area (report/indicator.hpp has its spec): Area of the union of the redline (km2);
// with inputs.land also its land part, marine part and the land part's share of the land (the
// union's overlap with the land's union). Thread-safety: stateless.
#include "redline/report/indicators/indicator.hpp"

namespace redline {

class EcrArea final : public Indicator {
  public:
    std::string id() const override { return "ecr_area"; }
    std::vector<std::string> needs() const override { return {"redline"}; }
    IndicatorResult compute(ReportContext& ctx, const IndicatorSpec& spec) const override;
};

}  // namespace redline
