#include "cli_support.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>

#include "redline/core/option_name.hpp"
#include "redline/exec/memory_budget.hpp"
#include "redline/io/atomic_file.hpp"
#include "redline/io/vector_layer.hpp"
#include "redline/ops/change/change_rules.hpp"

namespace redline::cli {
namespace {

volatile std::sig_atomic_t g_signal = 0;

void on_signal(int sig) {
    g_signal = sig;
    cancel_token().cancel();
}

std::string human_duration(double s) {
    if (!(s >= 0) || s > 1e7) return "--:--";
    const auto t = static_cast<long>(s + 0.5);
    if (t >= 3600) return fmt::format("{}:{:02}:{:02}", t / 3600, (t / 60) % 60, t % 60);
    return fmt::format("{}:{:02}", t / 60, t % 60);
}

// Progress bar: percent of the estimated work done (tiles weighted by cells and edges), elapsed
// time and ETA, redrawn at most 5 times a second on a terminal (every 2 s otherwise).
class TerminalProgress : public ProgressSink {
  public:
    TerminalProgress() : m_start(clock::now()), m_tty(::isatty(STDERR_FILENO) != 0) {}
    void update(std::uint64_t done, std::uint64_t total, const std::string& label) override {
        const auto now = clock::now();
        if (label != m_label) {
            if (!m_label.empty()) end_line();
            m_label = label;
            m_start = now;
            m_last = clock::time_point{};
            m_eta = EtaEstimator{};
        }
        const double elapsed = std::chrono::duration<double>(now - m_start).count();
        m_eta.update(done, total, elapsed);
        const bool last = done >= total;
        if (!last && now - m_last < std::chrono::milliseconds(m_tty ? 200 : 2000)) return;
        m_last = now;
        const double frac = m_eta.fraction();
        const int width = 30;
        const int filled = static_cast<int>(std::min(1.0, frac) * width);
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.append(static_cast<std::size_t>(width - filled), '.');
        const double eta = m_eta.eta_seconds();
        std::string line =
            fmt::format("{:<8} {:5.1f}% [{}]  elapsed {}  ETA {}", label, 100.0 * frac, bar,
                        human_duration(elapsed), last ? "0:00" : human_duration(eta));
        if (m_tty)
            std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
        else
            std::fprintf(stderr, "%s\n", line.c_str());
        m_open = m_tty;
        std::fflush(stderr);
    }
    void finish() override { end_line(); }
    ~TerminalProgress() override { end_line(); }

  private:
    using clock = std::chrono::steady_clock;
    void end_line() {
        if (m_open) std::fputc('\n', stderr);
        m_open = false;
    }
    clock::time_point m_start, m_last{};
    std::string m_label;
    EtaEstimator m_eta;
    bool m_tty;
    bool m_open = false;
};

}  // namespace

TableFormat check_output(const std::string& path, const std::vector<TableFormat>& allowed,
                         const std::string& option) {
    const TableFormat f = table_format_of(path, allowed, option);
    check_output_target(path);
    return f;
}

void add_dissolve_options(CLI::App* cmd, bool& dissolve, std::string& dissolve_by,
                          const std::string& dissolve_help, const std::string& dissolve_by_help) {
    auto* dis = cmd->add_flag("--dissolve", dissolve, dissolve_help);
    auto* disby = cmd->add_option("--dissolve-by", dissolve_by, dissolve_by_help);
    dis->excludes(disby);
    disby->excludes(dis);
}

void add_encoding_option(CLI::App* cmd, std::string& encoding) {
    cmd->add_option(
           "--encoding", encoding,
           "Text encoding of shapefile attributes (.dbf field names and values), for every vector "
           "input of the command: any name iconv knows, e.g. --encoding CP936 (GBK) or GB18030 for "
           "Chinese agency shapefiles, BIG5, CP1252, UTF-8. Given to GDAL's ENCODING open option; "
           "it overrides the file's .cpg and language driver byte. Without it, a shapefile decodes "
           "as its .cpg file or its language driver byte says; one that declares neither is read "
           "as UTF-8, or as GB18030 (with a warning) when its text is not UTF-8 but is valid "
           "GB18030. A name or value that does not decode is an error (exit 2), never garbled "
           "text. GeoPackage, FileGDB and GeoJSON store UTF-8 and ignore it")
        ->option_text("NAME");
}

void add_layer_policy_options(CLI::App* cmd, LayerPolicy& policy, const LayerPolicyHelp& help) {
    cmd->add_flag("--reproject", policy.reproject,
                  fmt::format("Transform {} instead of failing on a CRS mismatch", help.reproject));
    if (!help.densify.empty())
        cmd->add_option("--densify", policy.densify_m,
                        fmt::format("Longest edge (m) kept straight when {} (default {})",
                                    help.densify, policy.densify_m))
            ->check(CLI::PositiveNumber);
    cmd->add_flag(
        "--make-valid", policy.make_valid,
        "Repair invalid geometries with GEOS MakeValid instead of failing (reports how many)");
    cmd->add_option(help.crs_option, policy.assumed_crs,
                    fmt::format("CRS of {}; never overrides a declared CRS", help.crs));
    add_encoding_option(cmd, policy.encoding);
}

void add_output_option(CLI::App* cmd, std::string& output, const std::string& formats) {
    cmd->add_option("--output", output,
                    fmt::format("Output file: {} (default: CSV on stdout). Written to a temporary "
                                "file and renamed when complete",
                                formats));
}

void add_common_options(CLI::App* cmd, CommonOptions& opts) {
    cmd->add_option("--threads", opts.threads,
                    "Worker threads (default: all cores). Results do not depend on it.")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--progress", opts.progress,
                  "Show a progress bar with ETA on stderr even when it is not a terminal");
    cmd->add_flag("--quiet", opts.quiet,
                  "No progress bar and no informational messages (warnings still print)");
    cmd->add_flag("--verbose", opts.verbose,
                  "Print the tile plan and the settings the engine chose (stderr)");
}

void add_long_run_options(CLI::App* cmd, LongRunOptions& opts) {
    auto* dir = cmd->add_option(
        "--checkpoint", opts.dir,
        "Record finished chunks of tiles in DIR so that an interrupted run (even by SIGKILL) "
        "can be finished with --resume; the output is then identical to an uninterrupted "
        "run. DIR is removed after success");
    cmd->add_flag("--resume", opts.resume,
                  "Continue the run recorded in --checkpoint DIR (same inputs and options; "
                  "--threads may differ)")
        ->needs(dir);
    cmd->add_option(
        "--max-memory", opts.max_memory,
        "Keep the run's memory under SIZE (e.g. 2G, 512M): tiles are made smaller until the memory "
        "model fits (zones + GDAL block cache + threads x tile); exit 2 before any work when even "
        "64-cell tiles do not fit. Without it, a job that would need more than the machine's "
        "available memory is warned about. Results do not change");
}

std::int64_t max_memory_bytes(const LongRunOptions& opts) {
    return opts.max_memory.empty() ? 0 : parse_byte_size(opts.max_memory);
}

std::unique_ptr<CheckpointStore> open_checkpoint(const LongRunOptions& opts,
                                                 const CommonOptions& common,
                                                 const std::function<std::string()>& fingerprint,
                                                 const std::string& command, std::size_t tasks) {
    if (opts.dir.empty()) return nullptr;
    auto store =
        std::make_unique<CheckpointStore>(opts.dir, fingerprint(), command, tasks, opts.resume);
    if (opts.resume && store->fresh())
        warn(fmt::format("checkpoint '{}' holds no run to resume; starting from the beginning",
                         opts.dir));
    verbose(common, fmt::format("checkpoint '{}': {} of {} chunks already done", opts.dir,
                                store->done_count(), store->chunk_count()));
    return store;
}

ExecutionContext execution_context(const CommonOptions& common, ProgressSink* progress) {
    ExecutionContext ctx;
    ctx.threads = common.threads;
    ctx.progress = progress;
    ctx.cancel = &cancel_token();
    return ctx;
}

std::unique_ptr<ProgressSink> make_progress(const CommonOptions& opts) {
    if (opts.quiet) return nullptr;
    if (!opts.progress && !::isatty(STDERR_FILENO)) return nullptr;
    return std::make_unique<TerminalProgress>();
}

void warn(const std::string& message) {
    std::fprintf(stderr, "warning: %s\n", render_for_cli(message).c_str());
}

void warn_all(const std::vector<std::string>& messages) {
    for (const auto& m : messages) warn(m);
}

void info(const CommonOptions& opts, const std::string& message) {
    if (!opts.quiet) std::fprintf(stderr, "%s\n", render_for_cli(message).c_str());
}

void verbose(const CommonOptions& opts, const std::string& message) {
    if (opts.verbose) std::fprintf(stderr, "%s\n", render_for_cli(message).c_str());
}

CancelToken& cancel_token() {
    static CancelToken token;
    return token;
}

void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    // A file-size limit (ulimit -f) must turn into a failed write (EFBIG) that the writers report
    // as an I/O error naming the output, not kill the process before it can remove its temporary.
    std::signal(SIGXFSZ, SIG_IGN);
}

int cancelled_exit_code() { return g_signal ? 128 + g_signal : 130; }

void ChangeStrataOptions::resolve(accuracy::MapStrataRequest& req) const {
    if (req.t0.empty() && req.t1.empty()) return;
    const ClassTable table = ClassTable::load(classes);
    req.transitions = change_rule_strata(rules.empty() ? ChangeRules::preset(preset, table)
                                                       : ChangeRules::load(rules, table));
}

void add_map_strata_options(CLI::App* cmd, accuracy::MapStrataRequest& req,
                            ChangeStrataOptions& change, bool map_required) {
    auto* map = cmd->add_option("--map", req.map,
                                "Land-cover map with integer class codes (any GDAL raster); its "
                                "classes are the strata");
    auto* t0 = cmd->add_option("--t0", req.t0,
                               "Change strata instead of --map: the land-cover map at the first "
                               "date (with --t1, same grid)");
    auto* t1 = cmd->add_option("--t1", req.t1,
                               "The map at the second date: stratum k = the k-th change rule the "
                               "transition breaks (as `redline change`), 0 = stable (none)");
    t0->needs(t1);
    t1->needs(t0);
    map->excludes(t0);
    t0->excludes(map);
    if (map_required) map->required();
    cmd->add_option("--preset", change.preset,
                    "Change rules with --t0/--t1: redline (natural -> built-up/cropland, "
                    "default) or cropland (cropland -> other)")
        ->check(CLI::IsMember({"redline", "cropland"}));
    cmd->add_option("--rules", change.rules,
                    "Change rules YAML file with --t0/--t1 (instead of --preset)");
    cmd->add_option("--classes", change.classes,
                    "Class table of the change rules: clcd (default), worldcover, globeland30 or a "
                    "CSV code,name[,group]");
    cmd->add_option("--band", req.band, "Band of the map to read (default 1)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--zones", req.zones,
                    "Restrict the population to the cells whose centre lies inside these "
                    "polygons, PATH[:LAYER] (union: a cell in overlapping zones counts once)");
    cmd->add_option("--id", req.id_field,
                    "Field of --zones naming each zone in the `zone` column (default: feature "
                    "id)");
    cmd->add_flag("--reproject", req.policy.reproject,
                  "Transform the zones into the map's CRS instead of failing on a CRS mismatch");
    cmd->add_option("--densify", req.policy.densify_m,
                    "Longest edge (m) kept straight when reprojecting zones (default 100)")
        ->check(CLI::PositiveNumber);
    cmd->add_flag("--make-valid", req.policy.make_valid,
                  "Repair invalid zone geometries with GEOS MakeValid instead of failing");
    cmd->add_option("--zones-crs", req.policy.assumed_crs,
                    "CRS of a zones layer that declares none (e.g. EPSG:4326)");
    add_encoding_option(cmd, req.policy.encoding);
}

}  // namespace redline::cli
