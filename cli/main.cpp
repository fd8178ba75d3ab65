// redline: ecological-redline analysis from the shell. See `redline --help`.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli_support.hpp"
#include "commands.hpp"
#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/ops/provenance.hpp"

int main(int argc, char** argv) {
    using namespace redline;
    cli::install_signal_handlers();
    CLI::App app(
        "redline: land-use x planning-layer analysis for the 'Beautiful China' targets.\n"
        "Exact, ellipsoidal (CGCS2000) and deterministic: the same inputs give the same bytes on "
        "any\n"
        "number of threads.",
        "redline");
    app.require_subcommand(1);
    app.set_version_flag("--version", [] {
        auto p = engine_provenance();
        std::string s = p["engine"].get<std::string>();
        for (const auto& lib : p["libraries"]) s += "\n" + lib.get<std::string>();
        return s;
    });
    cli::add_all_commands(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const cli::ExitStatus& s) {
        std::fflush(stdout);
        return s.code;
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        std::fprintf(stderr,
                     "       run 'redline --help' or 'redline <command> --help' for usage.\n");
        return 2;
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Cancelled) {
            std::fprintf(stderr, "\nerror: %s\n", render_for_cli(e.what()).c_str());
            return cli::cancelled_exit_code();
        }
        std::fprintf(stderr, "error: %s\n", render_for_cli(e.what()).c_str());
        return exit_code(e.kind());
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "error: out of memory\n");
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: internal error: %s\n", e.what());
        return 1;
    }
    return 0;
}
