// libFuzzer target: the YAML parsers of user-written files (issue 9) -- the report config
// (ReportConfig::load) and the change rules (ChangeRules::load, against the CLCD class table) --
// and the binary rules codec used by checkpoints and distributed tasks (ChangeRules::deserialize).
// Contract: any bytes give either a parsed object or a redline::Error; any other exception, a
// crash or a hang is a finding (abort()).
// The first input byte picks the parser; the rest is the file's content, written to a temporary
// folder (the parsers take paths, and the report config resolves paths relative to it).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

#include "redline/core/class_table.hpp"
#include "redline/core/error.hpp"
#include "redline/ops/change/change_rules.hpp"
#include "redline/report/report_config.hpp"

namespace fs = std::filesystem;
using namespace redline;

namespace {

const fs::path& work_dir() {
    static const fs::path dir = [] {
        fs::path d =
            fs::temp_directory_path() / ("redline-fuzz-config-" + std::to_string(::getpid()));
        fs::create_directories(d / "data");
        std::ofstream(d / "data" / "lc.tif") << "not a tiff";  // an existing input for path checks
        return d;
    }();
    return dir;
}

std::string write(const char* name, const std::uint8_t* data, std::size_t size) {
    const fs::path p = work_dir() / name;
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return p.string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const ClassTable clcd = ClassTable::builtin("clcd");
    const unsigned which = data[0] % 3;
    ++data;
    --size;
    try {
        if (which == 0) {
            ReportConfig c = ReportConfig::load(write("indicators.yaml", data, size));
            (void)c.input_files();
            for (const auto& ind : c.indicators()) (void)ind;
        } else if (which == 1) {
            ChangeRules r = ChangeRules::load(write("rules.yaml", data, size), clcd);
            // Round trip through the binary codec must give the same rules.
            const std::string bytes = r.serialize();
            if (ChangeRules::deserialize(bytes).serialize() != bytes) {
                std::fprintf(stderr,
                             "fuzz_config: rules serialize/deserialize round trip differs\n");
                std::abort();
            }
        } else {
            (void)ChangeRules::deserialize(std::string(reinterpret_cast<const char*>(data), size));
        }
    } catch (const Error&) {
        // The contract: a redline::Error with a message.
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz_config: parser %u threw a non-redline exception: %s\n", which,
                     e.what());
        std::abort();
    } catch (...) {
        std::fprintf(stderr, "fuzz_config: parser %u threw an unknown exception\n", which);
        std::abort();
    }
    return 0;
}
