#include "redline/report/indicators/forest_coverage.hpp"

#include "redline/core/units.hpp"
#include "redline/report/indicators/land_cover_totals.hpp"
#include "redline/report/indicators/sample_estimate.hpp"
#include "redline/report/report_context.hpp"

namespace redline {

IndicatorResult ForestCoverage::compute(ReportContext& ctx, const IndicatorSpec& spec) const {
    const LandCoverTotals t = land_cover_totals(ctx);
    const double forest = t.group_m2(ctx, "forest");
    nlohmann::json d = t.common_details(ctx);
    d["codes"] = ctx.classes().codes_of("forest");
    d["forest_km2"] = units::m2_to_km2(forest);
    d["share_of_reference_land_percent"] =
        100.0 * units::m2_to_km2(forest) / ctx.options().land_reference_km2;
    IndicatorResult r = evaluate(spec, 100.0 * forest / t.land_m2, d);
    r.estimate = land_cover_estimate(ctx, spec, "forest");
    return r;
}

}  // namespace redline
