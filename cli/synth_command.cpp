#include <fmt/format.h>

#include <memory>

#include "cli_support.hpp"
#include "commands.hpp"
#include "redline/synth/synth_job.hpp"

namespace redline::cli {
namespace {

struct SynthArgs {
    SynthRequest req;
    CommonOptions common;
};

void run(SynthArgs& a) {
    a.req.options.threads = a.common.threads;
    auto progress = make_progress(a.common);
    a.req.progress = progress.get();
    a.req.cancel = &cancel_token();
    const SynthReport rep = run_synth_job(a.req);
    for (const auto& f : rep.files) info(a.common, fmt::format("wrote {}: {}", f.path, f.what));
}

void add_synth_command(CLI::App& app) {
    auto args = std::make_shared<SynthArgs>();
    CLI::App* cmd = app.add_subcommand(
        "synth",
        "Write deterministic synthetic test and benchmark data into OUTDIR.\n\n"
        "A coastal province in CGCS2000 Albers (+proj=aea +lat_1=25 +lat_2=47 +lon_0=105, GRS80):\n"
        "  lc_t0.tif, lc_t1.tif  land cover at two dates: N x N cells, tiled 512 x 512, DEFLATE, "
        "uint8\n"
        "                        CLCD codes (1 cropland, 2 forest, 3 shrub, 4 grassland, 5 water,\n"
        "                        6 snow/ice, 7 barren, 8 impervious, 9 wetland), nodata 0 on a "
        "margin\n"
        "                        around the edge, sea (5) east of a wavy coast; patches come from\n"
        "                        multi-octave value noise bent by the planning layers\n"
        "  plan.gpkg             layers redline (--zones star-shaped polygons of 32..1500 "
        "vertices,\n"
        "                        some with holes, some multipolygons), cropland (3 x --zones, a "
        "few\n"
        "                        overlapping the redline), protected, urban, permitted "
        "(corridors),\n"
        "                        land (the raster extent minus the sea), regions (4..9, tiling "
        "the\n"
        "                        land) and shoreline (typed coast lines; island = 1 for islands)\n"
        "  planted_changes.csv   t1 = t0 plus planted patches (1, 3 and 4 cells, diagonal pairs "
        "and\n"
        "                        blobs): natural -> impervious/cropland inside redline polygons,\n"
        "                        cropland -> impervious inside cropland blocks, and some outside\n"
        "  planted_cells.csv     every changed cell of every patch\n\n"
        "With --survey-parcels N, a land-use survey (三调 地类图斑) in CGCS2000 GK zone 39 "
        "(EPSG:4527,\n"
        "zone prefix in the easting), a coverage of jittered octagons (no gaps, no overlaps):\n"
        "  survey_t0.gpkg        layer DLTB: BSM,TBBH,DLBM (text codes such as 0101),DLMC,KCXS "
        "(0.02..0.15\n"
        "                        on 01xx cropland, 0 elsewhere),TBMJ (survey-convention area, "
        "0.01 m2),\n"
        "                        KCMJ,TBDLMJ; codes clustered by landscape (paddy, forest, "
        "village...)\n"
        "  survey_t1.gpkg        the same a year later: ~1 % of parcels recoded or split "
        "(survey_changes.csv)\n"
        "  survey_zones.gpkg     layer redline: --zones star polygons, some reaching outside the "
        "survey\n"
        "  survey_defects.csv    the parcels --survey-defects enlarged (overlap) or shrank "
        "(gap)\n\n"
        "The same arguments give byte-identical files for any --threads. All polygons are valid\n"
        "(OGC/GEOS) by construction.");
    cmd->add_option("OUTDIR", args->req.outdir, "Directory to write into (created when missing)")
        ->required();
    cmd->add_option("--size", args->req.options.size,
                    "Raster side in cells (default 2048; 16000 for benchmarks)")
        ->check(CLI::Range(std::int64_t{64}, std::int64_t{1000000}));
    cmd->add_option("--zones", args->req.options.zones, "Number of redline polygons (default 200)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--seed", args->req.options.seed,
                    "Random seed (default 1); another seed, another province");
    cmd->add_option("--cell-size", args->req.options.cell_size_m,
                    "Cell size in metres (default 30)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--x0", args->req.options.x0,
                    "x of the raster's left edge in Albers metres (default 600000)");
    cmd->add_option("--y0", args->req.options.y0,
                    "y of the raster's top edge in Albers metres (default 3600000)");
    cmd->add_option("--survey-parcels", args->req.survey.parcels,
                    "Also write a land-use survey (三调 DLTB) of about N parcels in GK zone 39: "
                    "survey_t0.gpkg, survey_t1.gpkg, survey_zones.gpkg (--zones zones), "
                    "survey_changes.csv, survey_defects.csv (default 0: none)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--survey-parcel-size", args->req.survey.parcel_size_m,
                    "Side of the survey's parcel lattice in metres (default 100: ~1 ha parcels)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--survey-defects", args->req.survey.defects,
                    "Deliberate coverage defects in the survey: alternately a parcel enlarged by "
                    "15 % (overlaps) and one shrunk by 15 % (a gap), listed in survey_defects.csv "
                    "(default 0)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--survey-format", args->req.survey.format,
                    "gpkg (default): survey_t0.gpkg, survey_t1.gpkg; gdb: File Geodatabases "
                    "survey_t0.gdb, survey_t1.gdb (layer DLTB); shp: GBK (CP936) shapefiles "
                    "survey_t0_shp/DLTB.shp, survey_t1_shp/DLTB.shp")
        ->check(CLI::IsMember({"gpkg", "gdb", "shp"}));
    cmd->add_flag("--survey-only", args->req.survey_only,
                  "Write only the survey files (no rasters, plan.gpkg or planted_*.csv)");
    add_common_options(cmd, args->common);
    cmd->footer(
        "\nplanted_changes.csv columns: "
        "patch_id,shape,from,to,cells,area_m2,x,y,col,row,layer,zone,\n"
        "  redline,cropland,protected,urban,permitted -- x,y is the centroid of the patch's cell "
        "centres,\n"
        "  col,row its first cell; layer/zone say where it was planted; the last five columns list "
        "the\n"
        "  codes of the polygons of each layer that hold the centres of all the patch's cells.\n\n"
        "Examples:\n"
        "  redline synth /tmp/demo\n"
        "  redline synth /tmp/bench --size 16000 --zones 4000 --seed 7\n"
        "  redline synth /tmp/survey --survey-only --survey-parcels 200000 --zones 300\n"
        "  redline tabulate --landuse /tmp/survey/survey_t0.gpkg --class-field DLBM --deduct-field "
        "KCXS \\\n"
        "                   --zones /tmp/survey/survey_zones.gpkg --id code --check-field TBMJ\n"
        "  redline zonal --raster /tmp/demo/lc_t0.tif --zones /tmp/demo/plan.gpkg:redline --id "
        "code\n\n"
        "Exit codes: 0 ok, 2 invalid input or usage, 3 I/O error, 1 internal error.");
    cmd->callback([args] { run(*args); });
}

}  // namespace

REDLINE_REGISTER_COMMAND(add_synth_command, 90);

}  // namespace redline::cli
