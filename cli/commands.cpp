#include "commands.hpp"

#include "zonal_command.hpp"

namespace redline::cli {

void add_all_commands(CLI::App& app) { add_zonal_command(app); }

}  // namespace redline::cli
