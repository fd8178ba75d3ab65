#include "redline/report/indicators/protected_area_share.hpp"

#include "redline/core/units.hpp"
#include "redline/report/report_context.hpp"

namespace redline {

IndicatorResult ProtectedAreaShare::compute(ReportContext& ctx, const IndicatorSpec& spec) const {
    const ReportLayer& protected_l = ctx.layer("protected");
    const ReportLayer& land = ctx.layer("land");
    const double on_land = ctx.intersection("protected", "land").area_m2();
    nlohmann::json d = {{"protected_union_km2", units::m2_to_km2(protected_l.union_m2)},
                        {"protected_on_land_km2", units::m2_to_km2(on_land)},
                        {"land_area_km2", units::m2_to_km2(land.union_m2)},
                        {"share_of_reference_land_percent",
                         100.0 * units::m2_to_km2(on_land) / ctx.options().land_reference_km2}};
    ctx.lap("protected_area_share: protected on land");
    return evaluate(spec, 100.0 * on_land / land.union_m2, d);
}

}  // namespace redline
