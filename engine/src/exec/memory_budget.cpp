#include "redline/exec/memory_budget.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "redline/core/error.hpp"

namespace redline {

std::int64_t MemoryModel::need(std::int64_t tile_cells, int threads) const {
    return fixed_bytes + cache_bytes +
           static_cast<std::int64_t>(std::max(threads, 1)) * tile_cells * bytes_per_tile_cell;
}

std::int64_t zones_memory_bytes(std::size_t vertices, std::size_t zones) {
    return kProcessBaseBytes + static_cast<std::int64_t>(vertices) * 48 +
           static_cast<std::int64_t>(zones) * 1024;
}

std::int64_t parse_byte_size(const std::string& text, const std::string& option) {
    auto bad = [&]() {
        fail(ErrorKind::InvalidInput,
             fmt::format("{} '{}' is not a size; write e.g. 2G, 512M, 1.5GiB or a number of bytes",
                         option, text));
    };
    std::size_t pos = 0;
    double v = 0;
    try {
        v = std::stod(text, &pos);
    } catch (const std::exception&) {
        bad();
    }
    std::string unit = text.substr(pos);
    unit.erase(
        std::remove_if(unit.begin(), unit.end(), [](unsigned char c) { return std::isspace(c); }),
        unit.end());
    for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    double mult = 1;
    if (!unit.empty()) {
        const char u = unit[0];
        const std::string rest = unit.substr(1);
        if (u == 'B' && rest.empty())
            mult = 1;
        else {
            const std::string units = "KMGT";
            const auto k = units.find(u);
            if (k == std::string::npos ||
                !(rest.empty() || rest == "B" || rest == "I" || rest == "IB"))
                bad();
            mult = std::pow(1024.0, static_cast<double>(k + 1));
        }
    }
    const double bytes = v * mult;
    if (!std::isfinite(bytes) || bytes < 1 || bytes > 9.0e18) bad();
    return static_cast<std::int64_t>(bytes);
}

std::string format_bytes(std::int64_t bytes) {
    const double b = static_cast<double>(bytes);
    if (b >= 1024.0 * 1024 * 1024) return fmt::format("{:.1f} GiB", b / (1024.0 * 1024 * 1024));
    if (b >= 1024.0 * 1024) return fmt::format("{:.0f} MiB", b / (1024.0 * 1024));
    return fmt::format("{:.0f} KiB", b / 1024.0);
}

std::int64_t available_memory_bytes() {
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("MemAvailable:", 0) == 0) {
            std::istringstream s(line.substr(13));
            std::int64_t kb = 0;
            s >> kb;
            return kb * 1024;
        }
    }
    return 0;
}

TileChoice choose_tile_size(const MemoryModel& model, std::int64_t requested, std::int64_t min_side,
                            int threads, std::int64_t limit,
                            const std::function<std::int64_t(std::int64_t)>& tile_cells) {
    TileChoice c;
    c.tile_size = requested;
    c.need_bytes = model.need(tile_cells(requested), threads);
    if (limit <= 0) return c;
    std::int64_t side = requested;
    while (true) {
        const std::int64_t need = model.need(tile_cells(side), threads);
        c.tile_size = side;
        c.need_bytes = need;
        if (need <= limit) return c;
        if (side / 2 < min_side) break;
        side /= 2;
    }
    c.fits = false;
    return c;
}

}  // namespace redline
