#include "redline/report/indicators/ecr_nature_unchanged.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "redline/core/memory.hpp"
#include "redline/core/units.hpp"
#include "redline/ops/change/change_job.hpp"
#include "redline/report/indicators/sample_estimate.hpp"
#include "redline/report/report_context.hpp"

namespace redline {
namespace {

// The change matrix over the redline aggregated by class pair, km2, for report.json.
nlohmann::json aggregated_matrix(const ChangeReport& change, const ClassTable& classes) {
    std::set<std::int64_t> codes;
    std::map<std::pair<std::int64_t, std::int64_t>, double> agg;
    for (const auto& r : change.matrix) {
        codes.insert(r.from);
        codes.insert(r.to);
        agg[{r.from, r.to}] += units::m2_to_km2(r.area_m2);
    }
    std::vector<std::int64_t> cl(codes.begin(), codes.end());
    nlohmann::json names = nlohmann::json::array(), rows = nlohmann::json::array();
    for (auto c : cl) {
        auto n = classes.name_of(c);
        names.push_back(c == kNodataClass ? std::string("nodata") : n ? *n : std::to_string(c));
    }
    for (auto a : cl) {
        nlohmann::json row = nlohmann::json::array();
        for (auto b : cl) {
            auto it = agg.find({a, b});
            row.push_back(it == agg.end() ? 0.0 : it->second);
        }
        rows.push_back(row);
    }
    return {{"zones", "redline"}, {"classes", names}, {"areas_km2", rows}};
}

}  // namespace

IndicatorResult EcrNatureUnchanged::compute(ReportContext& ctx, const IndicatorSpec& spec) const {
    const ReportConfig& cfg = ctx.config();
    const ReportOptions& opt = ctx.options();
    ChangeRequest cq;
    cq.t0 = cfg.input("landcover_t0");
    cq.t1 = cfg.input("landcover_t1");
    cq.zones = cfg.input("redline");
    cq.policy.reproject = opt.reproject;
    cq.policy.make_valid = opt.make_valid;
    cq.policy.naming.config_prefix = "options.";
    cq.policy.naming.crs_option = "";
    cq.policy.encoding = opt.encoding;
    cq.preset = "redline";
    cq.classes = cfg.input("classes");
    cq.mmu_pixels = opt.mmu_pixels;
    cq.connectivity = opt.connectivity;
    cq.permitted = cfg.input("permitted");
    cq.mode = opt.mode;
    cq.consume_geometry = true;
    // The change job takes the context's redline union (no second read and dissolve: union
    // semantics, a cell under overlapping redline polygons counts once) and consumes it while
    // building its zone set; the map keeps a thinned outline.
    ctx.redline_outline();
    ReportLayer& redline = ctx.layer("redline");
    PolygonLayer rz;
    rz.label = redline.layer.label;
    rz.path = redline.layer.path;
    rz.crs = ctx.reference_crs();
    rz.source_crs_label = ctx.reference_crs().label;
    rz.ids = {"all"};
    // push_back, not `= {...}`: an initializer list would copy the union (54 M vertices
    // nationally, ~0.9 GB) instead of moving it.
    rz.geoms.push_back(redline.uni.take());
    rz.features = redline.layer.features;
    redline.released = true;
    ctx.change = ctx.stage("landcover_t0", [&] {
        const ExecutionContext run{ctx.threads(), ctx.run().progress, ctx.cancel()};
        const ChangeJob job = ChangeJob::from_request(cq, std::move(rz), run);
        return job.report(job.run_local(run));
    });
    release_free_memory();
    ctx.lap("ecr_nature_unchanged: change in the redline");
    const ChangeReport& change = *ctx.change;
    double value = 0;
    std::map<std::string, std::pair<std::int64_t, double>> by_status;
    for (const auto& p : change.patches) {
        auto& s = by_status[p.status];
        ++s.first;
        s.second += p.area_m2;
        if (p.status != "permitted") value += p.area_m2;
    }
    std::vector<const ChangePatchRow*> largest;
    for (const auto& p : change.patches)
        if (p.status != "permitted") largest.push_back(&p);
    std::stable_sort(largest.begin(), largest.end(),
                     [](auto* a, auto* b) { return a->area_m2 > b->area_m2; });
    nlohmann::json top = nlohmann::json::array();
    for (std::size_t i = 0; i < largest.size() && i < 10; ++i) {
        const auto* p = largest[i];
        top.push_back({{"patch_id", p->patch_id},
                       {"zone", change.zone_names[p->zone]},
                       {"status", p->status},
                       {"from", p->from},
                       {"to", p->to},
                       {"pixels", p->pixels},
                       {"area_m2", p->area_m2},
                       {"lon", p->lon},
                       {"lat", p->lat}});
    }
    nlohmann::json d = {
        {"largest", top}, {"mmu_pixels", opt.mmu_pixels}, {"connectivity", opt.connectivity}};
    for (const char* st : {"violation", "below-mmu", "permitted"}) {
        const auto it = by_status.find(st);
        d[std::string(st) + "_patches"] = it == by_status.end() ? 0 : it->second.first;
        d[std::string(st) + "_m2"] = it == by_status.end() ? 0.0 : it->second.second;
    }
    IndicatorResult result = evaluate(spec, value, d);
    result.estimate = conversion_estimate(ctx, spec);
    ctx.warn(change.warnings);
    ctx.change_matrix = aggregated_matrix(change, ctx.classes());
    return result;
}

}  // namespace redline
