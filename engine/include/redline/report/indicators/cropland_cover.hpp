#pragma once
// Indicator cropland_cover (report/indicator.hpp has its spec): Area of the cropland classes of the
// current land cover inside the land (km2), from the context's one zonal pass over the land and the
// regions (a remote-sensing proxy). Thread-safety: stateless.
#include "redline/report/indicators/indicator.hpp"

namespace redline {

class CroplandCover final : public Indicator {
  public:
    std::string id() const override { return "cropland_cover"; }
    std::vector<std::string> needs() const override { return {"landcover_t1", "land"}; }
    IndicatorResult compute(ReportContext& ctx, const IndicatorSpec& spec) const override;
};

}  // namespace redline
