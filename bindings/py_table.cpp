#include "py_table.hpp"

#include <pybind11/stl.h>

#include "bind_common.hpp"
#include "redline/core/json_text.hpp"

namespace redline::py {

pyb::dict PyTable::to_columns() const {
    std::vector<pyb::list> cols(columns.size());
    for (const auto& row : rows)
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const Value& v = i < row.size() ? row[i] : Value{};
            if (const auto* iv = std::get_if<std::int64_t>(&v))
                cols[i].append(*iv);
            else if (const auto* dv = std::get_if<double>(&v))
                cols[i].append(*dv);
            else if (const auto* sv = std::get_if<std::string>(&v))
                cols[i].append(*sv);
            else
                cols[i].append(pyb::none());
        }
    pyb::dict d;
    for (std::size_t i = 0; i < columns.size(); ++i) d[pyb::str(columns[i])] = cols[i];
    return d;
}

void bind_table(pyb::module_& m) {
    pyb::class_<PyTable>(m, "Table")
        .def_readonly("column_names", &PyTable::columns)
        .def("columns", &PyTable::to_columns)
        .def("meta_json", [](const PyTable& t) { return json_text(t.meta); })
        .def("summary_json", [](const PyTable& t) { return json_text(t.summary); })
        .def("warnings", [](const PyTable& t) { return t.warnings; })
        .def(
            "write",
            [](const PyTable& t, const std::string& output) {
                pyb::gil_scoped_release release;
                t.writer(output);
            },
            pyb::arg("output"));
}

}  // namespace redline::py
