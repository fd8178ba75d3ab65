#pragma once
// The tiled-job protocol (exec/tiled_job.hpp) for Python, one definition for every job class
// (ZonalJob, ChangeJob): `run` (every task in this process, with progress and cancel, through
// ops/job_driver.hpp's run_job), `run_part` (a task range on a Dask worker, returned as the
// exact partial's bytes), `finish` (merge_partials, then the report), `task_count`,
// `serialize` / `deserialize`. redline.distributed relies on these names.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bind_common.hpp"
#include "redline/ops/job_driver.hpp"

namespace redline::py {

// PyJob holds `std::shared_ptr<Job> job`. `report(const Job&, Merged&&)` turns a merged result
// into the Python report object (it runs with the GIL released).
template <class Job, class PyJob, class ReportFn>
void def_tiled_job(pyb::class_<PyJob>& cls, ReportFn report) {
    using Partial = typename Job::partial_type;
    using Merged = typename Job::merged_type;
    using PyReport = decltype(report(std::declval<const Job&>(), std::declval<Merged&&>()));
    cls.def("task_count", [](const PyJob& j) { return j.job->task_count(); })
        .def(
            "run",
            [report](const PyJob& j, const pyb::object& progress, int threads,
                     const pyb::object& cancel) {
                std::shared_ptr<Job> job = j.job;
                return run_interruptible<PyReport>(
                    [&](ProgressSink* p, const CancelToken* c) {
                        return report(*job, run_job(*job, ExecutionContext{threads, p, c}));
                    },
                    progress, cancel);
            },
            pyb::arg("progress") = pyb::none(), pyb::arg("threads") = 0,
            pyb::arg("cancel") = pyb::none(), "Run every task here and report")
        .def(
            "run_part",
            [](const PyJob& j, std::size_t begin, std::size_t end, int threads) {
                std::shared_ptr<Job> job = j.job;
                std::string bytes = run_interruptible<std::string>(
                    [&](ProgressSink*, const CancelToken* c) {
                        return job->run(begin, end, ExecutionContext{threads, nullptr, c})
                            .serialize();
                    },
                    pyb::none());
                return pyb::bytes(bytes);
            },
            pyb::arg("begin"), pyb::arg("end"), pyb::arg("threads") = 0,
            "Run tasks [begin, end) and return the exact partial result as bytes")
        .def(
            "finish",
            [report](const PyJob& j, const std::vector<std::string>& parts) {
                pyb::gil_scoped_release release;
                std::vector<Partial> partials;
                partials.reserve(parts.size());
                for (const auto& p : parts) partials.push_back(Partial::deserialize(p));
                return report(*j.job, merge_partials(*j.job, std::move(partials)));
            },
            pyb::arg("parts"),
            "Merge partial results (any order; together they cover every task once) and report")
        .def("serialize", [](const PyJob& j) { return pyb::bytes(j.job->serialize()); })
        // `b`: the bytes of serialize(), or any contiguous buffer of them (redline.distributed
        // ships them as a numpy uint8 view, which Dask sends without pickling).
        .def_static("deserialize", [](const pyb::buffer& b) {
            const pyb::buffer_info info = b.request();
            if (info.ndim != 1 || info.strides[0] != info.itemsize)
                fail(ErrorKind::InvalidInput,
                     "a serialized job must be bytes or a 1-D contiguous buffer");
            std::string s(static_cast<const char*>(info.ptr),
                          static_cast<std::size_t>(info.size * info.itemsize));
            PyJob out;
            pyb::gil_scoped_release release;
            out.job = std::make_shared<Job>(Job::deserialize(s));
            return out;
        });
}

}  // namespace redline::py
