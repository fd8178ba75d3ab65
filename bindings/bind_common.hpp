#pragma once
// Shared machinery of the Python bindings:
//  - run_interruptible: runs an engine call on a worker thread with the GIL released; the calling
//    thread wakes every 100 ms to deliver progress to Python and to check for Ctrl-C (which
//    cancels the engine cleanly and raises KeyboardInterrupt) and the caller's `cancel` callable
//    (which cancels it the same way and raises redline.Cancelled). Python never runs inside the
//    tile loop (README.md#python).
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
#include <vector>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
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

// The Python exception raised when the caller's `cancel` asked to stop: redline.Cancelled
// (defined in _core, re-exported by the package); created by the module (module.cpp).
PyObject* cancelled_error();

// Asks the caller's `cancel` (None or a callable() -> bool). Returns true when it asks to stop;
// an exception from it propagates (error_already_set).
inline bool cancel_requested(const pyb::object& cancel_fn) {
    return !cancel_fn.is_none() && pyb::bool_(cancel_fn());
}

// job(ProgressSink*, const CancelToken*) -> R. `progress` is None or a callable(done, total,
// label); `cancel` is None or a callable() -> bool polled with the progress (before the start,
// then every 100 ms): when it returns true the engine's CancelToken is set, the engine stops at
// its next check (between tiles / features) and the call raises redline.Cancelled -- also when
// the engine happened to finish first, so a cancelled call never returns a result. An exception
// raised by `progress` or `cancel` cancels the engine the same way and propagates.
template <class R, class Job>
R run_interruptible(Job&& job, const pyb::object& progress,
                    const pyb::object& cancel_fn = pyb::none()) {
    if (cancel_requested(cancel_fn)) {
        PyErr_SetString(cancelled_error(), "cancelled at the caller's request before the start");
        throw pyb::error_already_set();
    }
    SharedProgress sink;
    CancelToken cancel;
    std::optional<R> result;
    std::exception_ptr error;
    std::mutex m;
    std::condition_variable cv;
    bool finished = false;
    bool interrupted = false;
    bool cancelled = false;  // the caller's `cancel` asked to stop
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
            if (!interrupted && !callback_error && !cancelled) {
                try {
                    if (cancel_requested(cancel_fn)) {
                        cancelled = true;
                        cancel.cancel();
                    }
                } catch (pyb::error_already_set& e) {
                    callback_error.emplace(std::move(e));
                    cancel.cancel();
                }
            }
            std::uint64_t done, total;
            std::string label;
            if (!interrupted && !callback_error && !cancelled && !progress.is_none() &&
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
    if (cancelled) {
        PyErr_SetString(cancelled_error(),
                        "cancelled at the caller's request; no result and no output were written");
        throw pyb::error_already_set();
    }
    if (error) std::rethrow_exception(error);
    if (!progress.is_none()) {
        std::uint64_t done, total;
        std::string label;
        if (sink.take(done, total, label)) progress(done, total, label);
    }
    return std::move(*result);
}

// Translates engine errors to Python exceptions with the message rendered for Python (`densify=`
// where the CLI says `--densify`).
void register_errors(pyb::module_& m);

// Module parts (bind_<thing>.cpp).
void bind_zonal(pyb::module_& m);
void bind_change(pyb::module_& m);
void bind_vector(pyb::module_& m);
void bind_report(pyb::module_& m);
void bind_tabulate(pyb::module_& m);
void bind_accuracy(pyb::module_& m);
void bind_defaults(pyb::module_& m);

}  // namespace redline::py
