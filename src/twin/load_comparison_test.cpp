#include "twin/load_comparison.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l4lab::twin {
namespace {

constexpr int64_t kNsPerMs = 1'000'000;

MeasuredRequest req(int64_t sent_ms, int64_t first_ms, int64_t end_ms, int tokens, bool measured) {
  MeasuredRequest r;
  r.measured = measured;
  r.t_sent_ns = sent_ms * kNsPerMs;
  r.t_first_token_ns = first_ms * kNsPerMs;
  r.t_end_ns = end_ms * kNsPerMs;
  r.completion_tokens = tokens;
  r.prompt_tokens = 100;
  r.chunks = {{r.t_first_token_ns, 1}, {r.t_end_ns, tokens - 1}};
  return r;
}

TEST(TwinLoadComparison, MeasuredMetricsFollowTheLabDefinitions) {
  std::vector<MeasuredRequest> rs = {req(0, 100, 1100, 101, true), req(0, 50, 550, 51, false),
                                     req(1100, 1300, 2100, 81, true)};
  auto m = measured_load_metrics(
      rs, {{500 * kNsPerMs, 0.25}, {1500 * kNsPerMs, 0.75}, {9000 * kNsPerMs, 1}}, 2);
  EXPECT_EQ(m.requests, 2u);
  EXPECT_DOUBLE_EQ(m.ttft_p50, 150);  // 100 and 200
  EXPECT_DOUBLE_EQ(m.tpot_p50, 10);   // (1000/100 + 800/80) / 2
  EXPECT_DOUBLE_EQ(m.e2e_p50, 1050);
  EXPECT_NEAR(m.output_tok_s, 182 / 2.1, 1e-9);
  EXPECT_DOUBLE_EQ(m.kv_usage_mean, 0.5);  // the scrape after the window is left out
  EXPECT_DOUBLE_EQ(m.kv_usage_max, 0.75);
  EXPECT_EQ(m.preemptions, 2);
}

TEST(TwinLoadComparison, ClientGapAndReplayOrder) {
  std::vector<MeasuredRequest> rs = {req(1003, 1100, 1500, 10, true), req(0, 100, 1000, 10, true),
                                     req(1, 100, 1200, 10, true), req(1201, 1300, 1400, 10, true)};
  EXPECT_DOUBLE_EQ(client_gap_ms(rs), 2);  // 1003 after 1000, 1201 after 1200
  auto plan = replay_plan(rs, 2, 2.0);
  ASSERT_EQ(plan.requests.size(), 4u);
  EXPECT_EQ(plan.client.concurrency, 2);
  EXPECT_EQ(plan.client.client_gap_ns, 2 * kNsPerMs);
  EXPECT_EQ(plan.requests[0].arrival_ns, 0);
  EXPECT_EQ(plan.requests[2].arrival_ns, 1003 * kNsPerMs);  // send order
}

TEST(TwinLoadComparison, RelativeErrorsAndUndefinedOnes) {
  LoadMetrics a, b;
  a.ttft_p50 = 100, b.ttft_p50 = 110;
  a.preemptions = 0, b.preemptions = 3;
  auto rows = compare_loads(a, b);
  EXPECT_EQ(rows[0].metric, "ttft_p50_ms");
  EXPECT_NEAR(rows[0].rel_error, 0.1, 1e-12);
  EXPECT_TRUE(std::isnan(rows.back().rel_error));
}

TEST(TwinLoadComparison, PredictedMetricsOverMeasuredRequestsOnly) {
  sim::VirtualRunResult v;
  sim::RequestTimeline a, b;
  a.arrival_ns = 0;
  a.emits = {{100 * kNsPerMs, 1}, {1100 * kNsPerMs, 100}};
  b.arrival_ns = 0;
  b.emits = {{10 * kNsPerMs, 1}};
  v.requests = {a, b};
  v.scrapes = {{500 * kNsPerMs, 1, 0, 0.5}};
  auto m = predicted_load_metrics(v, {true, false});
  EXPECT_EQ(m.requests, 1u);
  EXPECT_DOUBLE_EQ(m.ttft_p50, 100);
  EXPECT_DOUBLE_EQ(m.tpot_p50, 10);
  EXPECT_DOUBLE_EQ(m.kv_usage_mean, 0.5);
}

}  // namespace
}  // namespace l4lab::twin
