#pragma once
// Indicator cropland_area (report/indicator.hpp has its spec): Area of the union of the
// cropland-protection layer (km2), also in mu and yi mu. Thread-safety: stateless.
#include "redline/report/indicators/indicator.hpp"

namespace redline {

class CroplandArea final : public Indicator {
  public:
    std::string id() const override { return "cropland_area"; }
    std::vector<std::string> needs() const override { return {"cropland"}; }
    IndicatorResult compute(ReportContext& ctx, const IndicatorSpec& spec) const override;
};

}  // namespace redline
