// ChangeJob for Python: prepare from paths, run locally or by task ranges, merge partials.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>

#include "bind_common.hpp"
#include "bind_inputs.hpp"
#include "bind_tiled_job.hpp"
#include "py_table.hpp"
#include "redline/core/json_text.hpp"
#include "redline/exec/memory_budget.hpp"
#include "redline/ops/change/change_job.hpp"
#include "redline/ops/change/survey_change.hpp"

namespace redline::py {
namespace {

struct PyChangeReport {
    std::shared_ptr<ChangeReport> rep;
};

struct PyChangeJob {
    std::shared_ptr<ChangeJob> job;
    std::vector<std::shared_ptr<RasterHandle>> rasters;  // keep arrays / fetchers alive
};

// t0 / t1: a path, or with t0_spec / t1_spec a raster spec (bind_inputs.hpp) opened here and
// kept alive by `keep`.
ChangeRequest request_of(const pyb::dict& o, std::vector<std::shared_ptr<RasterHandle>>& keep) {
    ChangeRequest r;
    r.t0 = get<std::string>(o, "t0", "");
    r.t1 = get<std::string>(o, "t1", "");
    for (auto [key, source] : {std::pair{"t0_spec", &r.t0_source}, {"t1_spec", &r.t1_source}})
        if (o.contains(key) && !o[key].is_none()) {
            keep.push_back(open_raster_spec(o[key].cast<pyb::dict>()));
            *source = keep.back()->source;
        }
    r.band = get<int>(o, "band", r.band);
    r.zones = get<std::string>(o, "zones", "");
    r.id_field = get<std::string>(o, "id", "");
    r.policy = zone_policy(o);
    r.preset = get<std::string>(o, "preset", r.preset);
    r.rules_path = get<std::string>(o, "rules", "");
    r.classes = get<std::string>(o, "classes", r.classes);
    r.mmu_pixels = get<int>(o, "mmu_pixels", r.mmu_pixels);
    r.connectivity = get<int>(o, "connectivity", r.connectivity);
    r.permitted = get<std::string>(o, "permitted", "");
    r.permitted_min_share = get<double>(o, "permitted_min_share", r.permitted_min_share);
    r.mode = get<std::string>(o, "mode", r.mode);
    r.tile_size = get<std::int64_t>(o, "tile_size", r.tile_size);
    const auto max_memory = get<std::string>(o, "max_memory", "");
    if (!max_memory.empty()) r.max_memory = parse_byte_size(max_memory, "max_memory");
    r.patch_geometry = get<bool>(o, "patch_geometry", false);
    return r;
}

PyTable matrix_table(const std::shared_ptr<ChangeReport>& rep) {
    PyTable t;
    t.columns = {"zone", "from", "to", "area_m2", "cells", "from_name", "to_name"};
    auto code = [](std::int64_t c) {
        return c == kNodataClass ? std::string("nodata") : std::to_string(c);
    };
    auto name = [&](std::int64_t c) {
        if (c == kNodataClass) return std::string("nodata");
        auto n = rep->classes.name_of(c);
        return n ? *n : std::to_string(c);
    };
    for (const auto& r : rep->matrix)
        t.rows.push_back({rep->zone_names[r.zone], code(r.from), code(r.to), r.area_m2, r.cells,
                          name(r.from), name(r.to)});
    t.meta = rep->meta;
    t.summary = rep->summary_json();
    t.warnings = rep->warnings;
    t.writer = [rep](const std::string& out) { rep->write_matrix(out); };
    return t;
}

PyTable patch_table(const std::shared_ptr<ChangeReport>& rep) {
    PyTable t;
    t.columns = {"patch_id",        "zone",      "rule",   "from", "to",  "pixels",
                 "area_m2",         "x",         "y",      "lon",  "lat", "status",
                 "permitted_share", "from_name", "to_name"};
    auto code = [](std::int64_t c) {
        return c == kNodataClass ? std::string("nodata") : std::to_string(c);
    };
    auto name = [&](std::int64_t c) {
        if (c == kNodataClass) return std::string("nodata");
        auto n = rep->classes.name_of(c);
        return n ? *n : std::to_string(c);
    };
    for (const auto& p : rep->patches)
        t.rows.push_back({p.patch_id, rep->zone_names[p.zone], p.rule, code(p.from), code(p.to),
                          p.pixels, p.area_m2, p.x, p.y, p.lon, p.lat, p.status, p.permitted_share,
                          name(p.from), name(p.to)});
    t.meta = rep->meta;
    t.summary = rep->summary_json();
    t.warnings = rep->warnings;
    t.writer = [rep](const std::string& out) { rep->write_patches(out); };
    return t;
}

// `change` with two survey layers (t0_layer, t1_layer, class_field): (matrix, patches).
pyb::tuple survey_change(const pyb::dict& o, const pyb::object& progress,
                         const pyb::object& cancel) {
    SurveyChangeRequest r;
    r.t0_layer = get<std::string>(o, "t0_layer", "");
    r.t1_layer = get<std::string>(o, "t1_layer", "");
    r.class_field = get<std::string>(o, "class_field", "");
    r.zones = get<std::string>(o, "zones", "");
    r.id_field = get<std::string>(o, "id", "");
    r.dissolve = get<bool>(o, "dissolve", false);
    r.dissolve_by = get<std::string>(o, "dissolve_by", "");
    r.preset = get<std::string>(o, "preset", r.preset);
    r.rules_path = get<std::string>(o, "rules", "");
    r.classes = get<std::string>(o, "classes", r.classes);
    r.mmu_m2 = get<double>(o, "mmu_m2", 0.0);
    r.permitted = get<std::string>(o, "permitted", "");
    r.permitted_min_share = get<double>(o, "permitted_min_share", r.permitted_min_share);
    const std::string convention = get<std::string>(o, "area_convention", "");
    if (!convention.empty()) r.convention = parse_area_convention(convention);
    r.on_overlap = parse_on_overlap(get<std::string>(o, "on_overlap", "error"));
    r.patch_geometry = get<bool>(o, "patch_geometry", false);
    r.policy = overlay_policy(o);
    r.threads = get<int>(o, "threads", 0);
    auto rep = std::make_shared<SurveyChangeReport>(run_interruptible<SurveyChangeReport>(
        [&](ProgressSink* p, const CancelToken* c) {
            r.progress = p;
            r.cancel = c;
            return run_survey_change(r);
        },
        progress, cancel));
    PyTable m =
        PyTable::from(change_matrix_spec(), rep->matrix, *rep, &SurveyChangeReport::matrix_values);
    PyTable p = PyTable::from(change_patch_spec(false, ""), rep->patches, *rep,
                              &SurveyChangeReport::patch_values);
    for (PyTable* t : {&m, &p}) {
        t->meta = rep->meta;
        t->summary = change_summary_json(rep->summary);
        t->warnings = rep->warnings;
    }
    p.warnings.clear();  // once, with the matrix
    m.writer = [rep](const std::string& out) { rep->write_matrix(out); };
    p.writer = [rep](const std::string& out) { rep->write_patches(out); };
    return pyb::make_tuple(m, p);
}

}  // namespace

void bind_change(pyb::module_& m) {
    m.def("survey_change", &survey_change, pyb::arg("opts"), pyb::arg("progress") = pyb::none(),
          pyb::arg("cancel") = pyb::none());
    pyb::class_<PyChangeReport>(m, "ChangeReport")
        .def("matrix", [](const PyChangeReport& r) { return matrix_table(r.rep); })
        .def("patches", [](const PyChangeReport& r) { return patch_table(r.rep); })
        .def("summary_json",
             [](const PyChangeReport& r) { return json_text(r.rep->summary_json()); })
        .def("summary_text", [](const PyChangeReport& r) { return r.rep->summary_text(); });

    pyb::class_<PyChangeJob> job_class(m, "ChangeJob");
    job_class.def_static(
        "prepare",
        [](const pyb::dict& opts, const pyb::object& cancel) {
            PyChangeJob out;
            ChangeRequest req = request_of(opts, out.rasters);
            const ExecutionContext prep{get<int>(opts, "threads", 0), nullptr, nullptr};
            out.job = run_interruptible<std::shared_ptr<ChangeJob>>(
                [&](ProgressSink*, const CancelToken*) {
                    return std::make_shared<ChangeJob>(ChangeJob::from_request(req, prep));
                },
                pyb::none(), cancel);
            return out;
        },
        pyb::arg("opts"), pyb::arg("cancel") = pyb::none());
    def_tiled_job<ChangeJob>(job_class, [](const ChangeJob& job, ChangeResult&& merged) {
        return PyChangeReport{std::make_shared<ChangeReport>(job.report(std::move(merged)))};
    });
}

}  // namespace redline::py
