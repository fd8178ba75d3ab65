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

// Remaining time from progress reports: the average rate since the first report (so work done
// before it -- e.g. chunks loaded from a checkpoint -- does not inflate the rate). Work units
// should be proportional to cost (tasks are weighted by cells and edges, see ZonalPlan), which
// keeps the estimate within a few percent once a tenth of the work is done on uniform data.
class EtaEstimator {
public:
    void update(std::uint64_t done, std::uint64_t total, double seconds) {
        if (!m_started) {
            m_started = true;
            m_done0 = done;
            m_t0 = seconds;
        }
        m_done = done;
        m_total = total;
        m_t = seconds;
    }
    // Seconds left; negative when unknown (no progress yet).
    double eta_seconds() const {
        if (!m_started || m_done <= m_done0 || m_t <= m_t0) return -1.0;
        if (m_done >= m_total) return 0.0;
        const double rate = static_cast<double>(m_done - m_done0) / (m_t - m_t0);
        return static_cast<double>(m_total - m_done) / rate;
    }
    double fraction() const { return m_total ? static_cast<double>(m_done) / static_cast<double>(m_total) : 1.0; }

private:
    bool m_started = false;
    std::uint64_t m_done0 = 0, m_done = 0, m_total = 0;
    double m_t0 = 0, m_t = 0;
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
