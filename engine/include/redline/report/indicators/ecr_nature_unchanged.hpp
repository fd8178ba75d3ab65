#pragma once
// Indicator ecr_nature_unchanged (report/indicator.hpp has its spec): Area of the change patches
// inside the redline that are not permitted (m2), from `redline change` (ops/change/change_job.hpp)
// over the context's redline union, which it consumes (the map keeps a thinned outline); leaves the
// change report and the aggregated change matrix in the context. Thread-safety: stateless.
#include "redline/report/indicators/indicator.hpp"

namespace redline {

class EcrNatureUnchanged final : public Indicator {
  public:
    std::string id() const override { return "ecr_nature_unchanged"; }
    std::vector<std::string> needs() const override {
        return {"landcover_t0", "landcover_t1", "redline"};
    }
    IndicatorResult compute(ReportContext& ctx, const IndicatorSpec& spec) const override;
};

}  // namespace redline
