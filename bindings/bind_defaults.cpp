// redline._core.defaults(): the defaults of the engine's request structs, by Python function and
// parameter name. The Python signatures repeat them for help(); tests/python/test_option_sets.py
// checks that they agree, so each default is defined once, in C++.
#include <pybind11/pybind11.h>

#include "bind_common.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/ops/change/change_job.hpp"
#include "redline/ops/overlay/conflicts.hpp"
#include "redline/ops/overlay/validate.hpp"
#include "redline/ops/shoreline/shoreline.hpp"
#include "redline/ops/tabulate/tabulate.hpp"
#include "redline/ops/zonal/zonal_job.hpp"

namespace redline::py {
namespace {

pyb::dict policy_defaults(const LayerPolicy& p, bool densify) {
    pyb::dict d;
    d["reproject"] = p.reproject;
    if (densify) d["densify"] = p.densify_m;
    d["make_valid"] = p.make_valid;
    return d;
}

pyb::dict defaults() {
    pyb::dict all;
    {
        const ZonalRequest r;
        pyb::dict d = policy_defaults(r.policy, true);
        d["band"] = r.band;
        d["mode"] = r.job.mode;
        d["tile_size"] = r.job.tile_size;
        all["zonal"] = d;
    }
    {
        const ChangeRequest r;
        pyb::dict d = policy_defaults(r.policy, false);
        d["band"] = r.band;
        d["preset"] = r.preset;
        d["classes"] = r.classes;
        d["mmu_pixels"] = r.mmu_pixels;
        d["connectivity"] = r.connectivity;
        d["permitted_min_share"] = r.permitted_min_share;
        d["mode"] = r.mode;
        d["tile_size"] = r.tile_size;
        all["change"] = d;
    }
    all["area"] = policy_defaults(LayerPolicy::overlay(), true);
    {
        const ConflictsRequest r;
        pyb::dict d = policy_defaults(r.policy, true);
        d["min_area"] = r.min_area_m2;
        all["conflicts"] = d;
    }
    {
        const ValidateRequest r;
        pyb::dict d;
        d["min_overlap"] = r.min_overlap_m2;
        all["validate"] = d;
    }
    {
        const TabulateRequest r;
        pyb::dict d = policy_defaults(r.policy, true);
        d["max_examples"] = r.max_examples;
        all["tabulate"] = d;
    }
    {
        const ShorelineRequest r;
        pyb::dict d;
        d["band"] = r.band;
        d["classes"] = r.classes;
        d["buffer_m"] = r.buffer_m;
        d["land_side"] = r.land_side == Side::Left ? "left" : "right";
        d["piece_m"] = r.piece_m;
        d["densify"] = r.densify_m;
        d["snap_m"] = r.snap_m;
        d["by_snap_m"] = r.by_snap_m;
        d["reproject"] = r.reproject;
        d["make_valid"] = r.make_valid;
        d["target"] = r.target_percent;
        d["estuary_rule"] = estuary_rule_name(r.estuary_rule);
        all["shoreline"] = d;
    }
    return all;
}

}  // namespace

void bind_defaults(pyb::module_& m) {
    m.def("defaults", &defaults,
          "Defaults of the engine's request structs: {function: {parameter: value}}");
}

}  // namespace redline::py
