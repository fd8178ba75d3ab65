#include "commands.hpp"

#include <algorithm>
#include <vector>

namespace redline::cli {
namespace {
std::vector<std::pair<int, CommandAdder>>& registry() {
    static std::vector<std::pair<int, CommandAdder>> r;
    return r;
}
}  // namespace

bool register_command(CommandAdder adder, int order) {
    registry().emplace_back(order, adder);
    return true;
}

void add_all_commands(CLI::App& app) {
    auto r = registry();
    std::stable_sort(r.begin(), r.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [order, adder] : r) adder(app);
}

}  // namespace redline::cli
