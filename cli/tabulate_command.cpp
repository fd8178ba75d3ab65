#include <fmt/format.h>

#include <memory>

#include "cli_support.hpp"
#include "commands.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/ops/tabulate/tabulate.hpp"

namespace redline::cli {
namespace {

struct TabulateArgs {
    TabulateRequest req;
    CommonOptions common;
    std::string output;
    std::string convention;
    std::string on_overlap = "error";
    std::string check_tolerance;
    std::string check_output;
};

void run(TabulateArgs& a) {
    check_output(a.output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}, "--output");
    if (!a.check_output.empty()) {
        if (a.req.check_field.empty())
            fail(ErrorKind::InvalidInput, "--check-output needs --check-field (e.g. TBMJ)");
        check_output(a.check_output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg},
                     "--check-output");
        if (a.check_output == "-")
            fail(ErrorKind::InvalidInput, "--check-output needs a file path, not stdout");
        if (a.check_output == a.output)
            fail(ErrorKind::InvalidInput, "--check-output and --output must be different files");
    }
    if (!a.check_tolerance.empty()) {
        if (a.req.check_field.empty())
            fail(ErrorKind::InvalidInput, "--check-tolerance needs --check-field (e.g. TBMJ)");
        a.req.check_tolerance = parse_check_tolerance(a.check_tolerance);
    }
    if (!a.convention.empty()) a.req.convention = parse_area_convention(a.convention);
    a.req.on_overlap = parse_on_overlap(a.on_overlap);
    a.req.threads = a.common.threads;
    auto progress = make_progress(a.common);
    a.req.progress = progress.get();
    a.req.cancel = &cancel_token();
    TabulateReport rep = run_tabulate(a.req);
    if (progress) progress->finish();
    warn_all(rep.warnings);
    rep.write(a.output);
    if (!a.check_output.empty()) rep.check.write(a.check_output);
    if (!rep.check.field.empty() && rep.check.rows.empty() && rep.check.missing == 0)
        info(a.common, rep.check.message(0));
    const auto s = rep.summary();
    std::string msg = fmt::format(
        "{} row{} for {} zone{} from {} parcel{}: {} m2 classified ({} m2 net), {} m2 uncovered "
        "({} convention, {})",
        rep.rows.size(), rep.rows.size() == 1 ? "" : "s", rep.zones, rep.zones == 1 ? "" : "s",
        rep.parcels, rep.parcels == 1 ? "" : "s", format_real(s["area_m2"].get<double>(), 2),
        format_real(s["net_area_m2"].get<double>(), 2), format_real(rep.uncovered_area_m2, 2),
        area_convention_name(rep.convention), rep.ellipsoid);
    if (!a.output.empty()) msg = fmt::format("wrote {} to {}", msg, a.output);
    info(a.common, msg);
}

void add_tabulate_command(CLI::App& app) {
    auto args = std::make_shared<TabulateArgs>();
    CLI::App* cmd = app.add_subcommand(
        "tabulate",
        "Class areas of a land-use survey layer (三调 地类图斑 DLTB) inside zones, gross and net "
        "of "
        "deductions.\n\n"
        "Each zone (a redline polygon, a county, a planning zone) is intersected exactly with the\n"
        "parcels of the land-use layer; the pieces' ellipsoidal areas are added per land-use "
        "code.\n"
        "area_m2 is the area of (zone ∩ parcels of the class), net_area_m2 deducts each parcel's\n"
        "coefficient (KCXS: field ridges and linear features), share is area_m2 over the zone "
        "area the\n"
        "layer covers, and a row class=uncovered holds the zone area no parcel covers.\n\n"
        "Area convention: 'survey' (the default for a Gauss-Kruger layer) measures like the "
        "national\n"
        "land survey (国土调查办发〔2008〕32号, TD/T 1055-2019): the vertices are "
        "inverse-projected to\n"
        "CGCS2000 lon/lat and every edge adds an ellipsoidal trapezoid, without densifying, as "
        "the\n"
        "survey computed TBMJ. 'geodesic' (the default otherwise, and the "
        "convention of\n"
        "every other command) measures edges straight in the layer's plane, densified to "
        "--densify m.\n"
        "The two differ by the shape of each edge: about 1e-6 relative for 300 m parcels, 1e-5 "
        "for 3 km\n(docs/survey-area.md).\n\n"
        "The layer must be a coverage: overlapping parcels are an error listing the first ones "
        "with\n"
        "their locations, unless --on-overlap first counts each overlapping area once, for the "
        "first\n"
        "parcel in feature order. Results are exact sums: the same bytes for any --threads.\n\n"
        "Memory: a layer of more than 50,000 parcels with a spatial index (a GeoPackage, a File\n"
        "Geodatabase with its .spx, a shapefile with a .qix) is read by spatial chunks, so memory\n"
        "stays near one chunk's parcels; other layers are read whole (docs/land-use-survey.md).");
    cmd->add_option("--landuse", args->req.landuse,
                    "Land-use polygon layer as PATH[:LAYER] (e.g. dltb_2023.gdb:DLTB, a GBK "
                    "shapefile, a GeoPackage)")
        ->required();
    cmd->add_option("--class-field", args->req.class_field,
                    "Field of the land-use codes (DLBM); text or integer, kept as written "
                    "(0101 stays 0101)")
        ->required();
    cmd->add_option("--deduct-field", args->req.deduct_field,
                    "Field of the deduction coefficient in [0, 1) per parcel (KCXS, older data "
                    "TKXS): net_area_m2 = area x (1 - coefficient). NULL counts as 0. Default: no "
                    "deduction (net = gross)");
    cmd->add_option("--zones", args->req.zones, "Zone polygon layer as PATH[:LAYER]")->required();
    cmd->add_option("--id", args->req.id_field,
                    "Zone field whose value names each zone (default: the feature id); must be "
                    "unique without --dissolve/--dissolve-by");
    add_dissolve_options(cmd, args->req.dissolve, args->req.dissolve_by,
                         "One zone 'all': the union of every zone feature (overlaps once)",
                         "One zone per value of FIELD: the union of its features");
    cmd->add_option(
           "--classes", args->req.classes,
           "Add class_name, group, group_name: 'gbt21010' (the 三调 working classification of GB/T "
           "21010, with 00 湿地 as its own group) or a CSV with code,name[,group[,group_name]]")
        ->option_text("gbt21010|PATH.csv");
    cmd->add_option("--level", args->req.level,
                    "Aggregate codes: 1 = first level (0101 -> 01), 2 = GB/T 21010 second level "
                    "(0307K -> 0307, 101 -> 0101). Default: codes as written")
        ->check(CLI::IsMember({1, 2}));
    cmd->add_option("--area-convention", args->convention,
                    "survey | geodesic (default: survey for a Gauss-Kruger layer, geodesic "
                    "otherwise); recorded in every output")
        ->check(CLI::IsMember({"survey", "geodesic"}));
    cmd->add_option("--on-overlap", args->on_overlap,
                    "error (default): overlapping parcels stop the run, listed with locations; "
                    "first: count an overlapping area once, for the first parcel in feature order")
        ->check(CLI::IsMember({"error", "first"}));
    cmd->add_option(
        "--check-field", args->req.check_field,
        "Check each parcel's recorded area: a numeric field (TBMJ, m2) compared with the "
        "parcel's own area in the survey convention (whatever --area-convention the table uses); "
        "parcels beyond --check-tolerance are a warning and the --check-output table. NULL "
        "values are not checked; a non-numeric value is an error");
    cmd->add_option(
           "--check-tolerance", args->check_tolerance,
           "A parcel fails when |area - field| > M2 + RELATIVE x area (default 0.005,1e-6): "
           "TBMJ is stored to 0.01 m2, so a survey-computed value lies within half a unit, "
           "0.005 m2, of its vertices' area; 1e-6 allows for another program's inverse "
           "projection and for vertices stored again on a 0.1 mm grid after TBMJ was computed "
           "(~1e-7), and is one unit of TBMJ on a 1 ha parcel (docs/land-use-survey.md)")
        ->option_text("M2[,RELATIVE]");
    cmd->add_option("--check-output", args->check_output,
                    "Quality table of the parcels failing --check-field: .csv, .json or .gpkg "
                    "(points) with parcel,class,field_m2,area_m2,difference_m2,"
                    "relative_difference,tolerance_m2,x,y");
    cmd->add_option("--max-examples", args->req.max_examples,
                    "Overlaps and failed --check-field parcels listed in messages (default 10)")
        ->check(CLI::PositiveNumber);
    add_output_option(cmd, args->output, ".csv, .json or .gpkg");
    add_layer_policy_options(
        cmd, args->req.policy,
        {"zones in another CRS into the land-use layer's CRS (edges densified first)",
         "reprojecting zones, and when measuring under the geodesic convention", "--layer-crs",
         "layers that declare none (e.g. EPSG:4527)"});
    add_common_options(cmd, args->common);
    cmd->footer(
        "\nOutput columns (rows in zone order, then class order, then class=uncovered):\n"
        "  zone,class,area_m2,share,net_area_m2[,class_name,group,group_name],parcels,"
        "area_convention\n"
        "  area_m2 = ellipsoidal area (m2, CGCS2000) of zone ∩ parcels of the class;\n"
        "  share = area_m2 / covered zone area; net_area_m2 = Σ area(zone ∩ parcel) x (1 - "
        "coefficient);\n"
        "  uncovered: zone area outside every parcel (share and net_area_m2 empty);\n"
        "  parcels = parcels of the class meeting the zone. JSON adds \"summary\" and metadata.\n\n"
        "Examples:\n"
        "  redline tabulate --landuse dltb_2023.gdb:DLTB --class-field DLBM --deduct-field KCXS "
        "\\\n"
        "                   --zones plan.gpkg:redline --id code --output redline_dltb.csv\n"
        "  redline tabulate --landuse dltb.shp --encoding CP936 --class-field DLBM --zones "
        "county.gpkg \\\n"
        "                   --dissolve-by XZQDM --classes gbt21010 --level 1 --output "
        "county.json\n\n"
        "Exit codes: 0 ok, 2 invalid input or usage (missing field, coefficient outside [0, 1), "
        "overlaps,\n"
        "other CRS without --reproject, empty layer), 3 I/O error, 4 unsupported, 1 internal "
        "error.");
    cmd->callback([args] { run(*args); });
}

}  // namespace

REDLINE_REGISTER_COMMAND(add_tabulate_command, 25);

}  // namespace redline::cli
