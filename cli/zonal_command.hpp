#pragma once
#include <CLI/CLI.hpp>

namespace redline::cli {
// Registers `redline zonal`.
void add_zonal_command(CLI::App& app);
}  // namespace redline::cli
