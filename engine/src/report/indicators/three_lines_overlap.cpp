#include "redline/report/indicators/three_lines_overlap.hpp"

#include "redline/core/memory.hpp"
#include "redline/ops/overlay/conflicts.hpp"
#include "redline/report/report_context.hpp"

namespace redline {

IndicatorResult ThreeLinesOverlap::compute(ReportContext& ctx, const IndicatorSpec& spec) const {
    const ReportConfig& cfg = ctx.config();
    ConflictsRequest cr;
    cr.layers = {cfg.input("redline"), cfg.input("cropland"), cfg.input("urban")};
    cr.min_area_m2 = ctx.options().min_overlap_m2;
    cr.policy = ctx.layer_policy();
    cr.threads = ctx.threads();
    cr.cancel = ctx.cancel();
    cr.keep_geometry = true;  // the overlaps are drawn on the interactive map
    // The layers are read and checked once: the planning layers' step unites them.
    std::vector<PolygonLayer> layers;
    ConflictsReport rep = ctx.stage("urban", [&] { return run_conflicts(cr, &layers); });
    const char* keys[] = {"redline", "cropland", "urban"};
    for (std::size_t i = 0; i < layers.size(); ++i)
        ctx.use_conformed_layer(keys[i], std::move(layers[i]));
    double total = 0;
    std::size_t count = 0;
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& s : rep.summaries) {
        total += s.area_m2;
        count += s.conflicts;
        pairs.push_back({{"layer_a", rep.layer_labels[s.layer_a]},
                         {"layer_b", rep.layer_labels[s.layer_b]},
                         {"conflicts", s.conflicts},
                         {"area_m2", s.area_m2},
                         {"slivers", s.slivers},
                         {"sliver_area_m2", s.sliver_area_m2}});
    }
    ctx.warn(rep.warnings);
    ctx.conflicts = std::move(rep);
    release_free_memory();  // what the overlap search held
    ctx.lap("three_lines_overlap: conflicts");
    return evaluate(
        spec, total,
        {{"pairs", pairs}, {"conflicts", count}, {"min_overlap_m2", ctx.options().min_overlap_m2}});
}

}  // namespace redline
