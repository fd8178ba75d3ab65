#pragma once
// Progress reporting and cancellation shared by long operations.
// The engine calls ProgressSink::update from one thread at a time (the ordered merge stage),
// with work units that are raster cells wherever a raster is read.
#include <atomic>
#include <cstdint>
#include <string>

namespace redline {

class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    // `done` of `total` work units are finished; `label` names the stage ("zonal", "change").
    virtual void update(std::uint64_t done, std::uint64_t total, const std::string& label) = 0;
    // Called once when the stage ends (successfully or not).
    virtual void finish() {}
};

// A cancellation flag polled between tiles; set it from a signal handler or another thread.
class CancelToken {
public:
    void cancel() { m_flag.store(true, std::memory_order_relaxed); }
    bool cancelled() const { return m_flag.load(std::memory_order_relaxed); }

private:
    std::atomic<bool> m_flag{false};
};

}  // namespace redline
