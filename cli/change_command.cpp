// `redline change`: two-date transition matrix and violation patches inside zones (issue #4).
#include <fmt/format.h>

#include <memory>

#include "cli_support.hpp"
#include "commands.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/ops/change/change_job.hpp"
#include "redline/ops/change/survey_change.hpp"

namespace redline::cli {
namespace {

struct ChangeArgs {
    ChangeRequest req;
    CommonOptions common;
    LongRunOptions long_run;
    std::string matrix, patches;
    // Vector inputs (two survey years).
    SurveyChangeRequest survey;
    std::string convention;
    std::string on_overlap = "error";
    CLI::App* cmd = nullptr;
};

bool given(const ChangeArgs& a, const char* name) { return a.cmd->count(name) > 0; }

// `change` with --t0-layer/--t1-layer: the transition matrix and patches of two survey layers.
void run_vector(ChangeArgs& a) {
    for (const char* raster_only :
         {"--t0", "--t1", "--band", "--mode", "--mmu-pixels", "--connectivity", "--tile-size",
          "--checkpoint", "--resume", "--task-range", "--max-memory"})
        if (a.cmd->get_option_no_throw(raster_only) && given(a, raster_only))
            fail(ErrorKind::InvalidInput,
                 fmt::format("{} is an option of rasters (--t0/--t1); with --t0-layer/--t1-layer "
                             "give vector layers only{}",
                             raster_only,
                             std::string(raster_only) == "--mmu-pixels"
                                 ? " (the minimum mapping unit of patches is --mmu-m2)"
                                 : ""));
    if (!given(a, "--t0-layer") || !given(a, "--t1-layer"))
        fail(ErrorKind::InvalidInput,
             "--t0-layer and --t1-layer go together: the survey layers of the two years");
    if (!given(a, "--class-field"))
        fail(ErrorKind::InvalidInput,
             "--class-field is required with --t0-layer/--t1-layer: the field of the land-use "
             "codes in both layers (DLBM)");
    if (!a.matrix.empty())
        check_output(a.matrix, {TableFormat::Csv, TableFormat::Json}, "--matrix");
    if (!a.patches.empty()) {
        auto f = check_output(a.patches, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg},
                              "--patches");
        a.survey.patch_geometry = (f == TableFormat::Gpkg);
    }
    SurveyChangeRequest& r = a.survey;
    r.zones = a.req.zones;
    r.id_field = a.req.id_field;
    r.preset = a.req.preset;
    r.rules_path = a.req.rules_path;
    if (given(a, "--classes")) r.classes = a.req.classes;
    r.permitted = a.req.permitted;
    r.permitted_min_share = a.req.permitted_min_share;
    r.policy = a.req.policy;
    r.policy.naming.role = LayerRole::Overlay;
    if (!a.convention.empty()) r.convention = parse_area_convention(a.convention);
    r.on_overlap = parse_on_overlap(a.on_overlap);
    r.threads = a.common.threads;
    auto progress = make_progress(a.common);
    r.progress = progress.get();
    r.cancel = &cancel_token();
    SurveyChangeReport rep = run_survey_change(r);
    if (progress) progress->finish();
    warn_all(rep.warnings);
    const bool to_stdout = a.matrix.empty() && a.patches.empty();
    if (!a.matrix.empty() || to_stdout) rep.write_matrix(a.matrix == "-" ? "" : a.matrix);
    if (!a.patches.empty()) rep.write_patches(a.patches);
    std::fputs(rep.summary_text().c_str(), stderr);
}

void run(ChangeArgs& a) {
    if (given(a, "--t0-layer") || given(a, "--t1-layer")) return run_vector(a);
    for (const char* vector_only : {"--class-field", "--mmu-m2", "--area-convention",
                                    "--on-overlap", "--dissolve", "--dissolve-by"})
        if (given(a, vector_only))
            fail(ErrorKind::InvalidInput,
                 fmt::format("{} is an option of survey layers (--t0-layer/--t1-layer); the "
                             "raster inputs --t0/--t1 do not take it",
                             vector_only));
    for (const char* date : {"--t0", "--t1"})
        if (!given(a, date))
            fail(ErrorKind::InvalidInput,
                 fmt::format("{} is required: give the two dates as --t0 and --t1 (rasters on the "
                             "same grid) or as --t0-layer and --t1-layer with --class-field "
                             "(land-use survey layers)",
                             date));
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
        "--mmu-pixels cells; still counted in the matrix and totals).\n\n"
        "With --t0-layer/--t1-layer and --class-field, two land-use survey years (三调/变更调查 "
        "DLTB\n"
        "polygons) take the rasters' place: see 'Survey layers' below.");
    args->cmd = cmd;
    cmd->add_option("--t0", args->req.t0, "Land-use raster at the first date");
    cmd->add_option("--t1", args->req.t1,
                    "Land-use raster at the second date (same CRS, origin, cell size and size)");
    cmd->add_option("--t0-layer", args->survey.t0_layer,
                    "Instead of --t0: land-use survey polygons of the first year as PATH[:LAYER] "
                    "(三调/变更调查 DLTB; GeoPackage, FileGDB, GBK shapefile)");
    cmd->add_option("--t1-layer", args->survey.t1_layer,
                    "Instead of --t1: the survey polygons of the second year (parcel boundaries "
                    "may differ; same CRS as --t0-layer unless --reproject)");
    cmd->add_option("--class-field", args->survey.class_field,
                    "With --t0-layer/--t1-layer: field of the land-use codes in both layers "
                    "(DLBM), kept as written (0101 stays 0101)");
    add_dissolve_options(cmd, args->survey.dissolve, args->survey.dissolve_by,
                         "With layers: one zone 'all', the union of every zone feature",
                         "With layers: one zone per value of FIELD (union)");
    cmd->add_option("--mmu-m2", args->survey.mmu_m2,
                    "With layers: minimum mapping unit in m2 (default 0): smaller patches are "
                    "'below-mmu'")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--area-convention", args->convention,
                    "With layers: survey | geodesic (default: survey for a Gauss-Kruger t0 "
                    "layer, geodesic otherwise), as in tabulate; recorded in the outputs")
        ->check(CLI::IsMember({"survey", "geodesic"}));
    cmd->add_option("--on-overlap", args->on_overlap,
                    "With layers: error (default): overlapping parcels in either layer stop the "
                    "run; first: an overlapping area counts once, for the first parcel")
        ->check(CLI::IsMember({"error", "first"}));
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
        "code,name,group; with layers: gbt21010 (default) or a CSV code,name (names only)");
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
                              "", "--zones-crs",
                              "a zones layer that declares none (with --t0-layer/--t1-layer, also "
                              "of survey layers that declare none)"});
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
        "Survey layers (--t0-layer/--t1-layer --class-field, issue #17): the matrix is the area "
        "of\n"
        "  zone ∩ parcel_t0 ∩ parcel_t1 (exact polygon intersections, ellipsoidal area in\n"
        "  --area-convention) by (t0 code, t1 code), codes as written; 'uncovered' stands for\n"
        "  zone area one layer covers and the other does not; cells = number of pieces.\n"
        "  Rules name code prefixes ('01' = every 01xx code, '0307' = 0307 and 0307K) or survey\n"
        "  groups: cropland garden forest grassland built_up (05-10) water other wetland natural\n"
        "  human. Preset redline: natural (00 03 04 1101 1102 1105 1106 1108 1110 1204-1207) ->\n"
        "  human (01 05-10); cropland: 01 -> anything else. Patches: flagged pieces dissolved per\n"
        "  (zone, rule, from, to), one patch per connected polygon; pixels = pieces in it;\n"
        "  below-mmu when area_m2 < --mmu-m2. Same bytes for any --threads.\n"
        "  redline change --t0-layer dltb_2022.gdb:DLTB --t1-layer dltb_2023.gdb:DLTB \\\n"
        "                 --class-field DLBM --zones plan.gpkg:redline --matrix m.csv "
        "--patches p.gpkg\n\n"
        "Exit codes: 0 ok, 2 invalid input or usage (with layers also: missing class field, "
        "layers in\n"
        "different CRSs without --reproject, overlapping parcels, raster and layer inputs "
        "mixed),\n"
        "3 I/O error, 4 unsupported, 1 internal error.");
    cmd->callback([args] { run(*args); });
}

}  // namespace

REDLINE_REGISTER_COMMAND(add_change_command, 30);

}  // namespace redline::cli
