// Map accuracy for Python: sample (stratified random sample of a map) and estimate (areas and
// accuracies with confidence intervals from a labelled sample), the engine calls of
// `redline sample` and `redline estimate` (ops/accuracy/sample_job.hpp, estimate_job.hpp).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>

#include "bind_common.hpp"
#include "bind_inputs.hpp"
#include "py_table.hpp"
#include "redline/core/json_text.hpp"
#include "redline/ops/accuracy/estimate_job.hpp"
#include "redline/ops/accuracy/sample_job.hpp"
#include "redline/ops/change/change_rules.hpp"

namespace redline::py {
namespace {

// map / t0 / t1: paths, or with map_spec / t0_spec / t1_spec raster specs (bind_inputs.hpp)
// opened here and kept alive by `keep`.
accuracy::MapStrataRequest map_request(const pyb::dict& o,
                                       std::vector<std::shared_ptr<RasterHandle>>& keep) {
    accuracy::MapStrataRequest r;
    r.map = get<std::string>(o, "map", "");
    r.t0 = get<std::string>(o, "t0", "");
    r.t1 = get<std::string>(o, "t1", "");
    for (auto [key, path, source] : {std::tuple{"map_spec", &r.map, &r.map_source},
                                     {"t0_spec", &r.t0, &r.t0_source},
                                     {"t1_spec", &r.t1, &r.t1_source}})
        if (o.contains(key) && !o[key].is_none()) {
            keep.push_back(open_raster_spec(o[key].cast<pyb::dict>()));
            *source = keep.back()->source;
            *path = (*source)->info().path;
        }
    if (!r.t0.empty() || !r.t1.empty()) {
        const ClassTable table = ClassTable::load(get<std::string>(o, "classes", "clcd"));
        const auto rules = get<std::string>(o, "rules", "");
        r.transitions = change_rule_strata(
            rules.empty() ? ChangeRules::preset(get<std::string>(o, "preset", "redline"), table)
                          : ChangeRules::load(rules, table));
    }
    r.band = get<int>(o, "band", 1);
    r.zones = get<std::string>(o, "zones", "");
    r.id_field = get<std::string>(o, "id", "");
    r.policy = zone_policy(o);
    r.threads = get<int>(o, "threads", 0);
    return r;
}

PyTable sample(const pyb::dict& o, const pyb::object& progress, const pyb::object& cancel) {
    accuracy::SampleRequest r;
    std::vector<std::shared_ptr<RasterHandle>> rasters;
    r.map = map_request(o, rasters);
    r.size = get<std::uint64_t>(o, "size", 0);
    r.target_se = get<double>(o, "target_se", 0.0);
    r.expected_users_accuracy =
        get<std::map<std::int64_t, double>>(o, "expected_users_accuracy", {});
    r.default_users_accuracy = get<double>(o, "default_users_accuracy", 0.8);
    r.allocation = get<std::string>(o, "allocation", "proportional");
    r.min_per_stratum = get<std::uint64_t>(o, "min_per_stratum", 0);
    r.seed = get<std::uint64_t>(o, "seed", 0);
    auto rep = std::make_shared<accuracy::SampleReport>(run_interruptible<accuracy::SampleReport>(
        [&](ProgressSink* p, const CancelToken* c) {
            r.map.progress = p;
            r.map.cancel = c;
            return accuracy::run_sample(r);
        },
        progress, cancel));
    PyTable t;
    for (const auto& c : rep->table_spec().columns) t.columns.push_back(c.name);
    for (std::size_t i = 0; i < rep->map.selection.size(); ++i)
        t.rows.push_back(rep->row_values(i));
    t.meta = {{"crs_wkt", rep->map.crs_wkt}, {"crs", rep->map.crs_label}};
    t.summary = rep->design_json;
    t.warnings = rep->warnings;
    t.writer = [rep](const std::string& out) { rep->write(out); };
    return t;
}

PyTable estimate(const pyb::dict& o, const pyb::object& progress, const pyb::object& cancel) {
    accuracy::EstimateRequest r;
    r.sample = get<std::string>(o, "sample", "");
    r.stratum_field = get<std::string>(o, "stratum_field", "stratum");
    r.reference_field = get<std::string>(o, "reference_field", "reference");
    std::vector<std::shared_ptr<RasterHandle>> rasters;
    r.map = map_request(o, rasters);
    r.strata_areas = get<std::string>(o, "strata_areas", "");
    r.design = get<std::string>(o, "design", "");
    r.confidence = get<double>(o, "confidence", 0.95);
    r.allow_small = get<bool>(o, "allow_small", false);
    r.drop_unlabelled = get<bool>(o, "drop_unlabelled", false);
    r.allow_unmapped_reference = get<bool>(o, "allow_unmapped_reference", false);
    const std::string output = get<std::string>(o, "output", "");
    const std::string json = get<std::string>(o, "json_output", "");
    auto rep =
        std::make_shared<accuracy::EstimateReport>(run_interruptible<accuracy::EstimateReport>(
            [&](ProgressSink* p, const CancelToken* c) {
                r.map.progress = p;
                r.map.cancel = c;
                auto res = accuracy::run_estimate(r);
                if (!output.empty())
                    res.write(output, json);
                else if (!json.empty())
                    res.write_document(json);
                return res;
            },
            progress, cancel));
    PyTable t;
    for (const auto& c : rep->table_spec().columns) t.columns.push_back(c.name);
    for (const auto& c : rep->estimate.classes) t.rows.push_back(rep->row_values(c));
    t.meta = {{"estimator", rep->estimate.estimator}, {"confidence", rep->estimate.confidence}};
    t.summary = rep->document();
    t.warnings = rep->warnings;
    t.writer = [rep](const std::string& out) { rep->write(out, ""); };
    return t;
}

}  // namespace

void bind_accuracy(pyb::module_& m) {
    m.def("sample", &sample, pyb::arg("opts"), pyb::arg("progress") = pyb::none(),
          pyb::arg("cancel") = pyb::none());
    m.def("estimate", &estimate, pyb::arg("opts"), pyb::arg("progress") = pyb::none(),
          pyb::arg("cancel") = pyb::none());
}

}  // namespace redline::py
