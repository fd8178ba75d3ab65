#include "redline/report/indicators/natural_shoreline_share.hpp"

#include <cmath>

#include "redline/ops/shoreline/shoreline.hpp"
#include "redline/report/report_context.hpp"

namespace redline {

IndicatorResult NaturalShorelineShare::compute(ReportContext& ctx,
                                               const IndicatorSpec& spec) const {
    const ReportConfig& cfg = ctx.config();
    const ReportOptions& opt = ctx.options();
    const ReportRegions& regions = ctx.regions();
    ShorelineRequest sr;
    sr.lines = cfg.input("shoreline");
    sr.class_field = cfg.input("shoreline_class_field");
    if (cfg.input_list("shoreline_natural").size())
        sr.natural_values = cfg.input_list("shoreline_natural");
    if (cfg.input_list("shoreline_estuary").size())
        sr.estuary_values = cfg.input_list("shoreline_estuary");
    if (cfg.input_list("shoreline_artificial").size())
        sr.artificial_values = cfg.input_list("shoreline_artificial");
    sr.mainland = cfg.input("shoreline_mainland");
    if (!regions.empty()) {
        sr.by = cfg.input("regions");
        sr.by_id = cfg.input("regions_id");
        sr.by_snap_m = opt.shoreline_region_snap_m;
    }
    sr.reproject = opt.reproject;
    sr.make_valid = opt.make_valid;
    sr.encoding = opt.encoding;
    sr.crs_options = false;
    sr.config_prefix = "options.";
    sr.threads = ctx.threads();
    sr.cancel = ctx.cancel();
    const ShorelineReport sh = ctx.stage("shoreline", [&] { return run_shoreline(sr); });
    ctx.lap("natural_shoreline_share: shoreline");
    const ShorelineTotals& t = sh.rows.at(0).totals;
    nlohmann::json d = {
        {"natural_km", t.natural_m / 1000.0},
        {"artificial_km", t.artificial_m / 1000.0},
        {"estuary_km", t.estuary_m / 1000.0},
        {"total_km", t.total_m() / 1000.0},
        {"lengths", "geodesic on CGCS2000; estuaries count in the total, not as natural"}};
    if (sh.has_mainland) d["island_km"] = t.island_m / 1000.0;
    IndicatorResult result = evaluate(spec, t.share_percent(), d);
    // Per region (rows after the first), for the region table.
    ctx.region_shoreline_share.assign(regions.size(), std::nan(""));
    for (std::size_t i = 1; i < sh.rows.size(); ++i)
        for (std::size_t r = 0; r < regions.size(); ++r)
            if (sh.rows[i].region == regions.names[r])
                ctx.region_shoreline_share[r] = sh.rows[i].totals.share_percent();
    ctx.shoreline_computed = true;
    ctx.warn(sh.warnings);
    return result;
}

}  // namespace redline
