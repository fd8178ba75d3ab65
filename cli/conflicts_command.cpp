#include <fmt/format.h>

#include <memory>

#include "cli_support.hpp"
#include "commands.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/ops/overlay/conflicts.hpp"

namespace redline::cli {
namespace {

struct ConflictsArgs {
    ConflictsRequest req;
    CommonOptions common;
    std::string output;
};

void run(ConflictsArgs& a) {
    const TableFormat f = check_output(
        a.output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}, "--output");
    a.req.keep_geometry = f == TableFormat::Gpkg;
    a.req.threads = a.common.threads;
    auto progress = make_progress(a.common);
    a.req.progress = progress.get();
    a.req.cancel = &cancel_token();
    ConflictsReport rep = run_conflicts(a.req);
    if (progress) progress->finish();
    warn_all(rep.warnings);
    rep.write(a.output);
    for (const auto& line : rep.summary_lines()) info(a.common, line);
    if (!a.output.empty())
        info(a.common, fmt::format("wrote {} conflict rows to {}", rep.rows.size(), a.output));
}

void add_conflicts_command(CLI::App& app) {
    auto args = std::make_shared<ConflictsArgs>();
    CLI::App* cmd = app.add_subcommand(
        "conflicts",
        "Overlaps between planning layers (三区三线: redline, farmland, urban boundary), on the "
        "ellipsoid.\n\n"
        "Lists every overlap between a feature of one layer and a feature of another, with its "
        "area in m2\n"
        "on CGCS2000/GRS80. Touching boundaries are not conflicts; overlaps smaller than "
        "--min-area are\n"
        "slivers, counted in the summary but not listed. A summary per layer pair goes to stderr "
        "(and to\n"
        "JSON output). Intersections are computed in the first layer's CRS; other layers must be "
        "in it\n"
        "or be transformed with --reproject. Results are identical for any --threads.");
    cmd->add_option("--layer", args->req.layers,
                    "Polygon layer as PATH[:LAYER]; give it once per layer (at least two, or one "
                    "with --self)")
        ->required();
    cmd->add_option(
        "--id", args->req.id_fields,
        "Key field of the layers (default: the feature id): once for every layer, or once per "
        "--layer in the same order (\"\" = feature id for that layer)");
    cmd->add_option("--min-area", args->req.min_area_m2,
                    "Overlaps below this area (m2) are slivers: counted, not listed (default 1)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--self", args->req.self,
                  "Also report overlaps between features of the same layer");
    add_output_option(cmd, args->output, ".csv, .json or .gpkg (with the overlap polygons)");
    add_layer_policy_options(
        cmd, args->req.policy,
        {"layers in another CRS into the first layer's CRS (edges densified first)",
         "measuring polygons of a non-equal-area projection and when reprojecting", "--layer-crs",
         "layers that declare none (e.g. EPSG:4326 for GeoJSON)"});
    add_common_options(cmd, args->common);
    cmd->footer(
        "\nOutput columns: layer_a,id_a,layer_b,id_b,area_m2 (+ the overlap polygon in .gpkg "
        "output)\n"
        "  one row per overlap of at least --min-area m2; layer pairs in --layer order ((1,2), "
        "(1,3),\n"
        "  (2,3); with --self each layer's own pair first), rows sorted by id_a then id_b "
        "(integers\n"
        "  numerically). JSON output adds \"summary\": per layer pair conflicts, area_m2, "
        "slivers,\n"
        "  sliver_area_m2 and pass (no conflict).\n\n"
        "Examples:\n"
        "  redline conflicts --layer plan.gpkg:redline --layer plan.gpkg:cropland --layer "
        "plan.gpkg:urban\n"
        "  redline conflicts --layer plan.gpkg:redline --layer plan.gpkg:cropland --id code "
        "--output c.gpkg\n"
        "  redline conflicts --layer ecr.shp --layer pbf.gpkg --id ecr_id --id pbf_id --reproject "
        "--min-area 10\n\n"
        "Exit codes: 0 ok (conflicts or not), 2 invalid input or usage, 3 I/O error, 4 "
        "unsupported,\n"
        "1 internal error.");
    cmd->callback([args] { run(*args); });
}

}  // namespace

REDLINE_REGISTER_COMMAND(add_conflicts_command, 21);

}  // namespace redline::cli
