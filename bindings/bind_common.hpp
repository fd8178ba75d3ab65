#pragma once
// Shared machinery of the Python bindings:
//  - run_interruptible: runs an engine call on a worker thread with the GIL released; the calling
//    thread wakes every 100 ms to deliver progress to Python and to check for Ctrl-C (which
//    cancels the engine cleanly and raises KeyboardInterrupt). Python never runs inside the tile
//    loop (README.md#python).
//  - error translation: Error kinds -> ValueError / OSError / NotImplementedError / RuntimeError /
//    KeyboardInterrupt with the CLI's message text.
#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "redline/core/error.hpp"
#include "redline/exec/progress.hpp"

namespace redline::py {

namespace pyb = pybind11;

// Progress reported by the engine thread and read by the Python thread.
class SharedProgress : public ProgressSink {
  public:
    void update(std::uint64_t done, std::uint64_t total, const std::string& label) override {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_done = done;
        m_total = total;
        m_label = label;
        m_changed = true;
    }
    bool take(std::uint64_t& done, std::uint64_t& total, std::string& label) {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!m_changed) return false;
        m_changed = false;
        done = m_done;
        total = m_total;
        label = m_label;
        return true;
    }

  private:
    std::mutex m_mutex;
    std::uint64_t m_done = 0, m_total = 0;
    std::string m_label;
    bool m_changed = false;
};

// job(ProgressSink*, const CancelToken*) -> R. `progress` is None or a callable(done, total,
// label).
template <class R, class Job>
R run_interruptible(Job&& job, const pyb::object& progress) {
    SharedProgress sink;
    CancelToken cancel;
    std::optional<R> result;
    std::exception_ptr error;
    std::mutex m;
    std::condition_variable cv;
    bool finished = false;
    bool interrupted = false;
    std::optional<pyb::error_already_set> callback_error;
    {
        pyb::gil_scoped_release release;
        std::thread worker([&] {
            try {
                result.emplace(job(&sink, &cancel));
            } catch (...) {
                error = std::current_exception();
            }
            std::lock_guard<std::mutex> lock(m);
            finished = true;
            cv.notify_all();
        });
        for (;;) {
            {
                std::unique_lock<std::mutex> lock(m);
                cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return finished; });
                if (finished) break;
            }
            pyb::gil_scoped_acquire acquire;
            if (!interrupted && PyErr_CheckSignals() != 0) {
                interrupted = true;
                cancel.cancel();
            }
            std::uint64_t done, total;
            std::string label;
            if (!interrupted && !callback_error && !progress.is_none() &&
                sink.take(done, total, label)) {
                try {
                    progress(done, total, label);
                } catch (pyb::error_already_set& e) {
                    callback_error.emplace(std::move(e));
                    cancel.cancel();
                }
            }
        }
        worker.join();
    }
    if (interrupted) throw pyb::error_already_set();  // the pending KeyboardInterrupt
    if (callback_error) throw std::move(*callback_error);
    if (error) std::rethrow_exception(error);
    if (!progress.is_none()) {
        std::uint64_t done, total;
        std::string label;
        if (sink.take(done, total, label)) progress(done, total, label);
    }
    return std::move(*result);
}

void register_errors(pyb::module_& m);

// Module parts (bind_<thing>.cpp).
void bind_zonal(pyb::module_& m);
void bind_change(pyb::module_& m);
void bind_vector(pyb::module_& m);
void bind_report(pyb::module_& m);

}  // namespace redline::py
