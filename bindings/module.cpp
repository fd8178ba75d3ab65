// redline._core: the engine for Python. The pure-Python package (bindings/redline) wraps it into
// pandas DataFrames; see `help(redline)`.
#include <pybind11/pybind11.h>

#include "bind_common.hpp"
#include "redline/ops/provenance.hpp"

namespace pyb = pybind11;

namespace redline::py {

namespace {
PyObject* g_cancelled = nullptr;  // owned by the module for the life of the interpreter
}  // namespace

PyObject* cancelled_error() { return g_cancelled; }

void register_errors(pyb::module_& m) {
    // redline.Cancelled: the caller's `cancel` stopped the run (Ctrl-C raises KeyboardInterrupt).
    g_cancelled = PyErr_NewExceptionWithDoc(
        "redline.Cancelled",
        "The run was stopped because the caller's cancel() returned true; nothing was written.",
        PyExc_Exception, nullptr);
    if (g_cancelled == nullptr) throw pyb::error_already_set();
    m.attr("Cancelled") = pyb::handle(g_cancelled);
    pyb::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const Error& e) {
            const std::string msg = render_for_python(e.what());
            switch (e.kind()) {
                case ErrorKind::InvalidInput:
                    PyErr_SetString(PyExc_ValueError, msg.c_str());
                    return;
                case ErrorKind::Io:
                    PyErr_SetString(PyExc_OSError, msg.c_str());
                    return;
                case ErrorKind::Unsupported:
                    PyErr_SetString(PyExc_NotImplementedError, msg.c_str());
                    return;
                case ErrorKind::Cancelled:
                    PyErr_SetString(PyExc_KeyboardInterrupt, msg.c_str());
                    return;
                case ErrorKind::Internal:
                    PyErr_SetString(PyExc_RuntimeError, msg.c_str());
                    return;
            }
        }
    });
}

}  // namespace redline::py

PYBIND11_MODULE(_core, m) {
    m.doc() = "redline engine bindings (use the `redline` package, not this module directly)";
    redline::py::register_errors(m);
    m.def(
        "provenance", [] { return redline::engine_provenance().dump(); },
        "JSON with the engine and GDAL/GEOS/PROJ versions");
    // Warnings arrive with option markers (core/option_name.hpp): the package shows them as
    // `name=` and keeps the CLI's words in DataFrame.attrs, as in the files' metadata.
    m.def(
        "render_for_python", [](const std::string& s) { return redline::render_for_python(s); },
        "An engine text with its option markers as Python keyword arguments (densify=)");
    m.def(
        "render_for_cli", [](const std::string& s) { return redline::render_for_cli(s); },
        "An engine text with its option markers as the CLI's flags (--densify)");
    redline::py::bind_zonal(m);
    redline::py::bind_change(m);
    redline::py::bind_vector(m);
    redline::py::bind_report(m);
    redline::py::bind_tabulate(m);
    redline::py::bind_accuracy(m);
    redline::py::bind_defaults(m);
}
