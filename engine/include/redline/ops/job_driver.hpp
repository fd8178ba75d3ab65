#pragma once
// The drivers of the tiled-job protocol (exec/tiled_job.hpp): the one place that runs a job's
// tasks with checkpoints and resume, reports progress over a whole run, and merges partials
// shipped back from other processes. The CLI (`zonal`, `change`), the Python bindings and
// `redline.distributed` call these; no command has a copy.
// Thread-safety: reentrant; a store is used by one run at a time.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "redline/core/error.hpp"
#include "redline/exec/tiled_job.hpp"
#include "redline/io/checkpoint_store.hpp"

namespace redline {

// Every task of `job`: in one local pass without a store; with one, in the store's chunks,
// loading those it already holds (--resume), running and storing the others. The merged result
// is the same either way. Chunks loaded count as done from the start, so that the ETA measures
// only the work this run does.
template <class Partial, class Merged>
Merged run_job(const TiledJob<Partial, Merged>& job, const ExecutionContext& ctx,
               CheckpointStore* store = nullptr) {
    if (!store) return job.run_local(ctx);
    const std::uint64_t total = job.cost_of(0, job.task_count());
    std::uint64_t done = 0;
    for (std::size_t c = 0; c < store->chunk_count(); ++c)
        if (store->done(c)) done += job.cost_of(store->chunk(c).first, store->chunk(c).second);
    if (ctx.progress) ctx.progress->update(done, total, job.label());
    auto merger = job.merger();
    for (std::size_t c = 0; c < store->chunk_count(); ++c) {
        const auto [b, e] = store->chunk(c);
        Partial part;
        if (store->done(c)) {
            part = Partial::deserialize(store->load(c));
            if (!(job.span_of(part) == TaskSpan{b, e}))
                fail(ErrorKind::InvalidInput,
                     fmt::format("checkpoint chunk {} in '{}' is inconsistent; remove the "
                                 "checkpoint directory",
                                 c, store->dir()));
        } else {
            part = job.run(b, e, ctx, ProgressSpan{done, total});
            store->store(c, part.serialize());
            done += job.cost_of(b, e);
            if (ctx.progress) ctx.progress->update(done, total, job.label());
        }
        merger->add(std::move(part));
    }
    return merger->finish();
}

// Merges partial results of `job` computed elsewhere (any order); together they must cover the
// tasks 0..task_count() exactly once, else InvalidInput saying which task is missing or doubled.
template <class Partial, class Merged>
Merged merge_partials(const TiledJob<Partial, Merged>& job, std::vector<Partial> parts) {
    std::vector<std::pair<TaskSpan, std::size_t>> order;
    order.reserve(parts.size());
    for (std::size_t i = 0; i < parts.size(); ++i) order.emplace_back(job.span_of(parts[i]), i);
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.first.begin < b.first.begin; });
    const std::size_t total = job.task_count();
    std::size_t next = 0;
    auto merger = job.merger();
    for (const auto& [span, i] : order) {
        if (span.begin != next || span.end < span.begin || span.end > total)
            fail(ErrorKind::InvalidInput,
                 fmt::format("{} partial results do not cover tasks 0..{} exactly once (a partial "
                             "covers {}..{}, expected one starting at {})",
                             job.label(), total, span.begin, span.end, next));
        merger->add(std::move(parts[i]));
        next = span.end;
    }
    if (next != total)
        fail(ErrorKind::InvalidInput,
             fmt::format("{} partial results cover tasks 0..{} of {}", job.label(), next, total));
    return merger->finish();
}

}  // namespace redline
