#include "bind_inputs.hpp"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstring>

#include "redline/core/error.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/io/crs.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/io/memory_raster_source.hpp"
#include "redline/layers/conform.hpp"
#include "redline/layers/layer_reading.hpp"
#include "redline/layers/zone_layer.hpp"

namespace redline::py {
namespace {

// The nodata= of a raster array: None, a whole number (Python or numpy integer, or a float with
// an integral value, as rasterio reports nodata) in nodata_range(type); anything else is a
// ValueError naming the value, never a pybind11 cast error.
std::optional<std::int64_t> array_nodata(const pyb::object& v, CellType type) {
    if (v.is_none()) return std::nullopt;
    const std::string text = pyb::str(v);
    const std::string kind = pyb::str(pyb::type::of(v).attr("__name__"));
    const auto not_whole = [&]() {
        fail(ErrorKind::InvalidInput,
             fmt::format("nodata={} ({}) is not a whole number: give the integer value that marks "
                         "missing cells of the {} raster array",
                         text, kind, numpy_type_name(type)));
    };
    if (pyb::isinstance<pyb::bool_>(v) || kind == "bool_" || kind == "bool") not_whole();
    pyb::int_ whole;
    if (PyIndex_Check(v.ptr())) {
        whole = pyb::reinterpret_steal<pyb::int_>(PyNumber_Index(v.ptr()));
        if (!whole) throw pyb::error_already_set();
    } else if (PyFloat_Check(v.ptr()) || pyb::hasattr(v, "is_integer")) {
        const double d = v.cast<double>();
        if (!std::isfinite(d) || d != std::floor(d)) not_whole();
        whole = pyb::int_(pyb::float_(d));
    } else {
        not_whole();
    }
    const NodataRange r = nodata_range(type);
    if (whole < pyb::int_(r.lo) || whole > pyb::int_(r.hi)) fail_bad_nodata(text, type);
    return whole.cast<std::int64_t>();
}

// The cell type of a numpy dtype; `what` names the array in messages ("raster array").
CellType cell_type_of(const pyb::dtype& dt, const std::string& what) {
    const char kind = dt.kind();
    const auto size = dt.itemsize();
    const std::string dtype_name = pyb::str(pyb::object(dt));
    const char order = dt.byteorder();
    if (size > 1 && (order == '<' || order == '>') &&
        order != (std::endian::native == std::endian::big ? '>' : '<'))
        fail(ErrorKind::InvalidInput,
             fmt::format("{} has dtype {}, not in this machine's byte order: convert it "
                         "with array.astype(array.dtype.newbyteorder('='))",
                         what, dtype_name));
    if (kind == 'u' && size == 1) return CellType::UInt8;
    if (kind == 'i' && size == 1) return CellType::Int8;
    if (kind == 'u' && size == 2) return CellType::UInt16;
    if (kind == 'i' && size == 2) return CellType::Int16;
    if (kind == 'u' && size == 4) return CellType::UInt32;
    if (kind == 'i' && size == 4) return CellType::Int32;
    if (kind == 'i' && size == 8) return CellType::Int64;
    if (kind == 'u' && size == 8) return CellType::UInt64;
    fail(ErrorKind::InvalidInput,
         fmt::format("{} has dtype {} (kind '{}', {} bytes): a land-use raster must "
                     "hold integer class codes; convert it with array.astype(numpy.int16) if "
                     "its values are whole numbers",
                     what, dtype_name, kind, size));
}

// The grid of an array of rows x cols cells from opts' transform.
Grid array_grid(const pyb::dict& opts, std::int64_t rows, std::int64_t cols) {
    if (!opts.contains("transform") || opts["transform"].is_none())
        fail(ErrorKind::InvalidInput,
             "a raster array needs transform=(x0, dx, 0, y0, 0, -dy) (GDAL order)");
    auto t = opts["transform"].cast<std::vector<double>>();
    if (t.size() != 6)
        fail(ErrorKind::InvalidInput, "transform must have 6 numbers (x0, dx, 0, y0, 0, -dy)");
    if (t[2] != 0 || t[4] != 0)
        fail(ErrorKind::Unsupported,
             "a rotated transform is not supported; warp the array to a north-up grid");
    return Grid(t[0], t[1], t[3], t[5], cols, rows);
}

std::string array_crs(const pyb::dict& opts) {
    const auto crs = get<std::string>(opts, "crs", "");
    if (crs.empty())
        fail(ErrorKind::InvalidInput,
             "a raster array needs crs= (e.g. 'EPSG:4490'), or its cell areas are unknown");
    return crs_from_user(crs);
}

// A Dask array's cells, window by window, through the Python callable `fetch` (kept alive by
// the handle: the engine's copy holds a borrowed pointer, so that no reference count changes
// off the GIL).
CallbackRasterSource::Fetch window_fetch(PyObject* fetch, CellType type, std::size_t itemsize) {
    return [fetch, type, itemsize](const Window& w, void* dst) {
        std::string problem;
        {
            pyb::gil_scoped_acquire gil;
            try {
                pyb::object block =
                    pyb::reinterpret_borrow<pyb::object>(fetch)(w.row0, w.col0, w.rows, w.cols);
                pyb::array arr = pyb::array::ensure(block);
                if (!arr || arr.ndim() != 2 || arr.shape(0) != w.rows || arr.shape(1) != w.cols ||
                    !(arr.flags() & pyb::array::c_style) ||
                    cell_type_of(arr.dtype(), "a fetched window") != type ||
                    static_cast<std::size_t>(arr.dtype().itemsize()) != itemsize)
                    problem = fmt::format(
                        "the window came back as {} (expected a C-contiguous "
                        "{} array of {} x {})",
                        std::string(pyb::str(block.get_type().attr("__name__"))),
                        numpy_type_name(type), w.rows, w.cols);
                else
                    std::memcpy(dst, arr.data(), static_cast<std::size_t>(w.cells()) * itemsize);
            } catch (pyb::error_already_set& e) {
                problem = e.what();
            }
        }
        if (!problem.empty())
            fail(ErrorKind::Io,
                 fmt::format("reading rows {}..{}, columns {}..{} of the chunked (Dask) raster "
                             "array failed: {}",
                             w.row0, w.row_end() - 1, w.col0, w.col_end() - 1, problem));
    };
}

}  // namespace

std::shared_ptr<RasterHandle> open_raster_spec(const pyb::dict& spec) {
    auto h = std::make_shared<RasterHandle>();
    if (spec.contains("fetch") && !spec["fetch"].is_none()) {
        pyb::object fetch = spec["fetch"];
        const pyb::dtype dt = pyb::dtype::from_args(spec["dtype"]);
        const CellType type = cell_type_of(dt, "the raster array");
        const auto shape = spec["shape"].cast<std::vector<std::int64_t>>();
        const auto chunks = spec["chunks"].cast<std::vector<std::int64_t>>();
        if (shape.size() != 2 || chunks.size() != 2)
            fail(ErrorKind::Internal, "raster spec: shape and chunks must have 2 numbers");
        const Grid grid = array_grid(spec, shape[0], shape[1]);
        const std::string wkt = array_crs(spec);
        const std::optional<std::int64_t> nodata =
            array_nodata(spec.contains("nodata") ? pyb::object(spec["nodata"]) : pyb::none(), type);
        h->keep_alive = fetch;
        h->source = std::make_shared<CallbackRasterSource>(
            window_fetch(fetch.ptr(), type, static_cast<std::size_t>(dt.itemsize())), type, grid,
            wkt, nodata, crs_label_of(wkt), chunks[1], chunks[0]);
        return h;
    }
    pyb::object array = spec.contains("array") ? pyb::object(spec["array"]) : pyb::none();
    if (array.is_none()) {
        const auto path = get<std::string>(spec, "raster", "");
        if (path.empty()) fail(ErrorKind::InvalidInput, "raster: give a path or a 2-D numpy array");
        const int band = get<int>(spec, "band", 1);
        pyb::gil_scoped_release release;
        h->source = GdalRasterSource::open(path, band);
        return h;
    }
    pyb::array arr = pyb::array::ensure(array);
    if (!arr) fail(ErrorKind::InvalidInput, "raster: expected a numpy array");
    if (arr.ndim() != 2)
        fail(ErrorKind::InvalidInput,
             fmt::format("raster array must be 2-D (rows, cols), got {} dimensions", arr.ndim()));
    if (!(arr.flags() & pyb::array::c_style))
        fail(ErrorKind::InvalidInput,
             "raster array must be C-contiguous (use numpy.ascontiguousarray)");
    const CellType type = cell_type_of(arr.dtype(), "raster array");
    const Grid grid = array_grid(spec, arr.shape(0), arr.shape(1));
    const std::string wkt = array_crs(spec);
    const std::optional<std::int64_t> nodata =
        array_nodata(spec.contains("nodata") ? pyb::object(spec["nodata"]) : pyb::none(), type);
    h->keep_alive = arr;
    const void* cells = arr.data();
    const std::string label = crs_label_of(wkt);
    pyb::gil_scoped_release release;  // the source scans wide types for out-of-range codes
    h->source = std::make_shared<MemoryRasterSource>(cells, type, grid, wkt, nodata, label);
    return h;
}

std::shared_ptr<RasterHandle> open_raster(const pyb::dict& opts, const pyb::object& array) {
    pyb::dict spec;
    for (auto item : opts) spec[item.first] = item.second;
    spec["array"] = array;
    return open_raster_spec(spec);
}

LayerPolicy zone_policy(const pyb::dict& opts) {
    LayerPolicy p = LayerPolicy::zones();
    p.reproject = get<bool>(opts, "reproject", p.reproject);
    p.densify_m = get<double>(opts, "densify", p.densify_m);
    p.make_valid = get<bool>(opts, "make_valid", p.make_valid);
    p.assumed_crs = get<std::string>(opts, "zones_crs", "");
    p.encoding = get<std::string>(opts, "encoding", "");
    return p;
}

LayerPolicy overlay_policy(const pyb::dict& o) {
    LayerPolicy p = LayerPolicy::overlay();
    p.reproject = get<bool>(o, "reproject", p.reproject);
    p.densify_m = get<double>(o, "densify", p.densify_m);
    p.make_valid = get<bool>(o, "make_valid", p.make_valid);
    p.assumed_crs = get<std::string>(o, "layer_crs", "");
    p.encoding = get<std::string>(o, "encoding", "");
    return p;
}

DissolveBy zone_dissolve(const pyb::dict& opts) {
    DissolveBy by;
    by.all = get<bool>(opts, "dissolve", false);
    by.field = get<std::string>(opts, "dissolve_by", "");
    if (by.all && !by.field.empty())
        fail(ErrorKind::InvalidInput, "dissolve and dissolve_by exclude each other");
    return by;
}

ZoneInput zone_input(const pyb::dict& opts) {
    ZoneInput in;
    in.path = get<std::string>(opts, "zones", "");
    in.id_field = get<std::string>(opts, "id", "");
    if (!in.path.empty()) return in;
    if (!opts.contains("zone_wkb"))
        fail(ErrorKind::InvalidInput, "zones: give a path, a GeoDataFrame or a list of polygons");
    MemoryLayerInput m;
    for (auto item : opts["zone_wkb"])
        m.wkb.push_back(item.is_none() ? std::string() : item.cast<std::string>());
    m.ids = get<std::vector<std::string>>(opts, "zone_ids", {});
    if (m.ids.empty())
        for (std::size_t i = 0; i < m.wkb.size(); ++i) m.ids.push_back(std::to_string(i));
    m.groups = get<std::vector<std::string>>(opts, "zone_groups", {});
    m.label = get<std::string>(opts, "zones_label", "zones");
    m.unique_ids =
        !get<bool>(opts, "dissolve", false) && get<std::string>(opts, "dissolve_by", "").empty();
    const auto crs = get<std::string>(opts, "zones_crs_wkt", "");
    if (!crs.empty())
        m.crs_wkt = crs_from_user(crs);
    else
        in.memory_crs_is_raster = true;
    in.memory = std::move(m);
    return in;
}

PolygonLayer prepare_zone_input(const ZoneInput& in, const RasterInfo& raster,
                                const DissolveBy& dissolve, const LayerPolicy& policy,
                                int threads) {
    const std::string target_name =
        raster.path == "<array>" ? std::string("the raster array") : "raster '" + raster.path + "'";
    const Crs target = make_crs(raster.crs_wkt, raster.crs_label);
    if (!in.path.empty())
        return prepare_zones(in.path, in.id_field, dissolve, target, target_name, policy, threads);
    MemoryLayerInput m = *in.memory;
    if (in.memory_crs_is_raster) m.crs_wkt = raster.crs_wkt;
    if (!policy.assumed_crs.empty() && m.crs_wkt.empty())
        m.crs_wkt = crs_from_user(policy.assumed_crs);
    PolygonLayer zones = to_polygon_layer(memory_polygon_layer(m));
    conform(zones, target, target_name, policy, threads);
    dissolve_layer(zones, dissolve, threads);
    return zones;
}

}  // namespace redline::py
