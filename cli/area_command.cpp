#include <fmt/format.h>

#include <memory>

#include "cli_support.hpp"
#include "commands.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/ops/overlay/area.hpp"

namespace redline::cli {
namespace {

struct AreaArgs {
    AreaRequest req;
    CommonOptions common;
    std::string output;
};

void run(AreaArgs& a) {
    check_output(a.output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}, "--output");
    a.req.threads = a.common.threads;
    auto progress = make_progress(a.common);
    a.req.progress = progress.get();
    a.req.cancel = &cancel_token();
    AreaReport rep = run_area(a.req);
    if (progress) progress->finish();
    warn_all(rep.warnings);
    rep.write(a.output);
    const auto s = rep.summary();
    std::string msg =
        fmt::format("{} row{}, total {} m2", rep.rows.size(), rep.rows.size() == 1 ? "" : "s",
                    format_real(s["area_m2"].get<double>(), 2));
    if (rep.within)
        msg += fmt::format(" inside a boundary of {} m2", format_real(rep.boundary_area_m2, 2));
    msg += fmt::format(" (ellipsoidal, {})", rep.ellipsoid);
    if (!a.output.empty()) msg = fmt::format("wrote {} to {}", msg, a.output);
    info(a.common, msg);
}

void add_area_command(CLI::App& app) {
    auto args = std::make_shared<AreaArgs>();
    CLI::App* cmd = app.add_subcommand(
        "area",
        "Ellipsoidal area of every polygon, or of dissolved groups (overlaps counted once).\n\n"
        "Areas are in m2 on CGCS2000/GRS80 whatever the layer's CRS: lon/lat polygons are "
        "measured\n"
        "with the exact ellipsoidal edge sum (edges straight in lon/lat, the 32号 convention), "
        "polygons in\n"
        "an equal-area projection (CGCS2000 Albers) by their exact plane area, and polygons in any "
        "other\n"
        "projection (Gauss-Kruger, UTM) after densifying their edges to --densify metres and\n"
        "inverse-projecting them -- never by a plane area of a conformal projection. --dissolve "
        "and\n"
        "--dissolve-by compute the union of each group, so overlapping features count once, and "
        "report\n"
        "how much overlapped. --within keeps only the part inside a boundary (e.g. the land "
        "territory)\n"
        "and adds its share of the boundary.");
    cmd->add_option("--layer", args->req.layer,
                    "Polygon layer as PATH[:LAYER] (any OGR source); LAYER may be omitted when "
                    "PATH has one layer")
        ->required();
    cmd->add_option("--id", args->req.id_field,
                    "Field whose value names each row (default: the feature id); must be unique "
                    "without --dissolve");
    add_dissolve_options(
        cmd, args->req.dissolve, args->req.dissolve_by,
        "One row 'all' for the union of every feature (overlaps count once)",
        "One row per value of FIELD: the union of its features (overlaps count once)");
    cmd->add_option(
        "--within", args->req.within,
        "Boundary layer PATH[:LAYER]: measure only the part of each row inside the union of its "
        "features, and add share = area / boundary area");
    add_output_option(cmd, args->output, ".csv, .json or .gpkg");
    add_layer_policy_options(
        cmd, args->req.policy,
        {"a --within layer in another CRS into the layer's CRS (edges densified first)",
         "measuring polygons of a non-equal-area projection and when reprojecting", "--layer-crs",
         "layers that declare none (e.g. EPSG:4326 for TopoJSON/GeoJSON)"});
    add_common_options(cmd, args->common);
    cmd->footer(
        "\nOutput columns:\n"
        "  per feature:            id,area_m2[,share]                     in feature order\n"
        "  --dissolve/--dissolve-by: group,area_m2,sum_m2,overlap_m2[,share] in order of first "
        "appearance\n"
        "  area_m2 = union area, sum_m2 = sum of the features' areas, overlap_m2 = sum_m2 - "
        "area_m2;\n"
        "  the group of --dissolve is 'all'; share = area_m2 / area of the --within boundary's "
        "union.\n"
        "  JSON output adds a \"summary\" with totals.\n\n"
        "Examples:\n"
        "  redline area --layer plan.gpkg:redline --id code --output redline_area.csv\n"
        "  redline area --layer plan.gpkg:protected --dissolve --within land.gpkg --output "
        "pa_share.json\n"
        "  redline area --layer plan.gpkg:redline --dissolve-by province\n"
        "  redline area --layer cn-atlas.json:provinces --id 地名 --layer-crs EPSG:4326 "
        "--make-valid\n\n"
        "Exit codes: 0 ok, 2 invalid input or usage, 3 I/O error, 4 unsupported, 1 internal "
        "error.");
    cmd->callback([args] { run(*args); });
}

}  // namespace

REDLINE_REGISTER_COMMAND(add_area_command, 20);

}  // namespace redline::cli
