#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli_support.hpp"
#include "commands.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/ops/overlay/validate.hpp"

namespace redline::cli {
namespace {

// Exit code when the layer has problems (the contract).
constexpr int kProblemsFound = 5;

struct ValidateArgs {
    ValidateRequest req;
    CommonOptions common;
    std::string output;
};

void run(ValidateArgs& a) {
    check_output(a.output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}, "--output");
    a.req.threads = a.common.threads;
    auto progress = make_progress(a.common);
    a.req.progress = progress.get();
    a.req.cancel = &cancel_token();
    ValidationReport rep = run_validate(a.req);
    if (progress) progress->finish();
    warn_all(rep.warnings);
    rep.write(a.output);
    for (const auto& line : rep.summary_lines()) info(a.common, line);
    if (!a.output.empty())
        info(a.common, fmt::format("wrote {} problem rows to {}", rep.problems.size(), a.output));
    if (!rep.clean()) throw ExitStatus{kProblemsFound};  // the output is complete and committed
}

void add_validate_command(CLI::App& app) {
    auto args = std::make_shared<ValidateArgs>();
    CLI::App* cmd = app.add_subcommand(
        "validate",
        "Check a polygon layer before an overlay: every problem, per feature, with a location.\n\n"
        "Reports: missing CRS, empty and non-polygonal geometries, invalid geometries (GEOS's "
        "reason\n"
        "and location: self-intersections, ring self-touches, holes outside shells...), "
        "coordinates\n"
        "that cannot be in the CRS (latitudes beyond 90, projected points far outside the CRS's "
        "area\n"
        "of use: swapped axes, a missing zone prefix), duplicate ids, duplicate geometries and\n"
        "overlaps between features of the layer (with their ellipsoidal area). Exits 0 when the "
        "layer\n"
        "is clean and 5 when problems were found; the table is written in both cases.");
    cmd->add_option("--layer", args->req.layer,
                    "Polygon layer as PATH[:LAYER] (any OGR source); LAYER may be omitted when "
                    "PATH has one layer")
        ->required();
    cmd->add_option(
        "--id", args->req.id_field,
        "Field whose value names each feature (default: the feature id); duplicates are reported");
    cmd->add_option(
        "--layer-crs", args->req.layer_crs,
        "CRS to assume when the layer declares none (still reported as missing_crs), so "
        "coordinates and overlap areas can be checked");
    cmd->add_option(
           "--min-overlap", args->req.min_overlap_m2,
           "Report overlaps larger than this area in m2 (default 0: every overlap with an area)")
        ->check(CLI::NonNegativeNumber);
    add_output_option(cmd, args->output, ".csv, .json or .gpkg (problem locations as points)");
    add_encoding_option(cmd, args->req.encoding);
    add_common_options(cmd, args->common);
    cmd->footer(
        "\nOutput columns: id,fid,problem,detail,x,y,area_m2\n"
        "  problem is one of missing_crs (a layer-level row with no id), empty_geometry, "
        "non_polygonal,\n"
        "  invalid_geometry, outside_crs_area, duplicate_id, duplicate_geometry (on the later "
        "feature),\n"
        "  overlap (once per pair, on the earlier feature, naming the other); x,y locate the "
        "problem in\n"
        "  the layer's coordinates; area_m2 is the ellipsoidal area of an overlap or duplicate.\n"
        "  Rows are in feature order. JSON output adds a \"summary\" with counts per problem.\n\n"
        "Examples:\n"
        "  redline validate --layer plan.gpkg:redline --id code\n"
        "  redline validate --layer cn-atlas.json:provinces --id 地名 --layer-crs EPSG:4326 "
        "--output p.csv\n"
        "  redline validate --layer plan.gpkg:cropland --output problems.gpkg || echo \"fix the "
        "layer\"\n\n"
        "Exit codes: 0 no problem, 5 problems found (see the table), 2 invalid input or usage,\n"
        "3 I/O error, 4 unsupported, 1 internal error.");
    cmd->callback([args] { run(*args); });
}

}  // namespace

REDLINE_REGISTER_COMMAND(add_validate_command, 22);

}  // namespace redline::cli
