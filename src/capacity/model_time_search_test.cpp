#include "capacity/model_time_search.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l4lab::capacity {
namespace {

CapacityOptions search_options() {
  CapacityOptions o;
  o.workload = "w.jsonl";
  o.step_s = 60;
  o.warmup_s = 10;
  o.seed = 1;
  o.search.start_rate = 1;
  o.search.resolution = 0.02;
  return o;
}

// A server whose TTFT is 100 ms below `knee` req/s and 5 s above: every
// request at plan.rate, evenly spaced, 8 tokens each.
ModelStepRunner sharp_server(double knee, std::vector<StepPlan>* seen = nullptr) {
  return [knee, seen](const StepPlan& p) -> Result<std::vector<traces::TraceRecord>> {
    if (seen) seen->push_back(p);
    std::vector<traces::TraceRecord> out;
    const double ttft_ms = p.rate < knee ? 100 : 5000;
    for (size_t i = 0; i < p.requests; ++i) {
      traces::TraceRecord r;
      r.request_id = "r" + std::to_string(i);
      const int64_t t = int64_t(std::llround(double(i) / p.rate * 1e9));
      r.phase = t < int64_t(10e9) ? traces::Phase::warmup : traces::Phase::measured;
      r.t_scheduled_ns = r.t_sent_ns = t;
      r.t_first_token_ns = t + int64_t(ttft_ms * 1e6);
      r.t_end_ns = *r.t_first_token_ns + 70'000'000;  // 7 more tokens, 10 ms apart
      r.usage_completion_tokens = 8;
      r.ok = true;
      out.push_back(r);
    }
    return out;
  };
}

SloSet slos() { return *parse_slos({"ttft_p95_ms=2000"}); }

TEST(ModelTimeSearch, FindsTheKneeWithTheSearchOfL4labCapacity) {
  std::vector<StepPlan> seen;
  auto r = search_in_model_time(search_options(), slos(), sharp_server(13.0, &seen));
  ASSERT_FALSE(r.failed) << r.stop_reason;
  ASSERT_TRUE(r.estimate.capacity_rps);
  ASSERT_TRUE(r.estimate.first_fail_rps);
  EXPECT_LT(*r.estimate.capacity_rps, 13.0);
  EXPECT_GE(*r.estimate.first_fail_rps, 13.0);
  EXPECT_LE(*r.estimate.first_fail_rps / *r.estimate.capacity_rps - 1, 0.02 + 1e-9);
  // Every step passes or fails with evidence here, so the interval is set
  // and holds the knee.
  ASSERT_TRUE(r.estimate.lower_rps && r.estimate.upper_rps);
  EXPECT_LE(*r.estimate.lower_rps, 13.0);
  EXPECT_GE(*r.estimate.upper_rps, 13.0);
  // The ramp of `l4lab capacity`: 1, 2, 4, 8, 16, then bisection; each step
  // planned as the real one (requests = ceil(rate x 70 s), seed from index).
  ASSERT_GE(seen.size(), 6u);
  EXPECT_DOUBLE_EQ(seen[0].rate, 1);
  EXPECT_DOUBLE_EQ(seen[4].rate, 16);
  EXPECT_EQ(seen[3].requests, 560u);
  EXPECT_EQ(seen[3].index, 4);
  EXPECT_EQ(r.steps.size(), seen.size());
  EXPECT_EQ(r.most_requests, size_t(std::ceil(16.0 * 70)));
  for (const auto& s : r.steps) EXPECT_TRUE(s.dir.empty());
}

TEST(ModelTimeSearch, NoStepPassesWhenEvenTheStartFails) {
  auto o = search_options();
  o.search.max_steps = 4;
  auto r = search_in_model_time(o, slos(), sharp_server(1e-6));
  EXPECT_FALSE(r.failed) << r.stop_reason;
  EXPECT_FALSE(r.estimate.capacity_rps);
  ASSERT_TRUE(r.estimate.first_fail_rps);
  EXPECT_DOUBLE_EQ(*r.estimate.first_fail_rps, 0.125);  // 1, 1/2, 1/4, 1/8: the step cap
  EXPECT_EQ(r.steps.size(), 4u);
}

TEST(ModelTimeSearch, ARunnerErrorStopsTheSearchAndNamesTheStep) {
  int calls = 0;
  auto runner = [&](const StepPlan& p) -> Result<std::vector<traces::TraceRecord>> {
    if (++calls == 3) return Error("request 'qa-S-0001' exceeds max_model_len");
    return sharp_server(100)(p);
  };
  auto r = search_in_model_time(search_options(), slos(), runner);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.steps.size(), 2u);
  EXPECT_NE(r.stop_reason.find("step 3 at 4.000 req/s"), std::string::npos) << r.stop_reason;
  EXPECT_NE(r.stop_reason.find("qa-S-0001"), std::string::npos);
}

}  // namespace
}  // namespace l4lab::capacity
