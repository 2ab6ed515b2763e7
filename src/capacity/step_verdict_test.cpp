#include "capacity/step_verdict.h"

#include <gtest/gtest.h>

#include <vector>

namespace l4lab::capacity {
namespace {

constexpr int64_t kMs = 1'000'000;

// n requests 100 ms apart (10 req/s), sent lag_ms late, first token after
// ttft(i) ms from the scheduled time, 11 tokens 10 ms apart.
std::vector<traces::TraceRecord> traces(size_t n, double lag_ms, double (*ttft)(size_t)) {
  std::vector<traces::TraceRecord> v;
  for (size_t i = 0; i < n; ++i) {
    traces::TraceRecord t;
    t.request_id = "r" + std::to_string(i);
    t.phase = i < 5 ? traces::Phase::warmup : traces::Phase::measured;
    const int64_t s = int64_t(i) * 100 * kMs;
    t.t_scheduled_ns = s;
    t.t_sent_ns = s + int64_t(lag_ms * kMs);
    t.t_first_token_ns = s + int64_t(ttft(i) * kMs);
    t.t_end_ns = *t.t_first_token_ns + 100 * kMs;
    t.usage_completion_tokens = 11;
    t.ok = true;
    v.push_back(t);
  }
  return v;
}

TEST(CapacityStepVerdict, PassesWithEvidenceWhenFarInsideTheLimit) {
  auto d = step_data_from_traces(traces(1005, 1, [](size_t) { return 100.0; }), 10);
  EXPECT_EQ(d.measured.size(), 1000u);  // warm-up left out
  auto v = judge_step(d, *parse_slos({"ttft_p95_ms=200", "tpot_p95_ms=20"}), false);
  EXPECT_TRUE(v.load.offered) << v.load.why;
  EXPECT_NEAR(v.load.scheduled_rate, 10, 1e-9);
  EXPECT_TRUE(v.pass);
  EXPECT_EQ(v.evidence, Evidence::pass);
  EXPECT_NEAR(v.slos[0].value, 100, 1e-9);
  EXPECT_NEAR(v.slos[1].value, 100.0 / 10 - (1.0 / 10), 0.2);  // (e2e-ttft)/(11-1) from send
}

TEST(CapacityStepVerdict, FailsWithEvidenceWhenATenthIsBeyond) {
  auto d =
      step_data_from_traces(traces(1005, 1, [](size_t i) { return i % 10 ? 100.0 : 900.0; }), 10);
  auto v = judge_step(d, *parse_slos({"ttft_p95_ms=500"}), false);
  EXPECT_FALSE(v.pass);
  EXPECT_EQ(v.evidence, Evidence::fail);
  EXPECT_NE(v.reason.find("ttft_p95_ms=500 is 900"), std::string::npos) << v.reason;
}

TEST(CapacityStepVerdict, GoodputCountsFailuresAsNotGood) {
  auto t = traces(1005, 1, [](size_t) { return 100.0; });
  for (size_t i = 5; i < t.size(); i += 5) t[i].ok = false;  // 20% fail
  auto v = judge_step(step_data_from_traces(t, 10),
                      *parse_slos({"ttft_p99_ms=2000", "goodput=0.9"}), false);
  EXPECT_FALSE(v.pass);
  EXPECT_NEAR(v.slos[1].value, 0.8, 1e-9);
  EXPECT_EQ(v.slos[1].evidence, Evidence::fail);
}

TEST(CapacityStepVerdict, ALaggingClientMeansTheLoadWasNotOffered) {
  auto d = step_data_from_traces(traces(1005, 40, [](size_t) { return 100.0; }), 10);
  auto v = judge_step(d, *parse_slos({"ttft_p95_ms=200"}), false);
  EXPECT_FALSE(v.load.offered);
  EXPECT_NE(v.load.why.find("fell behind"), std::string::npos);
  EXPECT_FALSE(v.pass);
  EXPECT_EQ(v.evidence, Evidence::undecided);
}

TEST(CapacityStepVerdict, SaturatedIsAConfidentFail) {
  auto d = step_data_from_traces(traces(1005, 1, [](size_t) { return 100.0; }), 10);
  auto v = judge_step(d, *parse_slos({"ttft_p95_ms=200"}), true);
  EXPECT_FALSE(v.pass);
  EXPECT_EQ(v.evidence, Evidence::fail);
  EXPECT_NE(v.reason.find("saturated"), std::string::npos);
}

}  // namespace
}  // namespace l4lab::capacity
