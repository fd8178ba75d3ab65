// `redline change`: two-date transition matrix and violation patches inside zones (issue #4).
#include <fmt/format.h>

#include <memory>

#include "cli_support.hpp"
#include "commands.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/ops/change/change_job.hpp"

namespace redline::cli {
namespace {

struct ChangeArgs {
    ChangeRequest req;
    CommonOptions common;
    LongRunOptions long_run;
    std::string matrix, patches;
};

void run(ChangeArgs& a) {
    a.req.max_memory = max_memory_bytes(a.long_run);
    // Validate output paths before the run so a typo does not cost a whole pass.
    if (!a.matrix.empty())
        check_output(a.matrix, {TableFormat::Csv, TableFormat::Json}, "--matrix");
    if (!a.patches.empty()) {
        auto f = check_output(a.patches, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg},
                              "--patches");
        a.req.patch_geometry = (f == TableFormat::Gpkg);
    }
    auto progress = make_progress(a.common);
    const ExecutionContext ctx = execution_context(a.common, progress.get());
    a.req.consume_geometry =
        true;  // a local run needs only the zone sets (kept for GeoPackage patches)
    const ChangeJob job = ChangeJob::from_request(a.req, ctx);
    std::unique_ptr<CheckpointStore> store;
    ChangeReport rep = job.report(run_long(job, a.long_run, a.common, ctx, store));
    if (progress) progress->finish();
    warn_all(rep.warnings);
    const bool to_stdout = a.matrix.empty() && a.patches.empty();
    if (!a.matrix.empty() || to_stdout) rep.write_matrix(a.matrix == "-" ? "" : a.matrix);
    if (!a.patches.empty()) rep.write_patches(a.patches);
    if (store) store->remove();
    std::fputs(rep.summary_text().c_str(), stderr);
}

void add_change_command(CLI::App& app) {
    auto args = std::make_shared<ChangeArgs>();
    CLI::App* cmd = app.add_subcommand(
        "change",
        "What changed inside each zone between two dates: transition matrix and violation "
        "patches.\n\n"
        "Reads the two land-use rasters (same grid) in one pass, computes each zone's coverage "
        "once\n"
        "and uses it for both dates. The matrix gives, per zone, the area in m2 (exact coverage,\n"
        "ellipsoidal) of every transition from a t0 class to a t1 class. Cells that break a rule\n"
        "(default preset 'redline': natural land turned into built-up or cropland)\n"
        "are joined into patches by --connectivity and listed with their area, a point inside and "
        "a\n"
        "status: violation, permitted (inside --permitted polygons) or below-mmu (fewer than\n"
        "--mmu-pixels cells; still counted in the matrix and totals).");
    cmd->add_option("--t0", args->req.t0, "Land-use raster at the first date")->required();
    cmd->add_option("--t1", args->req.t1,
                    "Land-use raster at the second date (same CRS, origin, cell size and size)")
        ->required();
    cmd->add_option("--band", args->req.band, "Band of both rasters (default 1)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--zones", args->req.zones,
                    "Zone polygons as PATH[:LAYER] (e.g. plan.gpkg:redline)")
        ->required();
    cmd->add_option("--id", args->req.id_field, "Field naming each zone (default: the feature id)");
    auto* preset = cmd->add_option("--preset", args->req.preset,
                                   "redline: natural -> built-up/cropland (default); cropland: "
                                   "cropland -> anything else")
                       ->check(CLI::IsMember({"redline", "cropland"}));
    auto* rules = cmd->add_option(
        "--rules", args->req.rules_path,
        "YAML rules file: rules: [{name, from: [groups or codes], to: [...] | to_except: [...]}]");
    preset->excludes(rules);
    rules->excludes(preset);
    cmd->add_option(
        "--classes", args->req.classes,
        "Class table for groups and names: clcd (default), worldcover, globeland30 or a CSV "
        "code,name,group");
    cmd->add_option("--mmu-pixels", args->req.mmu_pixels,
                    "Minimum mapping unit in cells (default 4): smaller patches are 'below-mmu'")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--connectivity", args->req.connectivity,
                    "8 (default) or 4 neighbours join cells into patches")
        ->check(CLI::IsMember({4, 8}));
    cmd->add_option(
        "--permitted", args->req.permitted,
        "Polygons of approved activities (PATH[:LAYER]); patches mostly inside are 'permitted'");
    cmd->add_option(
        "--permitted-min-share", args->req.permitted_min_share,
        "Share of a patch's area that must lie inside --permitted polygons (default 0.5)");
    cmd->add_option(
        "--matrix", args->matrix,
        "Transition matrix output: .csv or .json (default: CSV on stdout when no --patches)");
    cmd->add_option("--patches", args->patches,
                    "Patch output: .gpkg (with polygons), .csv or .json");
    cmd->add_option("--mode", args->req.mode,
                    "exact (default): coverage-weighted; centroid: cells whose centre is inside")
        ->check(CLI::IsMember({"exact", "centroid"}));
    cmd->add_option("--tile-size", args->req.tile_size,
                    "Cells per tile side (default 1024); speed and memory only")
        ->check(CLI::PositiveNumber);
    add_layer_policy_options(cmd, args->req.policy,
                             {"zones (and permitted polygons) into the raster CRS (edges "
                              "densified first)",
                              "", "--zones-crs", "a zones layer that declares none"});
    add_common_options(cmd, args->common);
    add_long_run_options(cmd, args->long_run);
    cmd->footer(
        "\nMatrix columns: zone,from,to,area_m2,cells,from_name,to_name (nodata as 'nodata').\n"
        "Patch columns: "
        "patch_id,zone,rule,from,to,pixels,area_m2,x,y,lon,lat,status,permitted_share,\n"
        "  from_name,to_name; from/to are the patch's majority classes; ids ordered by zone, then\n"
        "  top-left cell. A summary per rule goes to stderr and into JSON outputs.\n\n"
        "Examples:\n"
        "  redline change --t0 lc_2015.tif --t1 lc_2020.tif --zones plan.gpkg:redline --id code "
        "\\\n"
        "                 --matrix matrix.csv --patches patches.gpkg --permitted "
        "plan.gpkg:permitted\n"
        "  redline change --t0 a.tif --t1 b.tif --zones plan.gpkg:cropland --preset cropland "
        "--mmu-pixels 9\n\n"
        "Exit codes: 0 ok, 2 invalid input or usage, 3 I/O error, 4 unsupported, 1 internal "
        "error.");
    cmd->callback([args] { run(*args); });
}

}  // namespace

REDLINE_REGISTER_COMMAND(add_change_command, 30);

}  // namespace redline::cli
