#pragma once
// Progress reporting and cancellation shared by long operations.
// The engine calls ProgressSink::update from one thread at a time (the ordered merge stage),
// with work units that are raster cells wherever a raster is read.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

namespace redline {

class ProgressSink {
  public:
    virtual ~ProgressSink() = default;
    // `done` of `total` work units are finished; `label` names the stage ("zonal", "change").
    virtual void update(std::uint64_t done, std::uint64_t total, const std::string& label) = 0;
    // Called once when the stage ends (successfully or not).
    virtual void finish() {}
};

// Remaining time from progress reports: the rate over the more recent half of the time since
// the first report (so work done before it -- chunks loaded from a checkpoint -- does not
// inflate the rate, and a slow start -- cold caches, page faults while the first tiles fill the
// memory -- stops weighing once the run is twice as long as it lasted). Work units should be
// proportional to cost (tasks are weighted by cells and edges, see RasterPlan), which keeps the
// estimate within a few percent once a tenth of the work is done on uniform data.
// Thread-safety: not thread-safe; one owner calls update().
class EtaEstimator {
  public:
    void update(std::uint64_t done, std::uint64_t total, double seconds) {
        if (m_samples.empty() || seconds > m_samples.back().t || done != m_samples.back().done)
            m_samples.push_back(Sample{seconds, done});
        m_done = done;
        m_total = total;
        m_t = seconds;
    }
    // Seconds left; negative when unknown (no progress yet).
    double eta_seconds() const {
        if (m_samples.empty()) return -1.0;
        const Sample& first = m_samples.front();
        if (m_done <= first.done || m_t <= first.t) return -1.0;
        if (m_done >= m_total) return 0.0;
        // The last sample at or before the middle of [first.t, now].
        const double mid = first.t + 0.5 * (m_t - first.t);
        auto it = std::upper_bound(m_samples.begin(), m_samples.end(), mid,
                                   [](double t, const Sample& s) { return t < s.t; });
        const Sample& from = *(it == m_samples.begin() ? it : std::prev(it));
        const bool window = m_done > from.done && m_t > from.t;
        const double rate = window ? static_cast<double>(m_done - from.done) / (m_t - from.t)
                                   : static_cast<double>(m_done - first.done) / (m_t - first.t);
        return static_cast<double>(m_total - m_done) / rate;
    }
    double fraction() const {
        return m_total ? static_cast<double>(m_done) / static_cast<double>(m_total) : 1.0;
    }

  private:
    struct Sample {
        double t;
        std::uint64_t done;
    };
    std::vector<Sample> m_samples;  // (time, done), in time order; one per update with progress
    std::uint64_t m_done = 0, m_total = 0;
    double m_t = 0;
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
