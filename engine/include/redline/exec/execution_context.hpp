#pragma once
// How a run executes, kept apart from what it computes (the job's request and options): the
// thread count, where progress goes and the token that cancels it. Passed to each run of a
// tiled job (exec/tiled_job.hpp) and to the preparation that parallelises; never part of a job's
// identity, its serialized form or its checkpoint fingerprint, because results are identical for
// every context (1 thread == N threads, byte for byte).
// Thread-safety: a plain value; the sink and the token it points to must outlive the run.
#include "redline/exec/progress.hpp"

namespace redline {

struct ExecutionContext {
    int threads = 0;                      // DEFAULT 0 = all cores
    ProgressSink* progress = nullptr;     // DEFAULT none; called from one thread at a time
    const CancelToken* cancel = nullptr;  // DEFAULT none; polled between tiles
};

}  // namespace redline
