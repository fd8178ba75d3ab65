#include "redline/report/indicators/land_cover_totals.hpp"

#include "redline/core/units.hpp"
#include "redline/report/report_context.hpp"

namespace redline {

double LandCoverTotals::group_m2(const ReportContext& ctx, const std::string& group) const {
    double s = 0;
    for (const auto& [k, v] : cover)
        if (ctx.classes().in_group(k, group)) s += v;
    return s;
}

nlohmann::json LandCoverTotals::common_details(const ReportContext& ctx) const {
    return {{"raster", ctx.config().input("landcover_t1")},
            {"class_table", ctx.classes().id()},
            {"raster_valid_km2", units::m2_to_km2(valid_m2)},
            {"raster_nodata_km2", units::m2_to_km2(nodata_m2)},
            {"land_area_km2", units::m2_to_km2(land_m2)}};
}

LandCoverTotals land_cover_totals(ReportContext& ctx) {
    const ZonalReport& zr = ctx.land_cover();
    LandCoverTotals t;
    for (const auto& r : zr.rows) {
        if (r.zone != 0) continue;
        if (r.nodata)
            t.nodata_m2 += r.area_m2;
        else {
            t.cover[r.klass] += r.area_m2;
            t.valid_m2 += r.area_m2;
        }
    }
    t.land_m2 = ctx.layer("land").union_m2;
    return t;
}

}  // namespace redline
