// redline.report(config) for Python: the indicator report as a dict (report.json), optionally
// writing the report directory as the CLI does.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind_common.hpp"
#include "redline/core/json_text.hpp"
#include "redline/report/report_config.hpp"
#include "redline/report/report_job.hpp"
#include "redline/report/report_writer.hpp"

namespace redline::py {

void bind_report(pyb::module_& m) {
    m.def(
        "report",
        [](const std::string& config, const pyb::object& output_dir, int threads,
           const pyb::object& progress, const pyb::object& cancel) {
            const std::string out =
                output_dir.is_none() ? std::string() : output_dir.cast<std::string>();
            if (!out.empty()) check_report_dir(out);  // before any work
            // Computing polls `cancel`; writing the directory (seconds) does not, so a cancelled
            // call has written nothing and a call that passed the computation writes it whole.
            auto computed = run_interruptible<std::pair<ReportConfig, ReportResult>>(
                [&](ProgressSink* p, const CancelToken* c) {
                    ReportConfig cfg = ReportConfig::load(config);
                    ReportRunOptions ro;
                    ro.threads = threads;
                    ro.progress = p;
                    ro.cancel = c;
                    ReportResult r = compute_report(cfg, ro);
                    return std::make_pair(std::move(cfg), std::move(r));
                },
                progress, cancel);
            return run_interruptible<std::string>(
                [&](ProgressSink*, const CancelToken*) {
                    if (!out.empty())
                        write_report_dir(computed.second, computed.first, out, threads);
                    return json_text(computed.second.to_json());
                },
                pyb::none());
        },
        pyb::arg("config"), pyb::arg("output_dir") = pyb::none(), pyb::arg("threads") = 0,
        pyb::arg("progress") = pyb::none(), pyb::arg("cancel") = pyb::none());
}

}  // namespace redline::py
