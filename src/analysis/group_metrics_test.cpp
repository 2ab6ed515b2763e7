#include "analysis/group_metrics.h"

#include <gtest/gtest.h>

#include "analysis/test_util.h"

namespace l4lab::analysis {
namespace {

using testing::make_failed;
using testing::make_ok;

std::vector<const RequestSample*> ptrs(const std::vector<RequestSample>& v) {
  std::vector<const RequestSample*> p;
  for (const auto& r : v) p.push_back(&r);
  return p;
}

TEST(AnalysisGroupMetrics, ThroughputAndPercentilesFromFirstPrinciples) {
  // 10 ok requests, request i sent at i seconds, TTFT (i+1)*10 ms, 11 tokens
  // 5 ms apart (E2E = TTFT + 50 ms), prompt 100; one failure.
  std::vector<RequestSample> v;
  for (int i = 0; i < 10; ++i)
    v.push_back(
        make_ok("r" + std::to_string(i), int64_t(i) * 1'000'000'000, (i + 1) * 10.0, 11, 5.0));
  v.push_back(make_failed("f", 0, 500'000'000, "http_4xx", "context_overflow"));
  const Window w = measurement_window(v);
  EXPECT_EQ(w.start_ns, 0);
  EXPECT_EQ(w.end_ns, 9'000'000'000 + 100'000'000 + 50'000'000);  // last send + TTFT + 10 gaps
  AnalysisOptions o;
  o.slo_ttft_ms = 55;  // requests 0..4 meet it
  const GroupMetrics g = compute_group(ptrs(v), w.seconds(), o);
  EXPECT_EQ(g.requests, 11u);
  EXPECT_EQ(g.ok, 10u);
  EXPECT_EQ(g.failed, 1u);
  EXPECT_DOUBLE_EQ(g.success_rate, 10.0 / 11.0);
  EXPECT_EQ(g.output_tokens, 110);
  EXPECT_EQ(g.prompt_tokens, 1000);
  EXPECT_DOUBLE_EQ(g.request_throughput, 10 / 9.15);
  EXPECT_DOUBLE_EQ(g.output_throughput, 110 / 9.15);
  EXPECT_DOUBLE_EQ(g.total_token_throughput, 1110 / 9.15);
  // TTFT 10..100 ms: p50 = 55, p95 = 95.5, p99 = 99.1 (h = 9q).
  EXPECT_NEAR(g.ttft_ms.p50, 55, 1e-9);
  EXPECT_NEAR(g.ttft_ms.p95, 95.5, 1e-9);
  EXPECT_NEAR(g.ttft_ms.p99, 99.1, 1e-9);
  EXPECT_EQ(g.ttft_ms.n, 10u);
  EXPECT_NEAR(g.tpot_ms.p50, 5.0, 1e-9);  // (E2E - TTFT) / 10 = 50 / 10
  EXPECT_EQ(g.itl_ms.n, 100u);
  EXPECT_EQ(g.good, 5u);
  EXPECT_DOUBLE_EQ(g.goodput_rps, 5 / 9.15);
  EXPECT_EQ(g.failures.at("http_4xx").at("context_overflow"), 1u);
  EXPECT_EQ(g.prompt_compared, 10u);
  EXPECT_DOUBLE_EQ(g.prompt_agreement_rate, 1.0);
}

TEST(AnalysisGroupMetrics, TpotSloTreatsSingleTokenAsZeroLikeVllm) {
  RequestSample one = make_ok("a", 0, 10, 1, 0);
  EXPECT_TRUE(std::isnan(one.tpot_ms));
  AnalysisOptions o;
  o.slo_tpot_ms = 1;
  EXPECT_TRUE(meets_slos(one, o));
  RequestSample slow = make_ok("b", 0, 10, 3, 50);
  EXPECT_FALSE(meets_slos(slow, o));
}

TEST(AnalysisGroupMetrics, WarmupRequestsAreExcluded) {
  std::vector<RequestSample> v = {make_ok("a", 0, 10, 2, 1), make_ok("b", 0, 10, 2, 1)};
  v[1].measured = false;
  v[1].t_end_ns = 99'000'000'000;
  const Window w = measurement_window(v);
  EXPECT_EQ(w.end_ns, v[0].t_end_ns);
  const GroupMetrics g = compute_group(ptrs(v), w.seconds(), AnalysisOptions{});
  EXPECT_EQ(g.requests, 1u);
}

}  // namespace
}  // namespace l4lab::analysis
