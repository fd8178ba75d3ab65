// Vector operations for Python: area, conflicts, validate, shoreline (path inputs), each returning
// a Table whose write() produces the CLI's files.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>

#include "bind_common.hpp"
#include "bind_inputs.hpp"
#include "py_table.hpp"
#include "redline/core/error.hpp"
#include "redline/ops/overlay/area.hpp"
#include "redline/ops/overlay/conflicts.hpp"
#include "redline/ops/overlay/validate.hpp"
#include "redline/ops/shoreline/shore_class.hpp"
#include "redline/ops/shoreline/shoreline.hpp"

namespace redline::py {
namespace {

template <class Report, class Row>
PyTable table_of(std::shared_ptr<Report> rep, const TableSpec& spec, const std::vector<Row>& rows,
                 std::vector<Value> (Report::*values)(const Row&) const) {
    PyTable t = PyTable::from(spec, rows, *rep, values);
    t.meta = rep->meta;
    t.warnings = rep->warnings;
    return t;
}

PyTable area(const pyb::dict& o, const pyb::object& progress, const pyb::object& cancel) {
    AreaRequest r;
    r.layer = get<std::string>(o, "layer", "");
    r.id_field = get<std::string>(o, "id", "");
    r.dissolve = get<bool>(o, "dissolve", false);
    r.dissolve_by = get<std::string>(o, "dissolve_by", "");
    r.within = get<std::string>(o, "within", "");
    r.policy = overlay_policy(o);
    r.threads = get<int>(o, "threads", 0);
    auto rep = std::make_shared<AreaReport>(run_interruptible<AreaReport>(
        [&](ProgressSink* p, const CancelToken* c) {
            r.progress = p;
            r.cancel = c;
            return run_area(r);
        },
        progress, cancel));
    PyTable t = table_of(rep, rep->table_spec(), rep->rows, &AreaReport::row_values);
    t.summary = rep->summary();
    t.writer = [rep](const std::string& out) { rep->write(out); };
    return t;
}

PyTable conflicts(const pyb::dict& o, const pyb::object& progress, const pyb::object& cancel) {
    ConflictsRequest r;
    r.layers = get<std::vector<std::string>>(o, "layers", {});
    r.id_fields = get<std::vector<std::string>>(o, "ids", {});
    r.min_area_m2 = get<double>(o, "min_area", r.min_area_m2);
    r.self = get<bool>(o, "self", false);
    r.keep_geometry = get<bool>(o, "keep_geometry", false);
    r.policy = overlay_policy(o);
    r.threads = get<int>(o, "threads", 0);
    auto rep = std::make_shared<ConflictsReport>(run_interruptible<ConflictsReport>(
        [&](ProgressSink* p, const CancelToken* c) {
            r.progress = p;
            r.cancel = c;
            return run_conflicts(r);
        },
        progress, cancel));
    PyTable t = table_of(rep, rep->table_spec(false), rep->rows, &ConflictsReport::row_values);
    t.summary = rep->summary_json();
    t.writer = [rep](const std::string& out) { rep->write(out); };
    return t;
}

PyTable validate(const pyb::dict& o, const pyb::object& progress, const pyb::object& cancel) {
    ValidateRequest r;
    r.layer = get<std::string>(o, "layer", "");
    r.id_field = get<std::string>(o, "id", "");
    r.layer_crs = get<std::string>(o, "layer_crs", "");
    r.encoding = get<std::string>(o, "encoding", "");
    r.min_overlap_m2 = get<double>(o, "min_overlap", r.min_overlap_m2);
    r.margin_deg = get<double>(o, "margin_deg", r.margin_deg);
    r.densify_m = get<double>(o, "densify", r.densify_m);
    r.threads = get<int>(o, "threads", 0);
    auto rep = std::make_shared<ValidationReport>(run_interruptible<ValidationReport>(
        [&](ProgressSink* p, const CancelToken* c) {
            r.progress = p;
            r.cancel = c;
            return run_validate(r);
        },
        progress, cancel));
    PyTable t = table_of(rep, rep->table_spec(), rep->problems, &ValidationReport::row_values);
    t.summary = rep->summary_json();
    t.writer = [rep](const std::string& out) { rep->write(out); };
    return t;
}

PyTable shoreline(const pyb::dict& o, const pyb::object& progress, const pyb::object& cancel) {
    ShorelineRequest r;
    r.lines = get<std::string>(o, "lines", "");
    r.lines_crs = get<std::string>(o, "lines_crs", "");
    r.class_field = get<std::string>(o, "class_field", "");
    if (o.contains("natural") && !o["natural"].is_none())
        r.natural_values = o["natural"].cast<std::vector<std::string>>();
    if (o.contains("estuary") && !o["estuary"].is_none())
        r.estuary_values = o["estuary"].cast<std::vector<std::string>>();
    if (o.contains("artificial") && !o["artificial"].is_none())
        r.artificial_values = o["artificial"].cast<std::vector<std::string>>();
    const auto rule = get<std::string>(o, "estuary_rule", "");
    if (!rule.empty()) r.estuary_rule = parse_estuary_rule(rule);
    r.piece_m = get<double>(o, "piece_m", r.piece_m);
    r.by_snap_m = get<double>(o, "by_snap_m", r.by_snap_m);
    r.raster = get<std::string>(o, "raster", "");
    r.band = get<int>(o, "band", r.band);
    r.classes = get<std::string>(o, "classes", r.classes);
    r.artificial_classes = get<std::vector<std::string>>(o, "artificial_classes", {});
    r.buffer_m = get<double>(o, "buffer_m", r.buffer_m);
    const auto side = get<std::string>(o, "land_side", "left");
    if (side != "left" && side != "right")
        fail(ErrorKind::InvalidInput, "land_side must be 'left' or 'right'");
    r.land_side = side == "left" ? Side::Left : Side::Right;
    r.densify_m = get<double>(o, "densify", r.densify_m);
    r.mainland = get<std::string>(o, "mainland", "");
    r.mainland_crs = get<std::string>(o, "mainland_crs", "");
    r.snap_m = get<double>(o, "snap_m", r.snap_m);
    r.by = get<std::string>(o, "by", "");
    r.by_id = get<std::string>(o, "by_id", "");
    r.by_crs = get<std::string>(o, "by_crs", "");
    r.reproject = get<bool>(o, "reproject", false);
    r.make_valid = get<bool>(o, "make_valid", false);
    r.encoding = get<std::string>(o, "encoding", "");
    r.target_percent = get<double>(o, "target", r.target_percent);
    r.keep_pieces = get<bool>(o, "keep_pieces", false);
    r.threads = get<int>(o, "threads", 0);
    auto rep = std::make_shared<ShorelineReport>(run_interruptible<ShorelineReport>(
        [&](ProgressSink* p, const CancelToken* c) {
            r.progress = p;
            r.cancel = c;
            return run_shoreline(r);
        },
        progress, cancel));
    PyTable t = table_of(rep, rep->table_spec(), rep->rows, &ShorelineReport::row_values);
    t.writer = [rep](const std::string& out) { rep->write(out); };
    return t;
}

}  // namespace

void bind_vector(pyb::module_& m) {
    bind_table(m);
    m.def("area", &area, pyb::arg("opts"), pyb::arg("progress") = pyb::none(),
          pyb::arg("cancel") = pyb::none());
    m.def("conflicts", &conflicts, pyb::arg("opts"), pyb::arg("progress") = pyb::none(),
          pyb::arg("cancel") = pyb::none());
    m.def("validate", &validate, pyb::arg("opts"), pyb::arg("progress") = pyb::none(),
          pyb::arg("cancel") = pyb::none());
    m.def("shoreline", &shoreline, pyb::arg("opts"), pyb::arg("progress") = pyb::none(),
          pyb::arg("cancel") = pyb::none());
}

}  // namespace redline::py
