#pragma once
// Self-registration of subcommands: each <name>_command.cpp holds
//   REDLINE_REGISTER_COMMAND(add_<name>_command, <order>)
// so adding a command never edits a shared file. Commands appear in --help by order.
#include <CLI/CLI.hpp>
#include <functional>

namespace redline::cli {

using CommandAdder = void (*)(CLI::App&);
bool register_command(CommandAdder adder, int order);
// Registers every subcommand on the app.
void add_all_commands(CLI::App& app);

}  // namespace redline::cli

#define REDLINE_REGISTER_COMMAND(fn, order) \
    static const bool redline_registered_##fn = ::redline::cli::register_command(&fn, order)
