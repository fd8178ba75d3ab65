// run_shoreline: from the paths of a ShorelineRequest to ShorelineInputs (reading, CRS checks,
// reprojection, polygon validity), then compute_shoreline (ops/shoreline/shoreline.cpp).
#include <fmt/format.h>

#include "redline/core/error.hpp"
#include "redline/core/gauss_kruger_zone.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/text.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geodesy/line_measurer.hpp"
#include "redline/geodesy/transformer.hpp"
#include "redline/io/crs.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/io/vector_layer.hpp"
#include "redline/layers/conform.hpp"
#include "redline/layers/layer_dissolve.hpp"
#include "redline/layers/layer_reading.hpp"
#include "redline/ops/shoreline/shoreline.hpp"

namespace redline {
namespace {

// How messages name the request's parameter `name`: an option marker (core/option_name.hpp), or
// the report config's key.
std::string option_of(const ShorelineRequest& req, std::string_view name) {
    return req.config_prefix.empty() ? option(name) : req.config_prefix + std::string(name);
}
std::string flag_of(const ShorelineRequest& req, std::string_view name) {
    return req.config_prefix.empty() ? flag(name) : req.config_prefix + std::string(name);
}

// InvalidInput: `what` (e.g. "--by layer 'p' in 'p.shp'") has no CRS. `crs_option` (a parameter
// name) gives one ("" when the caller has none).
[[noreturn]] void fail_no_crs(const std::string& what, const VectorLayer& layer,
                              const std::string& crs_option, const std::string& compared) {
    const std::string hint = gauss_kruger_hint(layer.extent(), crs_option);
    if (!hint.empty())
        fail(ErrorKind::InvalidInput, fmt::format("{} has no CRS; {}{}", what, hint, compared));
    if (crs_option.empty())
        fail(ErrorKind::InvalidInput,
             fmt::format("{} has no CRS; declare it in the file (a .prj beside a shapefile, or "
                         "ogr2ogr -a_srs EPSG:CODE){}",
                         what, compared));
    fail(ErrorKind::InvalidInput,
         fmt::format("{} has no CRS; declare it with {} (e.g. {}){}", what, option(crs_option),
                     option(crs_option, "EPSG:4326"), compared));
}

// Reads a polygon layer for --mainland / --by and brings it into the work CRS (`work_crs`, of
// `in`), dissolved: into one geometry, or one per value of `id_field`.
PolygonLayer read_polygons(const ShorelineRequest& req, const std::string& name,
                           const std::string& ref_text, const std::string& id_field,
                           const std::string& assign_crs, const ShorelineInputs& in,
                           const Crs& work_crs, const std::string& work_what) {
    LayerReadOptions ro;
    ro.unique_ids = false;
    ro.assign_crs = assign_crs;
    ro.encoding = req.encoding;
    ro.encoding_option = option_of(req, "encoding");
    const std::string opt = option(name);  // REDLINE_OPTION("mainland"), REDLINE_OPTION("by")
    if (!id_field.empty()) ro.extra_fields = {id_field};
    VectorLayer layer = read_polygon_layer(parse_layer_ref(ref_text), ro);
    if (layer.crs_wkt.empty())
        fail_no_crs(fmt::format("{} layer '{}' in '{}'", opt, layer.label, layer.ref.path), layer,
                    req.crs_options ? name + "_crs" : std::string(),
                    fmt::format(" (to be compared with {}, {})", work_what, in.crs_label));
    if (!same_crs(layer.crs_wkt, in.crs_wkt) && !req.reproject)
        fail(ErrorKind::InvalidInput,
             fmt::format(
                 "CRS mismatch: {} layer '{}' in '{}' is {}, {} is {}. Reproject one of them, or "
                 "pass {} to transform the {} polygons into the CRS of the {}.",
                 opt, layer.label, layer.ref.path, layer.crs_label, work_what, in.crs_label,
                 flag_of(req, "reproject"), opt, work_what));
    std::vector<std::string> assigned;
    if (layer.crs_assigned)
        assigned.push_back(fmt::format("{} layer '{}' declares no CRS; using {} as given by {}",
                                       opt, layer.label, layer.crs_label, option(name + "_crs")));
    DissolveBy dissolve;
    if (id_field.empty()) {
        dissolve.all = true;
    } else {
        std::vector<std::string> missing;
        for (std::size_t i = 0; i < layer.extra.size(); ++i) {
            const std::string v = layer.extra[i][0];
            if (text::trim(v).empty()) missing.push_back(std::to_string(layer.fids[i]));
            layer.groups[i] = v;
        }
        if (!missing.empty())
            fail(ErrorKind::InvalidInput,
                 fmt::format("{} layer '{}' in '{}': {} feature(s) have no value in {} field '{}' "
                             "(feature ids {}); fill the field or filter the layer",
                             opt, layer.label, layer.ref.path, missing.size(), option("by_id"),
                             id_field, text::join_limited(missing)));
        dissolve.field = id_field;
    }
    LayerPolicy policy = LayerPolicy::zones();
    policy.reproject = req.reproject;
    policy.densify_m = req.densify_m;
    policy.make_valid = req.make_valid;
    PolygonLayer polygons = to_polygon_layer(std::move(layer));
    conform(polygons, work_crs, work_what, policy, req.threads);
    dissolve_layer(polygons, dissolve, req.threads);
    polygons.warnings.insert(polygons.warnings.begin(), assigned.begin(), assigned.end());
    return polygons;
}

}  // namespace

ShorelineReport run_shoreline(const ShorelineRequest& req) {
    if (req.lines.empty())
        fail(ErrorKind::InvalidInput,
             option("lines") + " is required: the shoreline layer (PATH[:LAYER])");
    const bool raster_mode = !req.raster.empty();
    if (raster_mode == !req.class_field.empty())
        fail(ErrorKind::InvalidInput,
             fmt::format("classify the shoreline either by attribute ({}) or by land-use raster "
                         "({}), exactly one of the two",
                         option("class_field", "FIELD"), option("raster", "LC.tif")));
    if (!req.by.empty() && req.by_id.empty())
        fail(ErrorKind::InvalidInput, fmt::format("{} needs {}: the field that names each region",
                                                  option("by"), option("by_id", "FIELD")));
    if (req.by.empty() && !req.by_id.empty())
        fail(ErrorKind::InvalidInput, fmt::format("{} needs {}: the region polygons",
                                                  option("by_id"), option("by", "PATH[:LAYER]")));

    // Lines.
    LayerReadOptions ro;
    ro.assign_crs = req.lines_crs;
    ro.unique_ids = false;
    ro.encoding = req.encoding;
    ro.encoding_option = option_of(req, "encoding");
    if (!raster_mode) ro.extra_fields = {req.class_field};
    VectorLayer lines = read_line_layer(parse_layer_ref(req.lines), ro);
    if (lines.crs_wkt.empty())
        fail_no_crs(fmt::format("line layer '{}' in '{}'", lines.label, lines.ref.path), lines,
                    req.crs_options ? "lines_crs" : "", "");

    ShorelineInputs in;
    in.lines_label = lines.label;
    in.fids = lines.fids;
    in.crs_wkt = lines.crs_wkt;
    in.crs_label = lines.crs_label;
    if (!raster_mode) {
        in.values.reserve(lines.extra.size());
        for (const auto& e : lines.extra) in.values.push_back(e[0]);
    }
    std::vector<std::string> warnings = lines.warnings;
    if (lines.crs_assigned)
        warnings.push_back(fmt::format("line layer '{}' declares no CRS; using {} as given by {}",
                                       lines.label, lines.crs_label, option("lines_crs")));

    std::unique_ptr<GdalRasterSource> raster;
    bool lines_reprojected = false;
    if (raster_mode) {
        raster = GdalRasterSource::open(req.raster, req.band);
        const RasterInfo& info = raster->info();
        if (!same_crs(lines.crs_wkt, info.crs_wkt)) {
            if (!req.reproject)
                fail(
                    ErrorKind::InvalidInput,
                    fmt::format(
                        "CRS mismatch: raster '{}' is {}, line layer '{}' in '{}' is {}. Reproject "
                        "one of them, or pass {} to transform the lines into the raster CRS.",
                        req.raster, info.crs_label, lines.label, lines.ref.path, lines.crs_label,
                        flag_of(req, "reproject")));
            // Densify in the lines' own CRS (geodesic edges for lon/lat), then transform.
            LineMeasurer densifier(lines.crs_wkt, req.densify_m);
            Transformer t(lines.crs_wkt, info.crs_wkt);
            for (std::size_t i = 0; i < lines.lines.size(); ++i)
                for (auto& l : lines.lines[i].lines) {
                    try {
                        l = densifier.measure(l).xy;
                        t.transform(l);
                    } catch (const Error& e) {
                        fail(ErrorKind::InvalidInput,
                             fmt::format("feature {} of line layer '{}' cannot be transformed from "
                                         "{} to {}: {}",
                                         lines.fids[i], lines.label, lines.crs_label,
                                         info.crs_label, e.what()));
                    }
                }
            in.crs_wkt = info.crs_wkt;
            in.crs_label = info.crs_label;
            lines_reprojected = true;
        }
        in.raster = raster.get();
    }
    in.lines = std::move(lines.lines);
    const std::string work_what = lines_reprojected ? fmt::format("raster '{}'", req.raster)
                                                    : fmt::format("line layer '{}'", lines.label);

    nlohmann::json mainland_meta, by_meta;
    const Crs work_crs =
        req.mainland.empty() && req.by.empty() ? Crs{} : make_crs(in.crs_wkt, in.crs_label);
    if (!req.mainland.empty()) {
        PolygonLayer pl = read_polygons(req, "mainland", req.mainland, "", req.mainland_crs, in,
                                        work_crs, work_what);
        for (const auto& w : pl.warnings) warnings.push_back(w);
        mainland_meta = pl.describe(LayerRole::Zones);
        in.mainland = pl.geoms.empty() ? MultiPolygon{} : std::move(pl.geoms[0]);
    }
    if (!req.by.empty()) {
        PolygonLayer pl =
            read_polygons(req, "by", req.by, req.by_id, req.by_crs, in, work_crs, work_what);
        in.region_names = pl.ids;
        in.regions = std::move(pl.geoms);
        for (const auto& w : pl.warnings) warnings.push_back(w);
        by_meta = pl.describe(LayerRole::Zones);
        by_meta["id_field"] = req.by_id;
    }

    ShorelineReport rep = compute_shoreline(req, in);
    rep.warnings.insert(rep.warnings.begin(), warnings.begin(), warnings.end());
    rep.meta["warnings"] = render_for_cli(rep.warnings);  // files: the CLI's words
    rep.meta["lines"]["path"] = lines.ref.path;
    rep.meta["lines"]["source_crs"] = lines.crs_label;
    rep.meta["lines"]["reprojected"] = lines_reprojected;
    if (!mainland_meta.is_null()) rep.meta["mainland"]["layer"] = mainland_meta;
    if (!by_meta.is_null()) rep.meta["by"]["layer"] = by_meta;
    return rep;
}

}  // namespace redline
