// ZonalJob for Python: prepare (from paths or from numpy + WKB), run locally or by task ranges,
// merge partial results, report as columns, write the CLI's file formats.
#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>

#include "bind_common.hpp"
#include "bind_inputs.hpp"
#include "bind_tiled_job.hpp"
#include "redline/core/json_text.hpp"
#include "redline/exec/memory_budget.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/ops/zonal/zonal_job.hpp"

namespace redline::py {
namespace {

struct PyZonalReport {
    ZonalReport rep;

    // With several rasters, "raster_index" (int64, the raster of each row) comes first; the
    // package turns it into the time / band / raster column.
    pyb::dict columns() const {
        const std::size_t n = rep.rows.size();
        pyb::array_t<std::int64_t> raster_index(static_cast<pyb::ssize_t>(n));
        auto ri = raster_index.mutable_unchecked<1>();
        pyb::list zone, klass, class_name;
        pyb::array_t<double> area(static_cast<pyb::ssize_t>(n)),
            share(static_cast<pyb::ssize_t>(n)), cells(static_cast<pyb::ssize_t>(n));
        auto a = area.mutable_unchecked<1>();
        auto s = share.mutable_unchecked<1>();
        auto c = cells.mutable_unchecked<1>();
        for (std::size_t i = 0; i < n; ++i) {
            const ZonalRow& r = rep.rows[i];
            const auto v = rep.row_values(r);
            const std::size_t o = rep.raster_names.empty() ? 0 : 1;  // the raster column
            ri(static_cast<pyb::ssize_t>(i)) = static_cast<std::int64_t>(r.raster);
            zone.append(std::get<std::string>(v[o]));
            klass.append(std::get<std::string>(v[o + 1]));
            if (rep.classes) class_name.append(std::get<std::string>(v[o + 4]));
            a(static_cast<pyb::ssize_t>(i)) = r.area_m2;
            s(static_cast<pyb::ssize_t>(i)) = r.share;
            c(static_cast<pyb::ssize_t>(i)) = r.cells;
        }
        pyb::dict d;
        if (!rep.raster_names.empty()) d["raster_index"] = raster_index;
        d["zone"] = zone;
        d["class"] = klass;
        d["area_m2"] = area;
        d["share"] = share;
        if (rep.classes) d["class_name"] = class_name;
        d["cells"] = cells;
        d["area_model"] = rep.area_model;
        d["ellipsoid"] = rep.ellipsoid;
        return d;
    }
};

struct PyZonalJob {
    std::shared_ptr<ZonalJob> job;
    std::vector<std::shared_ptr<RasterHandle>> rasters;  // keep numpy arrays / fetchers alive
};

// `array`: None (opts' raster path), a numpy array, or a list of raster specs (bind_inputs.hpp:
// open_raster_spec), several on one grid, named by opts' stack_column and stack_labels.
// `cancel` is polled while the zones are prepared (that step does not stop midway; the call raises
// redline.Cancelled when it ends).
PyZonalJob prepare(const pyb::dict& opts, const pyb::object& array, const pyb::object& cancel) {
    PyZonalJob out;
    if (pyb::isinstance<pyb::list>(array)) {
        for (auto spec : array) out.rasters.push_back(open_raster_spec(spec.cast<pyb::dict>()));
        if (out.rasters.empty()) fail(ErrorKind::InvalidInput, "raster: an empty list of rasters");
    } else {
        out.rasters.push_back(open_raster(opts, array));
    }
    ZonalJobOptions jo;
    jo.stack_column = get<std::string>(opts, "stack_column", jo.stack_column);
    jo.stack_labels = get<std::vector<std::string>>(opts, "stack_labels", {});
    jo.mode = get<std::string>(opts, "mode", jo.mode);
    jo.classes = get<std::string>(opts, "classes", "");
    const int threads = get<int>(opts, "threads", 0);
    jo.tile_size = get<std::int64_t>(opts, "tile_size", jo.tile_size);
    const auto max_memory = get<std::string>(opts, "max_memory", "");
    if (!max_memory.empty()) jo.max_memory = parse_byte_size(max_memory, "max_memory");
    const LayerPolicy policy = zone_policy(opts);
    const DissolveBy dissolve = zone_dissolve(opts);
    ZoneInput zin = zone_input(opts);
    std::vector<std::shared_ptr<const RasterSource>> sources;
    for (const auto& r : out.rasters) sources.push_back(r->source);
    out.job = run_interruptible<std::shared_ptr<ZonalJob>>(
        [&](ProgressSink*, const CancelToken*) {
            const RasterInfo& info = sources[0]->info();
            for (std::size_t r = 1; r < sources.size(); ++r)  // before the zones are read
                require_same_grid(info, sources[r]->info(), "the rasters",
                                  "tabulate them together");
            PolygonLayer zones = prepare_zone_input(zin, info, dissolve, policy, threads);
            return std::make_shared<ZonalJob>(sources, std::move(zones), jo,
                                              ExecutionContext{threads, nullptr, nullptr});
        },
        pyb::none(), cancel);
    return out;
}

}  // namespace

void bind_zonal(pyb::module_& m) {
    pyb::class_<PyZonalReport>(m, "ZonalReport")
        .def("columns", &PyZonalReport::columns, "Columns of the table as lists / float64 arrays")
        .def("meta_json", [](const PyZonalReport& r) { return json_text(r.rep.meta); })
        .def("warnings", [](const PyZonalReport& r) { return r.rep.warnings; })
        .def(
            "write",
            [](const PyZonalReport& r, const std::string& output) {
                pyb::gil_scoped_release release;
                r.rep.write(output);
            },
            pyb::arg("output"), "Write the table as the CLI does (.csv, .json, .gpkg)");

    pyb::class_<PyZonalJob> job_class(m, "ZonalJob");
    job_class
        .def_static("prepare", &prepare, pyb::arg("opts"), pyb::arg("array") = pyb::none(),
                    pyb::arg("cancel") = pyb::none())
        .def("warnings", [](const PyZonalJob& j) { return j.job->warnings(); })
        .def("raster_count", [](const PyZonalJob& j) { return j.job->raster_count(); });
    def_tiled_job<ZonalJob>(job_class, [](const ZonalJob& job, ZonalResult&& merged) {
        return PyZonalReport{job.report(merged)};
    });
}

}  // namespace redline::py
