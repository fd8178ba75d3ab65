#pragma once
// Shared pieces of the command-line tool: the common options, the progress bar, warnings and the
// cancellation token set by SIGINT/SIGTERM.
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "redline/exec/execution_context.hpp"
#include "redline/exec/progress.hpp"
#include "redline/io/checkpoint_store.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/ops/accuracy/map_strata.hpp"
#include "redline/ops/job_driver.hpp"

namespace redline::cli {

// Thrown by a command whose output is complete to end with a documented non-zero status that is
// not an error (validate: 5 = problems found; report --verify: 6 = differs). main() returns it.
struct ExitStatus {
    int code;
};

struct CommonOptions {
    int threads = 0;
    bool progress = false;
    bool quiet = false;
    bool verbose = false;
};

// --checkpoint DIR / --resume / --max-memory SIZE for long raster commands.
struct LongRunOptions {
    std::string dir;
    bool resume = false;
    std::string max_memory;  // as typed; see max_memory_bytes()
};
// --max-memory in bytes (0 when not given); InvalidInput on a malformed size.
std::int64_t max_memory_bytes(const LongRunOptions& opts);
void add_long_run_options(CLI::App* cmd, LongRunOptions& opts);
// The checkpoint store of a job, or null without --checkpoint (the fingerprint, which hashes the
// whole prepared job, is only computed with it). Says with --verbose how much is
// already done, and warns when --resume finds nothing to resume.
std::unique_ptr<CheckpointStore> open_checkpoint(const LongRunOptions& opts,
                                                 const CommonOptions& common,
                                                 const std::function<std::string()>& fingerprint,
                                                 const std::string& command, std::size_t tasks);

// The execution context of a command: --threads, its progress sink (may be null) and the
// process's cancel token (SIGINT/SIGTERM).
ExecutionContext execution_context(const CommonOptions& common, ProgressSink* progress);

// The format of an output path (as table_format_of) after checking, before any work, that it
// can be written (its folder exists and is writable): a typo must not cost a whole run.
TableFormat check_output(const std::string& path, const std::vector<TableFormat>& allowed,
                         const std::string& option);
// Adds --encoding NAME (text encoding of shapefile attributes; io/vector_layer.hpp) to a
// subcommand that reads vector layers.
void add_encoding_option(CLI::App* cmd, std::string& encoding);

// --dissolve (a flag) and --dissolve-by FIELD, excluding each other, with their help texts.
void add_dissolve_options(CLI::App* cmd, bool& dissolve, std::string& dissolve_by,
                          const std::string& dissolve_help, const std::string& dissolve_by_help);

// Adds the map and zone options of `sample` and `estimate` (--map, --band, --zones, --id,
// --reproject, --densify, --make-valid, --zones-crs, --encoding). `map_required`: --map must be
// given.
// --preset, --rules, --classes: the change rules whose categories are the strata with
// --t0/--t1. resolve() sets req.transitions from them when t0/t1 are given.
struct ChangeStrataOptions {
    std::string preset = "redline";
    std::string rules;
    std::string classes = "clcd";
    void resolve(accuracy::MapStrataRequest& req) const;
};
void add_map_strata_options(CLI::App* cmd, accuracy::MapStrataRequest& req,
                            ChangeStrataOptions& change, bool map_required);
// What the layer-policy options of one command act on, for their help texts.
struct LayerPolicyHelp {
    // --reproject: "Transform <reproject> instead of failing on a CRS mismatch".
    std::string reproject;
    // --densify: "Longest edge (m) kept straight when <densify> (default ...)"; "" = the command
    // has no --densify (the policy's default is used).
    std::string densify;
    // The option that gives LayerPolicy::assumed_crs ("--layer-crs", "--zones-crs") and what it
    // says ("CRS of <crs>").
    std::string crs_option;
    std::string crs;
};
// The options of a LayerPolicy (layers/layer_policy.hpp), declared once for every command that
// reads polygon layers: --reproject, --densify, --make-valid, the CRS option, --encoding. The
// defaults in the help come from `policy` (the struct's defaults).
void add_layer_policy_options(CLI::App* cmd, LayerPolicy& policy, const LayerPolicyHelp& help);

// --output PATH for a table: "Output file: <formats> (default: CSV on stdout). Written to a
// temporary file and renamed when complete".
void add_output_option(CLI::App* cmd, std::string& output, const std::string& formats);

// Adds --threads, --progress, --quiet to a subcommand.
void add_common_options(CLI::App* cmd, CommonOptions& opts);

// A progress bar on stderr when stderr is a terminal or --progress, unless --quiet. May be null.
std::unique_ptr<ProgressSink> make_progress(const CommonOptions& opts);

void warn(const std::string& message);
void warn_all(const std::vector<std::string>& messages);
void info(const CommonOptions& opts, const std::string& message);
// Printed with --verbose only (plans, settings chosen by the engine).
void verbose(const CommonOptions& opts, const std::string& message);

// Set by SIGINT / SIGTERM; polled by the engine between tiles.
CancelToken& cancel_token();
void install_signal_handlers();
// 130 for SIGINT, 143 for SIGTERM.
int cancelled_exit_code();

// Runs every task of a prepared tiled job (zonal, change) as the long-run options say: one local
// pass, or chunks in the --checkpoint store (resumed with --resume). The plan is printed with
// --verbose. `store` receives the checkpoint store (null without --checkpoint): the command
// removes it once its outputs are written, so a failed write can still be resumed. GDAL's block
// cache is released after the pass: the outputs need the memory, not the cache.
template <class Partial, class Merged>
Merged run_long(const TiledJob<Partial, Merged>& job, const LongRunOptions& opts,
                const CommonOptions& common, const ExecutionContext& ctx,
                std::unique_ptr<CheckpointStore>& store) {
    verbose(common, job.describe_plan());
    store = open_checkpoint(
        opts, common, [&] { return job.fingerprint(); }, job.label(), job.task_count());
    Merged merged = run_job(job, ctx, store.get());
    release_gdal_block_cache();
    return merged;
}

}  // namespace redline::cli
