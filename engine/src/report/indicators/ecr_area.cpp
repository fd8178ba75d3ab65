#include "redline/report/indicators/ecr_area.hpp"

#include "redline/core/units.hpp"
#include "redline/report/report_context.hpp"

namespace redline {

IndicatorResult EcrArea::compute(ReportContext& ctx, const IndicatorSpec& spec) const {
    const ReportLayer& redline = ctx.layer("redline");
    nlohmann::json d = {{"union_m2", redline.union_m2},
                        {"sum_of_parts_m2", redline.sum_m2},
                        {"overlap_m2", redline.sum_m2 - redline.union_m2},
                        {"features", redline.layer.features}};
    if (ctx.config().has("land")) {
        const ReportLayer& land = ctx.layer("land");
        const double on_land = redline.uni.overlap_area_m2(land.uni, ctx.area_calculator(),
                                                           ctx.threads(), ctx.cancel());
        d["land_part_km2"] = units::m2_to_km2(on_land);
        d["marine_part_km2"] = units::m2_to_km2(redline.union_m2 - on_land);
        d["land_part_share_of_land_percent"] = 100.0 * on_land / land.union_m2;
    }
    ctx.lap("ecr_area: redline on land");
    return evaluate(spec, units::m2_to_km2(redline.union_m2), d);
}

}  // namespace redline
