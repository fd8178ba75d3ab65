#pragma once
// The tiled-job protocol shared by `zonal` and `change` (docs/architecture.md#jobs).
//
// A job is prepared once (inputs opened and checked, zones conformed, tile plan made) and is then
// immutable. Its work is a sequence of tasks (busy tiles, in plan order). Any range of tasks runs
// into an exact, serializable partial result; partials of consecutive ranges merged in task
// order give the same merged result, to the bit, as one run of every task. The drivers in
// ops/job_driver.hpp own everything around that: threads, progress, cancellation, checkpoints
// and resume, and merging partials shipped back from other processes (Dask workers). The CLI,
// the Python bindings and `redline.distributed` all go through them.
//
// Requirements on Partial: `std::string serialize() const` and
// `static Partial deserialize(const std::string&)` (exact round trip).
// Thread-safety: every const member may be called concurrently once the job is prepared.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "redline/exec/execution_context.hpp"

namespace redline {

// Tasks [begin, end) of a job.
struct TaskSpan {
    std::size_t begin = 0, end = 0;
    bool operator==(const TaskSpan&) const = default;
};

// Where a range's progress sits in the whole run: `done` work units finished before it, out of
// `total` (0 = report the range on its own).
struct ProgressSpan {
    std::uint64_t done = 0, total = 0;
};

// Merges partials given in task order into the merged result.
template <class Partial, class Merged>
class PartialMerger {
  public:
    virtual ~PartialMerger() = default;
    virtual void add(Partial&& part) = 0;
    // The merged result of everything added; called once.
    virtual Merged finish() = 0;
};

template <class Partial, class Merged>
class TiledJob {
  public:
    using partial_type = Partial;
    using merged_type = Merged;
    virtual ~TiledJob() = default;

    // The stage's name in progress lines and checkpoints ("zonal", "change").
    virtual std::string label() const = 0;
    virtual std::size_t task_count() const = 0;
    // Work units (cells read, weighted by edges; see coverage/raster_plan.hpp) of tasks
    // [begin, end), for progress and ETA.
    virtual std::uint64_t cost_of(std::size_t begin, std::size_t end) const = 0;
    // Runs tasks [begin, end) (clamped to the job) into an exact partial result.
    virtual Partial run(std::size_t begin, std::size_t end, const ExecutionContext& ctx,
                        ProgressSpan progress = {}) const = 0;
    // The tasks a partial result covers (checked when checkpoints and shipped partials merge).
    virtual TaskSpan span_of(const Partial& part) const = 0;
    virtual std::unique_ptr<PartialMerger<Partial, Merged>> merger() const = 0;
    // Every task in this process, merging as tiles finish (bounded memory); equal to merging
    // run(0, task_count()) and also to any partition of it.
    virtual Merged run_local(const ExecutionContext& ctx) const = 0;
    // Identity of the inputs and of every option that decides the result (checkpoints).
    virtual std::string fingerprint() const = 0;
    // One paragraph on the plan and settings (--verbose).
    virtual std::string describe_plan() const = 0;
    // The prepared job as bytes for another process (inputs reopened by path there).
    virtual std::string serialize() const = 0;
};

}  // namespace redline
