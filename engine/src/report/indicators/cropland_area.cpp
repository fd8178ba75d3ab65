#include "redline/report/indicators/cropland_area.hpp"

#include "redline/core/units.hpp"
#include "redline/report/report_context.hpp"

namespace redline {

IndicatorResult CroplandArea::compute(ReportContext& ctx, const IndicatorSpec& spec) const {
    const ReportLayer& cropland = ctx.layer("cropland");
    const double m2 = cropland.union_m2;
    nlohmann::json d = {{"union_m2", m2},
                        {"yi_mu", units::m2_to_yi_mu(m2)},
                        {"mu", units::m2_to_mu(m2)},
                        {"sum_of_parts_m2", cropland.sum_m2},
                        {"features", cropland.layer.features}};
    return evaluate(spec, units::m2_to_km2(m2), d);
}

}  // namespace redline
