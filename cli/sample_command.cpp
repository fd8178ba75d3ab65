// `redline sample`: a stratified random sample of a map's cells for accuracy assessment
// (issue 18; engine: ops/accuracy/sample_job.hpp).
#include <fmt/format.h>

#include <cmath>
#include <memory>

#include "cli_support.hpp"
#include "commands.hpp"
#include "redline/ops/accuracy/sample_job.hpp"

namespace redline::cli {
namespace {

struct SampleArgs {
    accuracy::SampleRequest req;
    CommonOptions common;
    ChangeStrataOptions change;
    std::string users_accuracy;
    std::string output;
};

void run(SampleArgs& a) {
    check_output(a.output, {TableFormat::Csv, TableFormat::Gpkg}, "--output");
    a.req.expected_users_accuracy =
        accuracy::parse_class_values(a.users_accuracy, "--expected-users-accuracy");
    a.req.map.threads = a.common.threads;
    a.change.resolve(a.req.map);
    auto progress = make_progress(a.common);
    a.req.map.progress = progress.get();
    a.req.map.cancel = &cancel_token();
    accuracy::SampleReport rep = accuracy::run_sample(a.req);
    if (progress) progress->finish();
    warn_all(rep.warnings);
    rep.write(a.output);
    const auto& d = rep.design;
    std::string msg;
    if (std::isfinite(d.n_unrounded))
        msg = fmt::format("n = {} from --target-se {}: (sum_h W_h S_h / S)^2 = {:.2f}, rounded up",
                          d.n, d.target_se, d.n_unrounded);
    else
        msg = fmt::format("n = {} (--size)", d.n);
    msg +=
        fmt::format(", {} allocation{}, seed {}\n", accuracy::allocation_name(d.allocation),
                    d.min_per_stratum ? fmt::format(", at least {} per stratum", d.min_per_stratum)
                                      : std::string(),
                    a.req.seed);
    msg += "  stratum          area_m2   weight      U_h   n_h\n";
    for (const auto& s : d.strata) {
        const auto name = rep.map.stratum_names.find(s.id);
        msg += fmt::format("  {:>7} {:>16.1f} {:>8.5f} {:>8.3f} {:>5}{}{}\n", s.id, s.area_m2,
                           s.weight, s.users_accuracy, s.n,
                           s.at_minimum ? "  (minimum)" : (s.at_cap ? "  (all cells)" : ""),
                           name == rep.map.stratum_names.end() ? "" : "  " + name->second);
    }
    msg += fmt::format("  anticipated SE of overall accuracy: {:.4f}\n", d.anticipated_overall_se);
    msg += fmt::format("wrote {} units to {} and the design to {}", d.n, a.output,
                       accuracy::design_path_of(a.output));
    info(a.common, msg);
}

void add_sample_command(CLI::App& app) {
    auto args = std::make_shared<SampleArgs>();
    CLI::App* cmd = app.add_subcommand(
        "sample",
        "Stratified random sample of a map's cells, for accuracy assessment and area "
        "estimation.\n\n"
        "The strata are the map's classes (within --zones when given), or with --t0/--t1 the "
        "change\n"
        "categories of two dates (stratum k = the k-th change rule broken, 0 = stable). The "
        "sample size\n"
        "is --size N, or from a target standard error S of overall accuracy: n = (sum_h W_h S_h "
        "/ S)^2\n"
        "with W_h the "
        "exact (ellipsoidal) area share of class h and S_h = sqrt(U_h (1 - U_h)), U_h the "
        "user's\n"
        "accuracy you expect (Olofsson et al. 2014). n is allocated to the strata by --allocation "
        "with\n"
        "--min-per-stratum units at least (advised for rare classes), rounded by largest "
        "remainder so\n"
        "the total is exactly n. Units are cells drawn uniformly at random without replacement "
        "in each\n"
        "stratum, in one pass, the same for a given --seed whatever --threads. Interpreters then "
        "fill the\n"
        "`reference` field, and `redline estimate` turns the labelled sample into areas with "
        "confidence\n"
        "intervals. See docs/accuracy.md.");
    add_map_strata_options(cmd, args->req.map, args->change, false);
    auto* size = cmd->add_option("--size", args->req.size, "Total sample size N")
                     ->check(CLI::PositiveNumber);
    auto* se = cmd->add_option("--target-se", args->req.target_se,
                               "Target standard error of overall accuracy (e.g. 0.01); gives N")
                   ->check(CLI::PositiveNumber);
    size->excludes(se);
    se->excludes(size);
    cmd->add_option("--expected-users-accuracy", args->users_accuracy,
                    "Conjectured user's accuracy per class, CLASS=U,... (e.g. 1=0.9,2=0.85); "
                    "used with --target-se and --allocation neyman");
    cmd->add_option("--default-users-accuracy", args->req.default_users_accuracy,
                    "User's accuracy of the classes not listed (default 0.8)");
    cmd->add_option("--allocation", args->req.allocation,
                    "proportional (n_h ~ W_h, default), equal (n_h = n / strata) or neyman "
                    "(n_h ~ W_h S_h)")
        ->check(CLI::IsMember({"proportional", "equal", "neyman"}));
    cmd->add_option("--min-per-stratum", args->req.min_per_stratum,
                    "Raise every stratum to at least this many units (or all its cells), taking "
                    "them from the others (default 0; use 2 or more for estimate)");
    cmd->add_option("--seed", args->req.seed, "Seed of the random draw (default 0)");
    cmd->add_option("--output", args->output,
                    "Sample points: .gpkg (points in the map's CRS) or .csv; the design goes to "
                    "OUTPUT.design.json beside it")
        ->required();
    add_common_options(cmd, args->common);
    cmd->footer(
        "\nOutput columns: id,stratum,map_class,x,y,lon,lat,zone,reference\n"
        "  one row per unit, ids 1.. by stratum then draw order; x,y = cell centre in the map's "
        "CRS,\n"
        "  lon,lat = the same point in degrees; zone = first zone holding it (empty without "
        "--zones);\n"
        "  reference = empty, for the interpreters' class codes.\n"
        "  OUTPUT.design.json: strata areas, cells, n_h, seed, allocation and the map digest, "
        "checked\n"
        "  by `redline estimate`.\n\n"
        "Examples:\n"
        "  redline sample --map lc_2020.tif --size 600 --min-per-stratum 50 --seed 7 --output "
        "sample.gpkg\n"
        "  redline sample --map lc_2020.tif --zones plan.gpkg:redline --target-se 0.01 \\\n"
        "                 --expected-users-accuracy 1=0.9,2=0.85,5=0.7 --allocation neyman \\\n"
        "                 --min-per-stratum 50 --seed 7 --output sample.gpkg\n"
        "  redline sample --t0 lc_2015.tif --t1 lc_2020.tif --zones plan.gpkg:redline --size 400 "
        "\\\n"
        "                 --min-per-stratum 50 --seed 7 --output change_sample.gpkg\n\n"
        "Exit codes: 0 ok, 2 invalid input or usage, 3 I/O error, 4 unsupported, 1 internal "
        "error.");
    cmd->callback([args] { run(*args); });
}

}  // namespace

REDLINE_REGISTER_COMMAND(add_sample_command, 35);

}  // namespace redline::cli
