// `redline shoreline`: the mainland natural-shoreline share (大陆自然岸线保有率) with geodesic
// lengths. The engine is ops/shoreline/shoreline.hpp; this file only maps options and prints.
#include <fmt/format.h>

#include <cmath>
#include <memory>

#include "cli_support.hpp"
#include "commands.hpp"
#include "redline/core/error.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/ops/shoreline/shoreline.hpp"

namespace redline::cli {
namespace {

struct ShorelineArgs {
    ShorelineRequest req;
    CommonOptions common;
    std::string land_side = "left";
    std::string estuary_rule = "total";
    std::string output;
    std::string segments;
};

void run(ShorelineArgs& a) {
    // Check the output paths before the work starts.
    check_output(a.output, {TableFormat::Csv, TableFormat::Json}, "--output");
    if (!a.segments.empty()) {
        if (a.segments == "-")
            fail(ErrorKind::InvalidInput,
                 "--segments needs a file path (.gpkg or .csv), not stdout");
        check_output(a.segments, {TableFormat::Gpkg, TableFormat::Csv}, "--segments");
    }
    a.req.land_side = a.land_side == "right" ? Side::Right : Side::Left;
    a.req.estuary_rule = parse_estuary_rule(a.estuary_rule);
    a.req.keep_pieces = !a.segments.empty();
    a.req.threads = a.common.threads;
    auto progress = make_progress(a.common);
    a.req.progress = progress.get();
    a.req.cancel = &cancel_token();
    ShorelineReport rep = run_shoreline(a.req);
    if (progress) progress->finish();
    warn_all(rep.warnings);
    rep.write(a.output, a.segments);
    const ShorelineTotals& t = rep.rows.front().totals;
    const double share = t.share_percent();
    info(a.common,
         fmt::format(
             "mainland shoreline {:.3f} km: natural {:.3f} km, artificial {:.3f} km, estuary "
             "{:.3f} km; natural share {} (target {} %){}",
             t.total_m() / 1000.0, t.natural_m / 1000.0, t.artificial_m / 1000.0,
             t.estuary_m / 1000.0,
             std::isfinite(share) ? fmt::format("{:.2f} %", share) : std::string("undefined"),
             rep.target_percent,
             a.segments.empty()
                 ? std::string()
                 : fmt::format("; {} pieces written to {}", rep.pieces.size(), a.segments)));
}

void add_shoreline_command(CLI::App& app) {
    auto args = std::make_shared<ShorelineArgs>();
    ShorelineRequest& r = args->req;
    CLI::App* cmd = app.add_subcommand(
        "shoreline",
        "Mainland natural-shoreline share (大陆自然岸线保有率, target >= 35 %) with geodesic "
        "lengths.\n\n"
        "Lengths: every length is geodesic on CGCS2000/GRS80 (the sum of ellipsoidal geodesics "
        "between\n"
        "consecutive vertices, PROJ geodesic.h). A line stored in a projected CRS (Albers, "
        "Gauss-Kruger)\n"
        "is first densified in its plane to --densify metres and inverse-projected, so planar "
        "lengths,\n"
        "which are off by up to a few percent, are never summed. Each line is cut into equal "
        "pieces of\n"
        "at most --piece-m metres; every piece gets a class and counts whole.\n\n"
        "Classes, from ONE of:\n"
        "  --class-field FIELD  the line's attribute: values in --natural are natural, values in\n"
        "                       --estuary are estuary, every other value is artificial (or only "
        "those\n"
        "                       in --artificial, when given: other values are then an error).\n"
        "  --raster LC.tif      a land-use raster: a piece is artificial when at least 50 % of "
        "the\n"
        "                       valid area of its landward strip (--buffer-m wide, exact cell "
        "coverage,\n"
        "                       ellipsoidal cell areas) is in --artificial-classes (default: the\n"
        "                       built_up group of the --classes table); ties are artificial. "
        "Pieces are\n"
        "                       also cut where the land use next to them changes. A piece whose "
        "strip\n"
        "                       has no valid cell is 'unclassified' and left out of the share.\n\n"
        "Landward side: with --mainland, the side of the piece inside the mainland polygon; "
        "otherwise\n"
        "--land-side (default left of the line's direction: GSHHG shorelines run with land on the "
        "left).\n\n"
        "Mainland: with --mainland, only pieces whose midpoint is within --snap-m of the mainland\n"
        "polygon's boundary count; the others (islands) are summed in island_m and excluded from "
        "the\n"
        "share. Estuary pieces count in total_m but not in natural_m (--estuary-rule).");
    cmd->add_option("--lines", r.lines,
                    "Shoreline layer as PATH[:LAYER] (LineString / MultiLineString)")
        ->required();
    cmd->add_option("--lines-crs", r.lines_crs,
                    "CRS of a line layer that declares none (e.g. EPSG:4326)");
    auto* field = cmd->add_option(
        "--class-field", r.class_field,
        "Classify by this attribute of the lines (values compared trimmed, case-insensitive)");
    auto* nat =
        cmd->add_option(
               "--natural", r.natural_values,
               "Values of --class-field that are natural, comma-separated (default: natural, "
               "bedrock, sandy, muddy, biological, restored and 自然岸线, 基岩岸线, 砂质岸线, "
               "淤泥质岸线, 生物岸线, 整治修复岸线)")
            ->delimiter(',');
    auto* est =
        cmd->add_option(
               "--estuary", r.estuary_values,
               "Values of --class-field that are estuary shoreline: in the total, not natural "
               "(default: estuary, 河口岸线)")
            ->delimiter(',');
    auto* art =
        cmd->add_option(
               "--artificial", r.artificial_values,
               "Values of --class-field that are artificial; when given, a value in none of the "
               "three lists is an error (default: every other value is artificial)")
            ->delimiter(',');
    auto* rule =
        cmd->add_option("--estuary-rule", args->estuary_rule,
                        "How estuary shoreline enters the share: total (default: in total_m, not "
                        "natural), natural (in both), excluded (in neither)")
            ->check(CLI::IsMember({"total", "natural", "excluded"}));
    rule->needs(field);
    nat->needs(field);
    est->needs(field);
    art->needs(field);
    auto* ras = cmd->add_option("--raster", r.raster,
                                "Classify with this land-use raster of integer class codes");
    field->excludes(ras);
    ras->excludes(field);
    auto* band = cmd->add_option("--band", r.band, "Band of the raster (default 1)")
                     ->check(CLI::PositiveNumber);
    auto* artc =
        cmd->add_option("--artificial-classes", r.artificial_classes,
                        "Raster codes or class-table groups that are artificial, comma-separated "
                        "(default: the built_up group, e.g. CLCD 8 Impervious)")
            ->delimiter(',');
    auto* buf = cmd->add_option("--buffer-m", r.buffer_m,
                                "Width of the landward strip in metres (default 100)");
    auto* cls = cmd->add_option(
        "--classes", r.classes,
        "Class table of the raster: clcd (default), worldcover, globeland30, or a CSV "
        "code,name[,group]; codes it does not know count as no data");
    band->needs(ras);
    artc->needs(ras);
    buf->needs(ras);
    cls->needs(ras);
    cmd->add_option("--land-side", args->land_side,
                    "Landward side when --mainland does not decide it: left (default, GSHHG) or "
                    "right of the "
                    "line's direction")
        ->check(CLI::IsMember({"left", "right"}));
    cmd->add_option("--piece-m", r.piece_m, "Longest piece in metres (default 100)");
    cmd->add_option(
        "--densify", r.densify_m,
        "Longest edge in metres before inverse projection of projected lines (default 100)");
    auto* mainland =
        cmd->add_option("--mainland", r.mainland,
                        "Mainland polygon(s) as PATH[:LAYER]: pieces off its boundary are islands");
    cmd->add_option("--mainland-crs", r.mainland_crs,
                    "CRS of a --mainland layer that declares none")
        ->needs(mainland);
    cmd->add_option(
           "--snap-m", r.snap_m,
           "Distance from the mainland boundary within which a piece is mainland (default 50)")
        ->needs(mainland);
    auto* by =
        cmd->add_option("--by", r.by, "Region polygons as PATH[:LAYER]: one output row per region");
    auto* byid = cmd->add_option("--by-id", r.by_id,
                                 "Field naming the regions (features sharing a value are merged)");
    cmd->add_option("--by-crs", r.by_crs,
                    "CRS of a --by layer that declares none (e.g. EPSG:4326 for TopoJSON)")
        ->needs(by);
    by->needs(byid);
    byid->needs(by);
    cmd->add_option("--by-snap-m", r.by_snap_m,
                    "A piece outside every region goes to the nearest region within this distance "
                    "(default 5000)")
        ->needs(by);
    cmd->add_flag(
        "--reproject", r.reproject,
        "Transform the lines into the raster CRS, and the --mainland/--by polygons into the "
        "working CRS (the raster's, else the lines'), instead of failing on a CRS mismatch");
    cmd->add_flag("--make-valid", r.make_valid,
                  "Repair invalid --mainland/--by polygons with GEOS MakeValid");
    cmd->add_option("--target", r.target_percent, "Target natural share in percent (default 35)");
    cmd->add_option(
        "--segments", args->segments,
        "Also write every classified piece with its length: .gpkg (with line geometry) or .csv");
    add_output_option(cmd, args->output, ".csv or .json (the summary)");
    add_encoding_option(cmd, r.encoding);
    add_common_options(cmd, args->common);
    cmd->footer(
        "\nOutput columns (one row 'all', then one per --by region in layer order):\n"
        "  region,natural_m,artificial_m,estuary_m,total_m,natural_share_percent,\n"
        "  target_percent,pass,margin_percent,island_m,unclassified_m\n"
        "  total_m = natural + artificial + estuary (mainland pieces); natural_share_percent = 100 "
        "*\n"
        "  natural_m / total_m; pass = true iff share >= target (equality passes); margin = "
        "share -\n"
        "  target; island_m = pieces off the mainland (empty without --mainland); unclassified_m "
        "=\n"
        "  mainland pieces with no valid raster cell landward.\n"
        "--segments columns: feature,part,piece,class,mainland,region,start_m,length_m,\n"
        "  artificial_percent,valid_percent (raster) | value (attribute),land_side,side_from\n\n"
        "Examples:\n"
        "  redline shoreline --lines coast.gpkg:coast --class-field type --natural "
        "sandy,bedrock,muddy\n"
        "  redline shoreline --lines coast.gpkg --raster clcd_2020.tif --reproject \\\n"
        "      --mainland china.gpkg:mainland --by provinces.gpkg --by-id adcode --segments "
        "pieces.gpkg\n\n"
        "Exit codes: 0 ok, 2 invalid input or usage, 3 I/O error, 4 unsupported, 1 internal "
        "error.");
    cmd->callback([args] { run(*args); });
}

}  // namespace

REDLINE_REGISTER_COMMAND(add_shoreline_command, 40);

}  // namespace redline::cli
