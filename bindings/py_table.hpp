#pragma once
// A finished table for Python: column names, rows of values (as the CLI writes them), metadata,
// an optional summary, warnings, and a writer that produces the CLI's files byte for byte.
#include <pybind11/pybind11.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "redline/io/table_writer.hpp"

namespace redline::py {

namespace pyb = pybind11;

struct PyTable {
    std::vector<std::string> columns;
    std::vector<std::vector<Value>> rows;
    nlohmann::json meta;
    nlohmann::json summary;
    std::vector<std::string> warnings;
    std::function<void(const std::string&)> writer;

    template <class Report, class Row>
    static PyTable from(const TableSpec& spec, const std::vector<Row>& rows, const Report& rep,
                        std::vector<Value> (Report::*values)(const Row&) const) {
        PyTable t;
        for (const auto& c : spec.columns) t.columns.push_back(c.name);
        t.rows.reserve(rows.size());
        for (const auto& r : rows) t.rows.push_back((rep.*values)(r));
        return t;
    }

    // {column: list} for pandas.
    pyb::dict to_columns() const;
};

void bind_table(pyb::module_& m);

}  // namespace redline::py
