#pragma once
// Parallel map with an ordered, serial reduce: work(i) runs on up to `threads` threads, merge(i,
// result) runs on one thread at a time in increasing i, and at most 2 x threads results are in
// flight, so memory is bounded by the tiles in flight whatever the number of tasks.
// Exceptions thrown by work or merge stop the run and propagate to the caller. The cancel token
// is polled before each task starts; a cancelled run throws Error(Cancelled).
// Thread-safety: work must be safe to call concurrently; merge is never called concurrently.
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <cstddef>
#include <functional>
#include <optional>

#include "redline/core/error.hpp"
#include "redline/exec/progress.hpp"

namespace redline {

// 0 means all cores.
int resolve_threads(int threads);

template <class Result>
void run_ordered(std::size_t n_tasks, int threads, const std::function<Result(std::size_t)>& work,
                 const std::function<void(std::size_t, Result&&)>& merge,
                 const CancelToken* cancel = nullptr) {
    const int n = resolve_threads(threads);
    if (n_tasks == 0) return;
    std::size_t next = 0;
    struct Item {
        std::size_t index;
        std::optional<Result> result;
    };
    tbb::task_arena arena(n);
    arena.execute([&] {
        tbb::parallel_pipeline(
            static_cast<std::size_t>(2 * n),
            tbb::make_filter<void, std::size_t>(
                tbb::filter_mode::serial_in_order,
                [&](tbb::flow_control& fc) -> std::size_t {
                    if (next >= n_tasks) {
                        fc.stop();
                        return 0;
                    }
                    if (cancel && cancel->cancelled())
                        throw Error(ErrorKind::Cancelled, "interrupted; no output was written");
                    return next++;
                }) &
                tbb::make_filter<std::size_t, Item>(
                    tbb::filter_mode::parallel,
                    [&](std::size_t i) {
                        return Item{i, std::optional<Result>(work(i))};
                    }) &
                tbb::make_filter<Item, void>(tbb::filter_mode::serial_in_order, [&](Item item) {
                    merge(item.index, std::move(*item.result));
                }));
    });
}

}  // namespace redline
