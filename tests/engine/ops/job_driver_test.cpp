// The tiled-job drivers (ops/job_driver.hpp) on a toy job whose task i adds (i + 1)^2 and
// records the order in which partials were merged: a local run, a checkpointed run and a resumed
// one give the same result; a resumed run runs only the chunks the store lacks; progress covers
// the whole run and ends at its total; chunks whose span disagrees with the store are refused;
// partials shipped back in any order merge to the same result, and gaps, overlaps and missing
// tails are refused with messages saying which tasks.
#include "redline/ops/job_driver.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "redline/core/binary_codec.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

using test::error_message;
using test::has;

struct ToyPartial {
    std::size_t begin = 0, end = 0;
    std::uint64_t sum = 0;
    std::string serialize() const {
        BinaryWriter w;
        w.u64(begin);
        w.u64(end);
        w.u64(sum);
        return w.take();
    }
    static ToyPartial deserialize(const std::string& bytes) {
        BinaryReader r(bytes);
        ToyPartial p;
        p.begin = r.u64();
        p.end = r.u64();
        p.sum = r.u64();
        return p;
    }
};

struct ToyMerged {
    std::uint64_t sum = 0;
    std::vector<std::size_t> order;  // begin of each partial, as merged
};

class ToyJob final : public TiledJob<ToyPartial, ToyMerged> {
  public:
    explicit ToyJob(std::size_t n) : m_n(n) {}
    std::string label() const override { return "toy"; }
    std::size_t task_count() const override { return m_n; }
    std::uint64_t cost_of(std::size_t b, std::size_t e) const override { return 10 * (e - b); }
    ToyPartial run(std::size_t b, std::size_t e, const ExecutionContext& ctx,
                   ProgressSpan) const override {
        ToyPartial p{std::min(b, m_n), std::min(e, m_n), 0};
        for (std::size_t i = p.begin; i < p.end; ++i) p.sum += (i + 1) * (i + 1);
        tasks_run += p.end - p.begin;
        EXPECT_EQ(ctx.threads, 3);  // the context reaches every run
        return p;
    }
    TaskSpan span_of(const ToyPartial& p) const override { return {p.begin, p.end}; }
    std::unique_ptr<PartialMerger<ToyPartial, ToyMerged>> merger() const override {
        struct M final : PartialMerger<ToyPartial, ToyMerged> {
            ToyMerged m;
            void add(ToyPartial&& p) override {
                m.sum += p.sum;
                m.order.push_back(p.begin);
            }
            ToyMerged finish() override { return m; }
        };
        return std::make_unique<M>();
    }
    ToyMerged run_local(const ExecutionContext& ctx) const override {
        ToyPartial p = run(0, m_n, ctx, {});
        return ToyMerged{p.sum, {0}};
    }
    std::string fingerprint() const override { return "0123456789abcdef0123456789abcdef"; }
    std::string describe_plan() const override { return "toy"; }
    std::string serialize() const override { return {}; }
    mutable std::atomic<std::size_t> tasks_run{0};

  private:
    std::size_t m_n;
};

struct Recorder : ProgressSink {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> seen;
    void update(std::uint64_t d, std::uint64_t t, const std::string& label) override {
        EXPECT_EQ(label, "toy");
        seen.emplace_back(d, t);
    }
};

constexpr std::uint64_t kSum100 = 100 * 101 * 201 / 6;  // sum of squares 1..100

ExecutionContext ctx3(ProgressSink* p = nullptr) { return ExecutionContext{3, p, nullptr}; }

TEST(JobDriver, LocalAndCheckpointedRunsAgree) {
    const ToyJob job(100);
    EXPECT_EQ(run_job(job, ctx3()).sum, kSum100);
    const std::string dir = test::temp_dir("job_driver_agree") + "/ck";
    CheckpointStore store(dir, job.fingerprint(), "toy", job.task_count(), false);
    ASSERT_GT(store.chunk_count(), 1u);
    Recorder progress;
    const ToyMerged m = run_job(job, ctx3(&progress), &store);
    EXPECT_EQ(m.sum, kSum100);
    // Chunks merged in task order.
    for (std::size_t c = 0; c < store.chunk_count(); ++c)
        EXPECT_EQ(m.order[c], store.chunk(c).first);
    // Progress: starts at 0, never goes back, ends at the whole run's total (10 per task).
    ASSERT_FALSE(progress.seen.empty());
    EXPECT_EQ(progress.seen.front(), std::make_pair(std::uint64_t{0}, std::uint64_t{1000}));
    EXPECT_EQ(progress.seen.back(), std::make_pair(std::uint64_t{1000}, std::uint64_t{1000}));
    for (std::size_t i = 1; i < progress.seen.size(); ++i)
        EXPECT_GE(progress.seen[i].first, progress.seen[i - 1].first);
}

TEST(JobDriver, ResumeRunsOnlyWhatTheStoreLacks) {
    const std::string dir = test::temp_dir("job_driver_resume") + "/ck";
    const ToyJob first(100);
    std::size_t stored_tasks = 0;
    {
        CheckpointStore store(dir, first.fingerprint(), "toy", 100, false);
        // An interrupted run: only the first two chunks were stored.
        for (std::size_t c = 0; c < 2; ++c) {
            const auto [b, e] = store.chunk(c);
            store.store(c, first.run(b, e, ctx3(), {}).serialize());
            stored_tasks += e - b;
        }
    }
    const ToyJob resumed(100);
    CheckpointStore store(dir, resumed.fingerprint(), "toy", 100, true);
    Recorder progress;
    EXPECT_EQ(run_job(resumed, ctx3(&progress), &store).sum, kSum100);
    EXPECT_EQ(resumed.tasks_run.load(), 100 - stored_tasks);
    // The loaded chunks count as done from the start.
    EXPECT_EQ(progress.seen.front().first, 10 * stored_tasks);
    // A second resume finds everything done and runs nothing.
    const ToyJob again(100);
    CheckpointStore done(dir, again.fingerprint(), "toy", 100, true);
    EXPECT_EQ(run_job(again, ctx3(), &done).sum, kSum100);
    EXPECT_EQ(again.tasks_run.load(), 0u);
}

TEST(JobDriver, RefusesAChunkWhoseSpanDisagrees) {
    const std::string dir = test::temp_dir("job_driver_inconsistent") + "/ck";
    const ToyJob job(100);
    {
        CheckpointStore store(dir, job.fingerprint(), "toy", 100, false);
        store.store(0, ToyPartial{5, 9, 1}.serialize());
    }
    CheckpointStore store(dir, job.fingerprint(), "toy", 100, true);
    const std::string msg =
        error_message(ErrorKind::InvalidInput, [&] { run_job(job, ctx3(), &store); });
    EXPECT_TRUE(has(msg, "checkpoint chunk 0 in '" + dir + "' is inconsistent")) << msg;
}

TEST(JobDriver, MergesShippedPartialsInAnyOrder) {
    const ToyJob job(10);
    std::vector<ToyPartial> parts = {job.run(7, 10, ctx3(), {}), job.run(0, 3, ctx3(), {}),
                                     job.run(3, 7, ctx3(), {})};
    const ToyMerged m = merge_partials(job, parts);
    EXPECT_EQ(m.sum, 385u);  // 1 + 4 + ... + 100
    EXPECT_EQ(m.order, (std::vector<std::size_t>{0, 3, 7}));
    // An empty job merges nothing.
    EXPECT_EQ(merge_partials(ToyJob(0), std::vector<ToyPartial>{}).sum, 0u);
}

TEST(JobDriver, RefusesPartialsThatDoNotCoverEveryTaskOnce) {
    const ToyJob job(10);
    auto msg_of = [&](std::vector<ToyPartial> parts) {
        return error_message(ErrorKind::InvalidInput, [&] { merge_partials(job, parts); });
    };
    const std::string gap = msg_of({job.run(0, 3, ctx3(), {}), job.run(4, 10, ctx3(), {})});
    EXPECT_TRUE(has(gap,
                    "toy partial results do not cover tasks 0..10 exactly once (a partial "
                    "covers 4..10, expected one starting at 3)"))
        << gap;
    const std::string twice = msg_of({job.run(0, 5, ctx3(), {}), job.run(3, 10, ctx3(), {})});
    EXPECT_TRUE(has(twice, "covers 3..10, expected one starting at 5")) << twice;
    const std::string tail = msg_of({job.run(0, 6, ctx3(), {})});
    EXPECT_TRUE(has(tail, "toy partial results cover tasks 0..6 of 10")) << tail;
}

}  // namespace
}  // namespace redline
