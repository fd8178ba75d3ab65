// `redline report` and `redline demo` (issue #6).
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli_support.hpp"
#include "commands.hpp"
#include "redline/core/error.hpp"
#include "redline/report/report_config.hpp"
#include "redline/report/report_job.hpp"
#include "redline/report/report_writer.hpp"

namespace fs = std::filesystem;

namespace redline::cli {
namespace {

struct ReportArgs {
    std::string config, output_dir, verify, data;
    CommonOptions common;
};

int run_report(const std::string& config_path, const std::string& out_dir,
               const CommonOptions& common) {
    check_report_dir(out_dir);  // before any work: never replace a folder that is not a report
    const ReportConfig cfg = ReportConfig::load(config_path);
    auto progress = make_progress(common);
    ReportRunOptions ro;
    ro.threads = common.threads;
    ro.progress = progress.get();
    ro.cancel = &cancel_token();
    ro.log = [&common](const std::string& line) { verbose(common, line); };
    const ReportResult r = compute_report(cfg, ro);
    if (progress) progress->finish();
    warn_all(r.warnings);
    write_report_dir(r, cfg, out_dir, common.threads);
    std::fputs(indicator_table_text(r).c_str(), stdout);
    info(common,
         fmt::format("wrote {}/report.html, report.md, report.json, map.png and manifest.json",
                     out_dir));
    return 0;
}

void add_report_command(CLI::App& app) {
    auto a = std::make_shared<ReportArgs>();
    CLI::App* cmd = app.add_subcommand(
        "report",
        "Whether the national targets are met, by how much and per region, with provenance.\n\n"
        "Reads a YAML config naming the inputs (land cover at one or two dates, the redline, "
        "cropland,\n"
        "protected-area and urban layers, the shoreline, the land boundary and optional regions) "
        "and\n"
        "computes the indicators: redline area, cropland area (and 亿亩), cropland and forest "
        "cover\n"
        "(proxies), natural-shoreline share, protected-area share, three-control-line overlaps "
        "and\n"
        "natural land converted inside the redline. Writes DIR/report.json, report.md, a "
        "self-contained\n"
        "report.html, map.png and manifest.json (input digests, versions, options, output "
        "digests).\n"
        "--verify recomputes a report from its manifest and says, per indicator, identical or "
        "not.");
    auto* cfg = cmd->add_option("--config", a->config,
                                "Indicator config (YAML); paths in it are relative to it");
    auto* ver = cmd->add_option(
        "--verify", a->verify,
        "DIR/manifest.json of an earlier report: recompute and compare (exit 0 identical, 6 not)");
    cfg->excludes(ver);
    ver->excludes(cfg);
    cmd->add_option("--output-dir", a->output_dir,
                    "Report directory (default: ./redline-report); replaced atomically");
    add_common_options(cmd, a->common);
    cmd->footer(
        "\nConfig (see README): version: 1, title, year, inputs: {landcover_t0, landcover_t1, "
        "classes, redline,\n"
        "cropland, protected, urban, permitted, land, shoreline, shoreline_class_field, regions, "
        "regions_id,\n"
        "landuse, landuse_class_field, landuse_deduct_field (a land-use survey layer: adds "
        "cropland_survey and\n"
        "ecr_construction_land, docs/indicators.md#survey-indicators)},\n"
        "options: {reproject, make_valid, mode, mmu_pixels, connectivity, min_overlap_m2, "
        "land_reference_km2,\n"
        "shoreline_region_snap_m (shoreline outside every region goes to the nearest one within "
        "this distance; default 5000),\n"
        "encoding (text encoding of shapefile attributes, e.g. CP936 for GBK files: what "
        "--encoding is to\n"
        "the other commands)},\n"
        "indicators: [{id, target, unit, comparator, year}] (default: the eight national "
        "indicators),\n"
        "accuracy: {forest_coverage|cropland_cover|ecr_nature_unchanged: {sample, reference_field, "
        "stratum_field,\n"
        "confidence, allow_small, drop_unlabelled}}: a labelled `redline sample` attached to a "
        "map-derived\n"
        "indicator (forest/cropland: of landcover_t1 within land; ecr_nature_unchanged: --t0/--t1 "
        "within the\n"
        "redline). The indicator then shows the estimate +- its confidence interval and its status "
        "becomes\n"
        "met / not met with 95 % confidence, or undecided (docs/accuracy.md#in-the-report).\n\n"
        "Examples:\n"
        "  redline report --config indicators.yaml --output-dir report-2020\n"
        "  redline report --verify report-2020/manifest.json\n\n"
        "Exit codes: 0 ok (also when targets fail: see the status column), 2 invalid config or "
        "input,\n"
        "3 I/O error, 4 unsupported, 6 --verify found a difference, 1 internal error.");
    cmd->callback([a] {
        if (!a->verify.empty()) {
            ReportRunOptions ro;
            ro.threads = a->common.threads;
            ro.cancel = &cancel_token();
            const int rc = verify_report(a->verify, ro, std::cout);
            std::cout.flush();
            if (rc != 0) throw ExitStatus{rc};
            return;
        }
        if (a->config.empty())
            throw Error(ErrorKind::InvalidInput,
                        "report needs --config FILE.yaml (or --verify DIR/manifest.json)");
        run_report(a->config, a->output_dir.empty() ? std::string("redline-report") : a->output_dir,
                   a->common);
    });
}

std::string find_demo_config(const std::string& data) {
    std::vector<std::string> candidates;
    if (!data.empty()) candidates.push_back(data);
    if (const char* env = std::getenv("REDLINE_DEMO_DIR")) candidates.emplace_back(env);
    candidates.push_back(std::string(REDLINE_SOURCE_DIR) + "/testdata/demo");
    candidates.push_back("testdata/demo");
    for (const auto& c : candidates) {
        const fs::path p = fs::path(c) / "indicators.yaml";
        std::error_code ec;
        if (fs::exists(p, ec)) return p.string();
    }
    throw Error(ErrorKind::Io,
                fmt::format("cannot find the demo data (indicators.yaml) in {}; pass --data DIR",
                            fmt::join(candidates, ", ")));
}

void add_demo_command(CLI::App& app) {
    auto a = std::make_shared<ReportArgs>();
    CLI::App* cmd = app.add_subcommand(
        "demo",
        "Run the indicator report on the embedded demo data and print the indicator table.\n\n"
        "The demo uses the real China boundary (CTAmap 2023 via cn-atlas) and mainland coastline\n"
        "(GSHHG 2.3.7) with synthetic land cover and planning layers in CGCS2000 Albers "
        "(testdata/demo).");
    cmd->add_option("--output-dir", a->output_dir, "Report directory (default: ./redline-demo)");
    cmd->add_option(
        "--data", a->data,
        "Folder holding the demo's indicators.yaml (default: testdata/demo of the source tree)");
    add_common_options(cmd, a->common);
    cmd->callback([a] {
        const std::string config = find_demo_config(a->data);
        run_report(config, a->output_dir.empty() ? std::string("redline-demo") : a->output_dir,
                   a->common);
    });
}

}  // namespace

REDLINE_REGISTER_COMMAND(add_report_command, 60);
REDLINE_REGISTER_COMMAND(add_demo_command, 70);

}  // namespace redline::cli
