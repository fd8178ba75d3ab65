#pragma once
#include <CLI/CLI.hpp>

namespace redline::cli {
// Registers every subcommand on the app (commands.cpp).
void add_all_commands(CLI::App& app);
}  // namespace redline::cli
