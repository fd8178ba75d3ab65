// redline.tabulate for Python: class areas of a land-use survey layer inside zones (path inputs),
// returning a Table whose write() produces the CLI's files.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>

#include "bind_common.hpp"
#include "bind_inputs.hpp"
#include "py_table.hpp"
#include "redline/ops/tabulate/tabulate.hpp"

namespace redline::py {
namespace {

pyb::tuple tabulate(const pyb::dict& o, const pyb::object& progress, const pyb::object& cancel) {
    TabulateRequest r;
    r.landuse = get<std::string>(o, "landuse", "");
    r.class_field = get<std::string>(o, "class_field", "");
    r.deduct_field = get<std::string>(o, "deduct_field", "");
    r.zones = get<std::string>(o, "zones", "");
    r.id_field = get<std::string>(o, "id", "");
    r.dissolve = get<bool>(o, "dissolve", false);
    r.dissolve_by = get<std::string>(o, "dissolve_by", "");
    r.classes = get<std::string>(o, "classes", "");
    r.level = get<int>(o, "level", 0);
    const std::string convention = get<std::string>(o, "area_convention", "");
    if (!convention.empty()) r.convention = parse_area_convention(convention, "area_convention");
    const std::string on_overlap = get<std::string>(o, "on_overlap", "error");
    if (on_overlap != "error" && on_overlap != "first")
        fail(ErrorKind::InvalidInput,
             "on_overlap must be 'error' or 'first', got '" + on_overlap + "'");
    r.on_overlap = parse_on_overlap(on_overlap);
    r.max_examples = get<std::size_t>(o, "max_examples", r.max_examples);
    r.check_field = get<std::string>(o, "check_field", "");
    const std::string tolerance = get<std::string>(o, "check_tolerance", "");
    if (!tolerance.empty()) {
        if (r.check_field.empty())
            fail(ErrorKind::InvalidInput, "check_tolerance needs check_field (e.g. 'TBMJ')");
        r.check_tolerance = parse_check_tolerance(tolerance, "check_tolerance");
    }
    r.policy = overlay_policy(o);
    r.threads = get<int>(o, "threads", 0);
    auto rep = std::make_shared<TabulateReport>(run_interruptible<TabulateReport>(
        [&](ProgressSink* p, const CancelToken* c) {
            r.progress = p;
            r.cancel = c;
            return run_tabulate(r);
        },
        progress, cancel));
    PyTable t = PyTable::from(rep->table_spec(), rep->rows, *rep, &TabulateReport::row_values);
    t.meta = rep->meta;
    t.warnings = rep->warnings;
    t.summary = rep->summary();
    t.writer = [rep](const std::string& out) { rep->write(out); };
    if (r.check_field.empty()) return pyb::make_tuple(t, pyb::none());
    PyTable c = PyTable::from(rep->check.table_spec(false), rep->check.rows, rep->check,
                              &AreaCheck::row_values);
    c.meta = rep->check.meta;
    c.summary = rep->check.summary();
    c.writer = [rep](const std::string& out) { rep->check.write(out); };
    return pyb::make_tuple(t, c);
}

}  // namespace

void bind_tabulate(pyb::module_& m) {
    m.def("tabulate", &tabulate, pyb::arg("opts"), pyb::arg("progress") = pyb::none(),
          pyb::arg("cancel") = pyb::none());
}

}  // namespace redline::py
