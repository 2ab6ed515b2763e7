// BenchRunner end to end against FakeOpenAiServer: every failure class is
// produced on purpose and classified; the traces file holds every request.
#include "client/bench_runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "client/fake_openai_server.h"
#include "client/request_body.h"
#include "traces/trace_reader.h"

using namespace l4lab;
using namespace l4lab::client;
using l4lab::client::testing::FakeOpenAiServer;

namespace {

std::vector<PreparedRequest> requests(size_t n, int max_tokens = 8) {
  std::vector<PreparedRequest> v;
  SamplingOptions s{"fake-model"};
  for (size_t i = 0; i < n; ++i) {
    PreparedRequest p;
    p.id = "qa-S-" + std::to_string(i);
    p.task = "qa";
    p.bucket = "S";
    p.prompt_tokens = 10;
    p.max_tokens = max_tokens;
    p.body = chat_request_body({{"user", "hello"}}, max_tokens, s);
    v.push_back(p);
  }
  return v;
}

struct RunOut {
  RunResult result;
  traces::TraceFile traces;
  BenchStats stats;
};

RunOut run(const std::string& url, const std::vector<PreparedRequest>& reqs,
           const schedule::Schedule& sched, RunnerOptions ro) {
  // One folder per test and process: CTest runs these cases in parallel.
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& ch : name)
    if (ch == '/') ch = '_';
  auto dir = std::filesystem::temp_directory_path() /
             ("l4lab_bench_runner_test_" + name + "_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "traces.jsonl").string();
  RunOut r;
  traces::TraceWriter w;
  EXPECT_TRUE(w.open(path, false).ok());
  ro.url = url + "/v1/chat/completions";
  ro.quiet = true;
  {
    BenchRunner runner(ro, reqs, sched, w, r.stats);
    r.result = runner.run();
  }
  w.close();
  r.traces = *traces::read_traces(path);
  EXPECT_TRUE(r.traces.errors.empty());
  return r;
}

schedule::Schedule closed(size_t n, int c) {
  std::vector<std::string> ids(n);
  schedule::ScheduleOptions o;
  o.kind = schedule::ArrivalKind::closed;
  o.concurrency = c;
  return *schedule::generate_schedule(ids, o);
}

}  // namespace

TEST(BenchRunner, ClosedLoopAllSucceed) {
  FakeOpenAiServer srv({2, 1});
  auto reqs = requests(20);
  RunnerOptions ro;
  ro.warmup_requests = 2;
  ro.cooldown_requests = 3;
  auto r = run(srv.url(), reqs, closed(20, 4), ro);
  EXPECT_EQ(r.result.status, RunStatus::completed);
  ASSERT_EQ(r.traces.records.size(), 20u);
  size_t warm = 0, cool = 0;
  for (auto& t : r.traces.records) {
    EXPECT_TRUE(t.ok) << t.request_id << ": " << t.error.value_or("");
    EXPECT_EQ(t.chunks.size(), 8u);
    EXPECT_EQ(t.usage_completion_tokens, 8);
    EXPECT_EQ(t.prompt_count_mismatch, false);
    EXPECT_GE(*t.t_first_token_ns, *t.t_first_byte_ns);
    EXPECT_GE(*t.t_sent_ns, *t.t_scheduled_ns);
    EXPECT_EQ(t.chunks.front().t_ns, *t.t_first_token_ns);
    warm += t.phase == traces::Phase::warmup;
    cool += t.phase == traces::Phase::cooldown;
  }
  EXPECT_EQ(warm, 2u);
  EXPECT_EQ(cool, 3u);
  EXPECT_EQ(r.stats.measured_ok(), 15u);
}

TEST(BenchRunner, ClosedLoopRampUpOpensSlotsOneByOne) {
  FakeOpenAiServer srv({20, 5});  // ~60 ms a request
  auto reqs = requests(10, 8);
  RunnerOptions ro;
  ro.ramp_up_ns = 400'000'000;  // 4 slots: at 0, 100, 200, 300 ms
  auto r = run(srv.url(), reqs, closed(10, 4), ro);
  EXPECT_EQ(r.result.status, RunStatus::completed);
  ASSERT_EQ(r.traces.records.size(), 10u);
  std::set<int64_t> slot_opens;
  for (auto& t : r.traces.records) {
    EXPECT_TRUE(t.ok) << t.request_id << ": " << t.error.value_or("");
    EXPECT_GE(*t.t_sent_ns, *t.t_scheduled_ns);
    const int64_t off = *t.t_scheduled_ns - r.result.t_start_ns;
    EXPECT_GE(off, 0);
    if (off % 100'000'000 == 0 && off <= 300'000'000) slot_opens.insert(off);
  }
  // Each slot's first request is scheduled when the slot opens, exactly.
  EXPECT_EQ(slot_opens, (std::set<int64_t>{0, 100'000'000, 200'000'000, 300'000'000}));
  // Before the second slot opened, only the first slot's requests ran: one at a time.
  std::vector<std::pair<int64_t, int64_t>> early;
  for (auto& t : r.traces.records)
    if (*t.t_scheduled_ns - r.result.t_start_ns < 100'000'000)
      early.emplace_back(*t.t_sent_ns, *t.t_end_ns);
  std::sort(early.begin(), early.end());
  for (size_t i = 1; i < early.size(); ++i) EXPECT_GE(early[i].first, early[i - 1].second);
}

TEST(BenchRunner, OpenLoopFollowsTheSchedule) {
  FakeOpenAiServer srv({1, 1});
  auto reqs = requests(10, 2);
  std::vector<std::string> ids(10);
  schedule::ScheduleOptions o;
  o.kind = schedule::ArrivalKind::constant;
  o.rate = 200;
  o.shuffle = false;
  auto sched = *schedule::generate_schedule(ids, o);
  auto r = run(srv.url(), reqs, sched, {});
  ASSERT_EQ(r.traces.records.size(), 10u);
  int64_t t0 = INT64_MAX;
  for (auto& t : r.traces.records) t0 = std::min(t0, *t.t_scheduled_ns);
  for (auto& t : r.traces.records) {
    EXPECT_TRUE(t.ok);
    size_t i = std::stoul(t.request_id.substr(5));
    EXPECT_EQ(*t.t_scheduled_ns - t0, int64_t(i) * 5'000'000);
  }
}

struct FaultCase {
  std::string fault;
  traces::FailureClass cls;
  std::string detail;
};

class BenchRunnerFault : public ::testing::TestWithParam<FaultCase> {};

TEST_P(BenchRunnerFault, IsClassified) {
  const auto& c = GetParam();
  FakeOpenAiServer srv({1, 1});
  auto reqs = requests(3);
  RunnerOptions ro;
  ro.http.headers = {"x-l4lab-fault: " + c.fault};
  ro.http.first_token_timeout_ns = 300'000'000;
  ro.http.idle_timeout_ns = 300'000'000;
  ro.http.sweep_ns = 5'000'000;
  auto r = run(srv.url(), reqs, closed(3, 3), ro);
  EXPECT_EQ(r.result.status, RunStatus::completed);
  ASSERT_EQ(r.traces.records.size(), 3u);
  for (auto& t : r.traces.records) {
    EXPECT_FALSE(t.ok) << c.fault;
    EXPECT_EQ(traces::failure_class_name(t.failure_class), traces::failure_class_name(c.cls))
        << c.fault;
    EXPECT_EQ(t.failure_detail.value_or(""), c.detail) << c.fault << ": " << t.error.value_or("");
    EXPECT_TRUE(t.t_end_ns.has_value());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Faults, BenchRunnerFault,
    ::testing::Values(
        FaultCase{"status:429", traces::FailureClass::http_4xx, "rate_limited"},
        FaultCase{"context_overflow", traces::FailureClass::http_4xx, "context_overflow"},
        FaultCase{"status:500", traces::FailureClass::http_5xx, "500"},
        FaultCase{"status:503", traces::FailureClass::http_5xx, "503"},
        FaultCase{"reset_mid_stream", traces::FailureClass::connection, "reset"},
        FaultCase{"close_mid_stream", traces::FailureClass::connection, "closed_mid_stream"},
        FaultCase{"stall_first_token:3000", traces::FailureClass::timeout, "first_token"},
        FaultCase{"stall_between_chunks:3000", traces::FailureClass::timeout, "idle"},
        FaultCase{"malformed_sse", traces::FailureClass::protocol, "bad_sse"},
        FaultCase{"malformed_json", traces::FailureClass::protocol, "bad_json"},
        FaultCase{"missing_usage", traces::FailureClass::protocol, "missing_usage"},
        FaultCase{"missing_done", traces::FailureClass::protocol, "missing_done"},
        FaultCase{"zero_completion", traces::FailureClass::empty_completion,
                  "zero_completion_tokens"}),
    [](const auto& info) {
      std::string n = info.param.fault.substr(0, info.param.fault.find(':'));
      if (info.param.fault.rfind("status:", 0) == 0) n += info.param.fault.substr(7);
      return n;
    });

TEST(BenchRunner, RefusedConnectionAndTotalTimeout) {
  auto reqs = requests(2);
  int port;
  {
    FakeOpenAiServer gone({1, 1});
    port = gone.port();
  }
  auto r = run("http://127.0.0.1:" + std::to_string(port), reqs, closed(2, 1), {});
  ASSERT_EQ(r.traces.records.size(), 2u);
  for (const auto& t : r.traces.records) {
    EXPECT_EQ(t.failure_class, traces::FailureClass::connection) << t.request_id;
    EXPECT_EQ(t.failure_detail, "refused") << t.request_id;
    EXPECT_FALSE(t.t_first_byte_ns.has_value()) << t.request_id;
  }

  FakeOpenAiServer slow({1, 200});
  RunnerOptions ro;
  ro.http.total_timeout_ns = 300'000'000;
  ro.http.sweep_ns = 5'000'000;
  auto t = run(slow.url(), reqs, closed(2, 2), ro);
  ASSERT_EQ(t.traces.records.size(), 2u);  // the loop below must see every request
  for (auto& rec : t.traces.records) {
    EXPECT_EQ(rec.failure_class, traces::FailureClass::timeout);
    EXPECT_EQ(rec.failure_detail, "total");
    EXPECT_GE(rec.chunks.size(), 1u);
  }
}

TEST(BenchRunner, FailureBudgetEndsTheRunWithEveryTraceWritten) {
  FakeOpenAiServer srv({1, 50});
  auto reqs = requests(40);
  // 4 slow successes in flight, then failures from the same server via a
  // second schedule: simplest is a server-wide fault, so every request fails.
  RunnerOptions ro;
  ro.http.headers = {"x-l4lab-fault: status:500"};
  ro.max_failures = 5;
  auto r = run(srv.url(), reqs, closed(40, 4), ro);
  EXPECT_EQ(r.result.status, RunStatus::failure_budget);
  EXPECT_EQ(r.traces.records.size(), r.result.sent);
  EXPECT_LT(r.result.sent, 40u);
  EXPECT_EQ(r.stats.failures(), 6u);
}

TEST(BenchRunner, BudgetCancelsInFlightStreams) {
  FakeOpenAiServer srv({1, 20});
  // Half the requests stream slowly (200 tokens x 20 ms); the failing ones
  // go to a missing path and get 404s.
  auto reqs = requests(8, 200);
  RunnerOptions ro;
  ro.max_failures = 0;
  RunOut r;
  // One folder per test and process: CTest runs these cases in parallel.
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::temp_directory_path() /
             ("l4lab_bench_runner_test_" + std::string(info->test_suite_name()) + "_" +
              info->name() + "_" + std::to_string(getpid()));
  for (char& ch : const_cast<std::string&>(dir.native()))
    if (ch == '/' &&
        &ch > dir.native().data() + std::filesystem::temp_directory_path().native().size())
      ch = '_';
  std::filesystem::create_directories(dir);
  auto path = (dir / "budget.jsonl").string();
  traces::TraceWriter w;
  ASSERT_TRUE(w.open(path, false).ok());
  ro.url = srv.url() + "/v1/chat/completions";
  ro.quiet = true;
  // Make the 5th request fail: point its body at an invalid JSON (400).
  reqs[4].body = "{";
  schedule::Schedule sched = closed(8, 4);
  {
    BenchRunner runner(ro, reqs, sched, w, r.stats);
    r.result = runner.run();
  }
  w.close();
  auto tf = *traces::read_traces(path);
  EXPECT_EQ(r.result.status, RunStatus::failure_budget);
  size_t cancelled = 0;
  for (auto& t : tf.records)
    if (t.failure_class == traces::FailureClass::cancelled) {
      ++cancelled;
      EXPECT_EQ(t.failure_detail, "failure_budget");
    }
  EXPECT_EQ(tf.records.size(), r.result.sent);
  EXPECT_GE(cancelled, 3u);
}
