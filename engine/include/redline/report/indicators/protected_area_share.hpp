#pragma once
// Indicator protected_area_share (report/indicator.hpp has its spec): Area of union(protected) ∩
// union(land) / area of union(land), percent; the intersection is kept in the context for the
// per-region shares. Thread-safety: stateless.
#include "redline/report/indicators/indicator.hpp"

namespace redline {

class ProtectedAreaShare final : public Indicator {
  public:
    std::string id() const override { return "protected_area_share"; }
    std::vector<std::string> needs() const override { return {"protected", "land"}; }
    IndicatorResult compute(ReportContext& ctx, const IndicatorSpec& spec) const override;
};

}  // namespace redline
