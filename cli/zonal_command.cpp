#include <fmt/format.h>

#include <memory>

#include "cli_support.hpp"
#include "commands.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/ops/zonal/zonal_job.hpp"

namespace redline::cli {
namespace {

struct ZonalArgs {
    ZonalRequest req;
    CommonOptions common;
    LongRunOptions long_run;
    std::string output;
};

void run(ZonalArgs& a) {
    a.req.job.max_memory = max_memory_bytes(a.long_run);
    // Check the output path before the run so a typo does not cost a whole pass.
    check_output(a.output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}, "--output");
    auto progress = make_progress(a.common);
    const ExecutionContext ctx = execution_context(a.common, progress.get());
    a.req.job.consume_geometry =
        true;  // a local run needs only the zone set: one copy of the vertices
    const ZonalJob job = ZonalJob::from_request(a.req, ctx);
    std::unique_ptr<CheckpointStore> store;
    const ZonalResult result = run_long(job, a.long_run, a.common, ctx, store);
    ZonalReport rep = job.report(result);
    if (progress) progress->finish();
    warn_all(rep.warnings);
    rep.write(a.output);
    if (store) store->remove();
    if (!a.output.empty())
        info(a.common,
             fmt::format("wrote {} rows for {} zones to {} (areas in m2 on {}, {} cell areas)",
                         rep.rows.size(), rep.zone_names.size(), a.output, rep.ellipsoid,
                         rep.area_model));
}

}  // namespace

namespace {
void add_zonal_command(CLI::App& app) {
    auto args = std::make_shared<ZonalArgs>();
    CLI::App* cmd = app.add_subcommand(
        "zonal",
        "Area of every land-use class inside every zone, exact and on the ellipsoid.\n\n"
        "For each zone (polygon feature) and each class value of the raster it covers, prints the "
        "area\n"
        "in m2 of the class inside the zone. A cell counts by the exact area of its intersection "
        "with\n"
        "the polygon (--mode exact), and cell areas are ellipsoidal on CGCS2000/GRS80: constant "
        "for an\n"
        "equal-area CRS (e.g. CGCS2000 Albers), exact per row for a geographic CRS "
        "(EPSG:4490/4326),\n"
        "per cell for any other projection (Gauss-Kruger, UTM). Results are identical for any\n"
        "--threads and --tile-size.");
    cmd->add_option("--raster", args->req.rasters,
                    "Land-use raster with integer class codes (any GDAL format). Repeat it for "
                    "several rasters on one grid (dates, bands): the zones are read and "
                    "rasterized once for all, and a first column 'raster' names each row's "
                    "raster by its file name stem")
        ->required()
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd->add_option("--band", args->req.band, "Band of the raster to read (default 1)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--zones", args->req.zones,
                    "Zone polygons as PATH[:LAYER] (any OGR source); LAYER may be omitted when "
                    "PATH has one layer")
        ->required();
    cmd->add_option("--id", args->req.id_field,
                    "Field whose value names each zone (default: the feature id); must be unique");
    cmd->add_option("--mode", args->req.job.mode,
                    "exact: weight cells by the exact covered fraction (default); centroid: count "
                    "cells whose "
                    "centre is inside (half-open edges, so neighbours never share a cell); "
                    "all-touched: count "
                    "every cell the polygon covers any part of")
        ->check(CLI::IsMember({"exact", "centroid", "all-touched"}));
    auto* dis =
        cmd->add_flag("--dissolve", args->req.dissolve.all,
                      "Treat all features as one zone named 'all' (union: overlaps count once)");
    auto* disby =
        cmd->add_option("--dissolve-by", args->req.dissolve.field,
                        "One zone per value of FIELD (union of its features: overlaps count once)");
    dis->excludes(disby);
    disby->excludes(dis);
    cmd->add_option(
        "--classes", args->req.job.classes,
        "Add a class_name column from a class table: clcd, worldcover, globeland30, or a CSV with "
        "columns code,name[,group]");
    cmd->add_option("--tile-size", args->req.job.tile_size,
                    "Cells per tile side (default 1024, rounded up to whole raster blocks); "
                    "affects speed and "
                    "memory only")
        ->check(CLI::PositiveNumber);
    add_output_option(cmd, args->output, ".csv, .json or .gpkg");
    add_layer_policy_options(
        cmd, args->req.policy,
        {"the zones into the raster CRS (edges densified first)", "reprojecting zones",
         "--zones-crs", "a zones layer that declares none (e.g. EPSG:4326 for TopoJSON)"});
    add_common_options(cmd, args->common);
    add_long_run_options(cmd, args->long_run);
    cmd->footer(
        "\nOutput columns: zone,class,area_m2,share[,class_name],cells,area_model,ellipsoid\n"
        "  one row per (zone, class) with area > 0, in zone order then ascending class; class "
        "'nodata'\n"
        "  holds the zone's area over nodata cells; share = area / zone area over valid cells;\n"
        "  cells = coverage-weighted cell count. Area outside the raster is not reported.\n"
        "  With several --raster: raster,zone,class,... -- each raster's rows in the order given,\n"
        "  equal to those of a run on it alone; raster = its file name stem (e.g. lc_2020).\n\n"
        "Examples:\n"
        "  redline zonal --raster lc_2020.tif --zones plan.gpkg:redline --id code --output "
        "redline_lc.csv\n"
        "  redline zonal --raster clcd_2020.tif --zones provinces.gpkg --id adcode --classes clcd\n"
        "  redline zonal --raster lc.tif --zones plan.gpkg:protected --dissolve --mode exact\n"
        "  redline zonal --raster lc_2015.tif --raster lc_2020.tif --zones plan.gpkg:redline "
        "--id code\n\n"
        "Exit codes: 0 ok, 2 invalid input or usage (also rasters not on one grid, or two with "
        "the\n"
        "same file name stem), 3 I/O error, 4 unsupported, 1 internal error.");
    cmd->callback([args] { run(*args); });
}

}  // namespace

REDLINE_REGISTER_COMMAND(add_zonal_command, 10);

}  // namespace redline::cli
