#include "redline/exec/ordered_executor.hpp"

#include <tbb/global_control.h>

#include <memory>
#include <mutex>
#include <thread>

namespace redline {

namespace {

int hardware_threads() {
    const unsigned hw = std::thread::hardware_concurrency();
    return hw > 0 ? static_cast<int>(hw) : 1;
}

// TBB caps its workers at the number of cores unless told otherwise (and says so on stderr);
// an explicit --threads above it is honoured by raising the cap for the rest of the process.
void allow_parallelism(int threads) {
    static std::mutex mutex;
    static std::unique_ptr<tbb::global_control> control;
    static int allowed = hardware_threads();
    std::lock_guard<std::mutex> lock(mutex);
    if (threads <= allowed) return;
    // The new control exists before the old one goes: TBB applies the most restrictive one.
    control = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                    static_cast<std::size_t>(threads));
    allowed = threads;
}

}  // namespace

int resolve_threads(int threads) {
    if (threads <= 0) return hardware_threads();
    allow_parallelism(threads);
    return threads;
}

}  // namespace redline
