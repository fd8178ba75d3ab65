// `redline estimate`: error-adjusted areas and accuracies with confidence intervals from a
// labelled stratified sample (issue 18; engine: ops/accuracy/estimate_job.hpp).
#include <fmt/format.h>

#include <cmath>
#include <memory>

#include "cli_support.hpp"
#include "commands.hpp"
#include "redline/ops/accuracy/estimate_job.hpp"

namespace redline::cli {
namespace {

struct EstimateArgs {
    accuracy::EstimateRequest req;
    CommonOptions common;
    ChangeStrataOptions change;
    std::string output, json;
};

void run(EstimateArgs& a) {
    check_output(a.output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}, "--output");
    if (!a.json.empty()) check_output(a.json, {TableFormat::Json}, "--json");
    a.req.map.threads = a.common.threads;
    a.change.resolve(a.req.map);
    auto progress = make_progress(a.common);
    a.req.map.progress = progress.get();
    a.req.map.cancel = &cancel_token();
    accuracy::EstimateReport rep = accuracy::run_estimate(a.req);
    if (progress) progress->finish();
    warn_all(rep.warnings);
    rep.write(a.output == "-" ? "" : a.output, a.json);
    const auto& e = rep.estimate;
    std::string msg = fmt::format(
        "{} labelled units in {} strata, estimator {}: overall accuracy {:.4f} +- {:.4f} ({:g} % "
        "confidence)",
        [&] {
            std::uint64_t n = 0;
            for (const auto& s : e.strata) n += s.n;
            return n;
        }(),
        e.strata.size(), e.estimator, e.overall_accuracy, e.overall_accuracy_ci,
        100 * e.confidence);
    msg += rep.design_check.value("checked", false) ? "; design checked"
                                                    : "; no design file to check against";
    if (!a.output.empty() && a.output != "-") msg += fmt::format("; wrote {}", a.output);
    if (!a.json.empty()) msg += fmt::format(" and {}", a.json);
    info(a.common, msg);
}

void add_estimate_command(CLI::App& app) {
    auto args = std::make_shared<EstimateArgs>();
    CLI::App* cmd = app.add_subcommand(
        "estimate",
        "Error-adjusted class areas and map accuracy, with confidence intervals, from a labelled "
        "sample.\n\n"
        "A map's pixel-counted areas are biased by its errors. Given a stratified random sample "
        "whose\n"
        "units were labelled with the true (reference) class, e.g. from `redline sample`, this "
        "estimates\n"
        "each class's area with a confidence interval, and the user's, producer's and overall "
        "accuracy,\n"
        "weighting every stratum by its exact mapped area: recomputed from --map (and --zones), "
        "or from\n"
        "--t0/--t1 for change strata (as `redline sample`), or given as --strata-areas.\nStrata = "
        "map classes: the estimators of Olofsson et al. 2014; other "
        "strata\n"
        "(a unit's map_class differs from its stratum): Stehman 2014. The sample's design file\n"
        "(SAMPLE.design.json, written by `redline sample`) is checked against the map: another "
        "map,\n"
        "other zones or other strata areas are refused. See docs/accuracy.md.");
    cmd->add_option("--sample", args->req.sample,
                    "Labelled sample: GeoPackage, CSV or any OGR source, PATH[:LAYER]")
        ->required();
    cmd->add_option("--stratum-field", args->req.stratum_field,
                    "Field holding each unit's stratum (default stratum)");
    cmd->add_option("--reference-field", args->req.reference_field,
                    "Field holding each unit's reference class code (default reference)");
    add_map_strata_options(cmd, args->req.map, args->change, false);
    cmd->add_option("--strata-areas", args->req.strata_areas,
                    "Stratum areas as a CSV with columns stratum,area_m2 (instead of --map)");
    cmd->add_option("--design", args->req.design,
                    "Design file to check against (default SAMPLE.design.json when it exists)");
    cmd->add_option("--confidence", args->req.confidence,
                    "Confidence level of the intervals, in (0, 1) (default 0.95)");
    cmd->add_flag("--allow-small", args->req.allow_small,
                  "Accept strata with a single labelled unit: point estimates without the "
                  "intervals that depend on them (warns)");
    cmd->add_flag("--drop-unlabelled", args->req.drop_unlabelled,
                  "Leave out units with an empty reference value (listed in a warning) instead of "
                  "failing");
    cmd->add_flag("--allow-unmapped-reference", args->req.allow_unmapped_reference,
                  "Accept reference classes that are not classes of the map (area estimate, no "
                  "user's accuracy)");
    cmd->add_option("--output", args->output,
                    "Per-class table: .csv, .json or .gpkg (default: CSV on stdout)");
    cmd->add_option("--json", args->json,
                    "Full results as JSON: overall accuracy, standard errors, error matrix, n per "
                    "stratum, estimator, design check");
    add_common_options(cmd, args->common);
    cmd->footer(
        "\nOutput columns:\n"
        "  class,map_area_m2,area_m2,area_ci95_m2,users_accuracy,users_accuracy_ci95,"
        "producers_accuracy,producers_accuracy_ci95\n"
        "  one row per class, ascending; map_area_m2 = pixel-counted area, area_m2 = estimated "
        "area;\n"
        "  the _ci95 columns are half-widths at --confidence (names kept for any level); empty "
        "=\n"
        "  undefined (no unit mapped as the class, or a stratum with one unit under "
        "--allow-small).\n\n"
        "Bad input (exit 2, nothing written): a stratum with fewer than 2 labelled units, "
        "reference\n"
        "classes that are not map classes, empty reference values, --confidence outside (0, 1), "
        "a sample\n"
        "whose design does not match the map or the strata areas.\n\n"
        "Examples:\n"
        "  redline estimate --map lc_2020.tif --zones plan.gpkg:redline --sample sample.gpkg \\\n"
        "                   --reference-field reference --output estimate.csv --json "
        "estimate.json\n"
        "  redline estimate --sample labels.csv --strata-areas strata.csv --confidence 0.9\n\n"
        "Exit codes: 0 ok, 2 invalid input or usage, 3 I/O error, 4 unsupported, 1 internal "
        "error.");
    cmd->callback([args] { run(*args); });
}

}  // namespace

REDLINE_REGISTER_COMMAND(add_estimate_command, 36);

}  // namespace redline::cli
