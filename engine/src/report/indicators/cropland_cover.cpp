#include "redline/report/indicators/cropland_cover.hpp"

#include "redline/core/units.hpp"
#include "redline/report/indicators/land_cover_totals.hpp"
#include "redline/report/indicators/sample_estimate.hpp"
#include "redline/report/report_context.hpp"

namespace redline {

IndicatorResult CroplandCover::compute(ReportContext& ctx, const IndicatorSpec& spec) const {
    const LandCoverTotals t = land_cover_totals(ctx);
    const double crop = t.group_m2(ctx, "cropland");
    nlohmann::json d = t.common_details(ctx);
    d["codes"] = ctx.classes().codes_of("cropland");
    d["share_of_land_percent"] = 100.0 * crop / t.land_m2;
    d["yi_mu"] = units::m2_to_yi_mu(crop);
    IndicatorResult r = evaluate(spec, units::m2_to_km2(crop), d);
    r.estimate = land_cover_estimate(ctx, spec, "cropland");
    return r;
}

}  // namespace redline
