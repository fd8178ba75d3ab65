#include "bind_inputs.hpp"

#include <fmt/format.h>

#include "redline/core/error.hpp"
#include "redline/io/crs.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/io/memory_raster_source.hpp"

namespace redline::py {

std::shared_ptr<RasterHandle> open_raster(const pyb::dict& opts, const pyb::object& array) {
    auto h = std::make_shared<RasterHandle>();
    if (array.is_none()) {
        const auto path = get<std::string>(opts, "raster", "");
        if (path.empty()) fail(ErrorKind::InvalidInput, "raster: give a path or a 2-D numpy array");
        const int band = get<int>(opts, "band", 1);
        pyb::gil_scoped_release release;
        h->source = GdalRasterSource::open(path, band);
        return h;
    }
    pyb::array arr = pyb::array::ensure(array);
    if (!arr) fail(ErrorKind::InvalidInput, "raster: expected a numpy array");
    if (arr.ndim() != 2)
        fail(ErrorKind::InvalidInput, fmt::format("raster array must be 2-D (rows, cols), got {} dimensions", arr.ndim()));
    if (!(arr.flags() & pyb::array::c_style))
        fail(ErrorKind::InvalidInput, "raster array must be C-contiguous (use numpy.ascontiguousarray)");
    const char kind = arr.dtype().kind();
    const auto size = arr.dtype().itemsize();
    CellType type;
    if (kind == 'u' && size == 1) type = CellType::UInt8;
    else if (kind == 'i' && size == 1) type = CellType::Int8;
    else if (kind == 'u' && size == 2) type = CellType::UInt16;
    else if (kind == 'i' && size == 2) type = CellType::Int16;
    else if (kind == 'u' && size == 4) type = CellType::UInt32;
    else if (kind == 'i' && size == 4) type = CellType::Int32;
    else if (kind == 'i' && size == 8) type = CellType::Int64;
    else if (kind == 'u' && size == 8) type = CellType::UInt64;
    else
        fail(ErrorKind::InvalidInput,
             fmt::format("raster array has dtype kind '{}' ({} bytes): a land-use raster must hold integer class "
                         "codes; convert it with array.astype(numpy.int16) if its values are whole numbers",
                         kind, size));
    if (!opts.contains("transform") || opts["transform"].is_none())
        fail(ErrorKind::InvalidInput, "a raster array needs transform=(x0, dx, 0, y0, 0, -dy) (GDAL order)");
    auto t = opts["transform"].cast<std::vector<double>>();
    if (t.size() != 6) fail(ErrorKind::InvalidInput, "transform must have 6 numbers (x0, dx, 0, y0, 0, -dy)");
    if (t[2] != 0 || t[4] != 0)
        fail(ErrorKind::Unsupported, "a rotated transform is not supported; warp the array to a north-up grid");
    const auto crs = get<std::string>(opts, "crs", "");
    if (crs.empty())
        fail(ErrorKind::InvalidInput, "a raster array needs crs= (e.g. 'EPSG:4490'), or its cell areas are unknown");
    const std::string wkt = crs_from_user(crs);
    std::optional<std::int64_t> nodata;
    if (opts.contains("nodata") && !opts["nodata"].is_none()) nodata = opts["nodata"].cast<std::int64_t>();
    const Grid grid(t[0], t[1], t[3], t[5], arr.shape(1), arr.shape(0));
    h->keep_alive = arr;
    h->source = std::make_shared<MemoryRasterSource>(arr.data(), type, grid, wkt, nodata, crs_label_of(wkt));
    return h;
}

ZonePrepOptions prep_options(const pyb::dict& opts) {
    ZonePrepOptions p;
    p.id_field = get<std::string>(opts, "id", "");
    p.dissolve = get<bool>(opts, "dissolve", false);
    p.dissolve_by = get<std::string>(opts, "dissolve_by", "");
    p.reproject = get<bool>(opts, "reproject", false);
    p.densify_m = get<double>(opts, "densify", 100.0);
    p.make_valid = get<bool>(opts, "make_valid", false);
    p.zones_crs = get<std::string>(opts, "zones_crs", "");
    p.encoding = get<std::string>(opts, "encoding", "");
    if (p.dissolve && !p.dissolve_by.empty())
        fail(ErrorKind::InvalidInput, "dissolve and dissolve_by exclude each other");
    return p;
}

ZoneInput zone_input(const pyb::dict& opts) {
    ZoneInput in;
    in.path = get<std::string>(opts, "zones", "");
    if (!in.path.empty()) return in;
    if (!opts.contains("zone_wkb"))
        fail(ErrorKind::InvalidInput, "zones: give a path, a GeoDataFrame or a list of polygons");
    MemoryLayerInput m;
    for (auto item : opts["zone_wkb"]) m.wkb.push_back(item.is_none() ? std::string() : item.cast<std::string>());
    m.ids = get<std::vector<std::string>>(opts, "zone_ids", {});
    if (m.ids.empty())
        for (std::size_t i = 0; i < m.wkb.size(); ++i) m.ids.push_back(std::to_string(i));
    m.groups = get<std::vector<std::string>>(opts, "zone_groups", {});
    m.label = get<std::string>(opts, "zones_label", "zones");
    m.unique_ids = !get<bool>(opts, "dissolve", false) && get<std::string>(opts, "dissolve_by", "").empty();
    const auto crs = get<std::string>(opts, "zones_crs_wkt", "");
    if (!crs.empty()) m.crs_wkt = crs_from_user(crs);
    else in.memory_crs_is_raster = true;
    in.memory = std::move(m);
    return in;
}

PreparedZones prepare_zone_input(const ZoneInput& in, const RasterInfo& raster, const ZonePrepOptions& prep_in) {
    ZonePrepOptions prep = prep_in;
    prep.target_name = raster.path == "<array>" ? std::string("the raster array") : "raster '" + raster.path + "'";
    if (!in.path.empty()) return prepare_zones(in.path, raster.crs_wkt, raster.crs_label, prep);
    MemoryLayerInput m = *in.memory;
    if (in.memory_crs_is_raster) m.crs_wkt = raster.crs_wkt;
    if (!prep.zones_crs.empty() && m.crs_wkt.empty()) m.crs_wkt = crs_from_user(prep.zones_crs);
    return prepare_layer(memory_polygon_layer(m), raster.crs_wkt, raster.crs_label, prep);
}

}  // namespace redline::py
