#include "client/bench_plan.h"

#include <gtest/gtest.h>

namespace l4lab::client {
namespace {

std::vector<workload::WorkloadRequest> workload(int n) {
  std::vector<workload::WorkloadRequest> w(n);
  for (int i = 0; i < n; ++i) {
    w[i].id = "r" + std::to_string(i);
    w[i].request_prompt_tokens = 10;
    w[i].max_new_tokens = 5;
  }
  return w;
}

BenchOptions closed_loop() {
  BenchOptions o;
  o.workload = "prompts.jsonl";
  o.out_dir = "out";
  o.concurrency = 2;
  o.shuffle = false;
  return o;
}

// An open-loop schedule over r0..r{n-1}, one request every 100 ms from 50 ms.
schedule::Schedule replay(int n) {
  schedule::Schedule s;
  s.options.kind = schedule::ArrivalKind::replay;
  for (int i = 0; i < n; ++i)
    s.entries.push_back({size_t(i), "r" + std::to_string(i), int64_t(50 + 100 * i) * 1'000'000});
  return s;
}

traces::TraceRecord traced(const std::string& id,
                           traces::FailureClass c = traces::FailureClass::none, int attempt = 0) {
  traces::TraceRecord r;
  r.request_id = id;
  r.failure_class = c;
  r.attempt = attempt;
  r.ok = c == traces::FailureClass::none;
  return r;
}

std::vector<std::string> ids(const schedule::Schedule& s) {
  std::vector<std::string> out;
  for (const auto& e : s.entries) out.push_back(e.id);
  return out;
}

TEST(BenchPlan, RequestChecksNameFileLineAndRequest) {
  auto w = workload(3);
  w[1].max_new_tokens = 0;
  auto st = check_bench_request(closed_loop(), w);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message(), "prompts.jsonl:2: request r1: max_new_tokens must be > 0");
  w[1].max_new_tokens = 5;
  w[2].request_prompt_tokens = 0;
  EXPECT_EQ(check_bench_request(closed_loop(), w).error().message(),
            "prompts.jsonl:3: request r2: request_prompt_tokens must be > 0");
  EXPECT_EQ(check_bench_request(closed_loop(), {}).error().message(), "prompts.jsonl: no requests");
}

TEST(BenchPlan, LoadOptionsExcludeEachOther) {
  auto o = closed_loop();
  o.rate = 5;
  EXPECT_EQ(plan_bench(o, workload(2), {}).error().message(),
            "--concurrency and --rate exclude each other");
  o.concurrency = 0;
  o.ramp_up_s = 1;
  EXPECT_NE(plan_bench(o, workload(2), {}).error().message().find("--ramp-up-s"),
            std::string::npos);
  o.ramp_up_s = 0;
  o.arrival = "closed";
  EXPECT_EQ(plan_bench(o, workload(2), {}).error().message(),
            "--arrival must be constant, poisson or gamma");
}

TEST(BenchPlan, FreshClosedLoopGeneratesAndWritesTheSchedule) {
  auto plan = plan_bench(closed_loop(), workload(4), {});
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  EXPECT_EQ(plan->options.kind, schedule::ArrivalKind::closed);
  EXPECT_EQ(plan->options.concurrency, 2);
  EXPECT_TRUE(plan->write_schedule);
  EXPECT_EQ(ids(plan->to_send), (std::vector<std::string>{"r0", "r1", "r2", "r3"}));
  EXPECT_EQ(plan->resumed_skipped, 0u);
  EXPECT_EQ(plan->needs_body, (std::vector<bool>{true, true, true, true}));
  EXPECT_EQ(plan->failure_budget, SIZE_MAX);
  auto again = replay_schedule_path(closed_loop(), {});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

TEST(BenchPlan, TracesAlreadyThereNeedResume) {
  BenchFiles files;
  files.traces_nonempty = true;
  const std::string want = "out/traces.jsonl already has traces: use --resume or another --out";
  EXPECT_EQ(plan_bench(closed_loop(), workload(2), files).error().message(), want);
  EXPECT_EQ(replay_schedule_path(closed_loop(), files).error().message(), want);
}

TEST(BenchPlan, FailureBudgetIsACountOrAFractionOfWhatIsSent) {
  auto o = closed_loop();
  o.max_failures = 3;
  EXPECT_EQ(plan_bench(o, workload(10), {})->failure_budget, 3u);
  o.max_failures = 0.25;
  EXPECT_EQ(plan_bench(o, workload(10), {})->failure_budget, 2u);  // floor(2.5)
}

TEST(BenchPlan, ReplayFileIsReadAndLimited) {
  auto o = closed_loop();
  o.concurrency = 0;
  o.schedule_file = "sched.csv";
  o.limit = 2;
  auto path = replay_schedule_path(o, {});
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->value_or(""), "sched.csv");
  BenchFiles files;
  files.replay = replay(3);
  auto plan = plan_bench(o, workload(3), files);
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  EXPECT_EQ(plan->to_send.options.kind, schedule::ArrivalKind::replay);
  EXPECT_EQ(ids(plan->to_send), (std::vector<std::string>{"r0", "r1"}));
  EXPECT_EQ(plan->needs_body, (std::vector<bool>{true, true, false}));
}

TEST(BenchPlan, ResumeSkipsFinishedAndRetriesCancelled) {
  auto o = closed_loop();
  o.resume = true;
  BenchFiles files;
  files.schedule_exists = true;
  files.prior_traces =
      std::vector<traces::TraceRecord>{traced("r0"), traced("r2", traces::FailureClass::http_5xx),
                                       traced("r1", traces::FailureClass::cancelled, 0),
                                       traced("r1", traces::FailureClass::cancelled, 1)};
  // A closed loop regenerates its schedule (same seed, same order).
  auto path = replay_schedule_path(o, files);
  ASSERT_TRUE(path.ok());
  EXPECT_FALSE(path->has_value());
  auto plan = plan_bench(o, workload(4), files);
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  EXPECT_FALSE(plan->write_schedule);  // the run keeps its own schedule.jsonl
  EXPECT_EQ(ids(plan->schedule), (std::vector<std::string>{"r0", "r1", "r2", "r3"}));
  // Failed requests count as done; only cancelled ones are redone.
  EXPECT_EQ(ids(plan->to_send), (std::vector<std::string>{"r1", "r3"}));
  EXPECT_EQ(plan->resumed_skipped, 2u);
  EXPECT_EQ(plan->next_attempt.at("r1"), 2);
  EXPECT_EQ(plan->next_attempt.count("r3"), 0u);
  EXPECT_EQ(plan->needs_body, (std::vector<bool>{false, true, false, true}));
}

TEST(BenchPlan, ResumedOpenLoopReplaysItsOwnScheduleShiftedToStartNow) {
  auto o = closed_loop();
  o.concurrency = 0;
  o.rate = 10;
  o.arrival = "constant";
  o.resume = true;
  BenchFiles files;
  files.schedule_exists = true;
  auto path = replay_schedule_path(o, files);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->value_or(""), "out/schedule.jsonl");
  files.replay = replay(3);
  files.prior_traces = std::vector<traces::TraceRecord>{traced("r0")};
  auto plan = plan_bench(o, workload(3), files);
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  EXPECT_EQ(plan->to_send.options.kind, schedule::ArrivalKind::constant);  // the options as asked
  EXPECT_EQ(ids(plan->to_send), (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(plan->to_send.entries[0].t_offset_ns, 0);
  EXPECT_EQ(plan->to_send.entries[1].t_offset_ns, 100'000'000);
  EXPECT_EQ(plan->schedule.entries[0].t_offset_ns, 50'000'000);  // written schedule unchanged
}

TEST(BenchPlan, ResumeWithoutTracesSendsEverythingUnshifted) {
  auto o = closed_loop();
  o.concurrency = 0;
  o.schedule_file = "sched.jsonl";
  o.resume = true;
  BenchFiles files;
  files.replay = replay(2);
  auto plan = plan_bench(o, workload(2), files);
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  EXPECT_TRUE(plan->write_schedule);
  EXPECT_EQ(plan->to_send.entries[0].t_offset_ns, 50'000'000);
  EXPECT_EQ(plan->resumed_skipped, 0u);
}

}  // namespace
}  // namespace l4lab::client
