#include "client/timing_quality.h"

#include <gtest/gtest.h>

namespace l4lab::client {
namespace {

TEST(TimingQuality, SummaryUsesLinearPercentiles) {
  // 0.00 .. 0.99 ms: p50 = 0.495, p99 = 0.9801 (numpy 'linear').
  std::vector<double> v;
  for (int i = 99; i >= 0; --i) v.push_back(i / 100.0);
  LatenessSummary s = summarize_lateness(v);
  EXPECT_EQ(s.count, 100u);
  EXPECT_DOUBLE_EQ(s.p50_ms, 0.495);
  EXPECT_NEAR(s.p99_ms, 0.9801, 1e-12);
  EXPECT_DOUBLE_EQ(s.max_ms, 0.99);
}

TEST(TimingQuality, EmptyIsNotMeasured) {
  TimingQuality q = judge_timing({}, {});
  EXPECT_EQ(q.verdict, "not measured");
  EXPECT_FALSE(q.degraded());
  EXPECT_EQ(q.canary.count, 0u);
  EXPECT_EQ(timing_warning(q), "");
}

TEST(TimingQuality, FewSamplesAreTooShortToJudge) {
  // One late wake-up in a run of a few milliseconds is no p99 (seen under
  // load: "p99 2.66 ms over 1 samples" called a 4-request run degraded).
  std::vector<double> v(kTimingMinSamples - 1, 0.05);
  v[0] = 2.66;
  TimingQuality q = judge_timing(v, {});
  EXPECT_EQ(q.verdict, "too short to judge");
  EXPECT_FALSE(q.degraded());
  EXPECT_EQ(timing_warning(q), "");
  EXPECT_DOUBLE_EQ(q.canary.max_ms, 2.66);  // still recorded
  v.push_back(0.05);
  v[1] = 2.66;  // 100 samples, two late: judged
  EXPECT_EQ(judge_timing(v, {}).verdict, "timing degraded");
}

TEST(TimingQuality, OkAtOrBelowThreshold) {
  // p99 exactly at 1 ms is not above it.
  std::vector<double> v(100, 0.05);
  v[98] = 1.0;
  v[99] = 1.0;
  TimingQuality q = judge_timing(v, {});
  EXPECT_DOUBLE_EQ(q.canary.p99_ms, 1.0);
  EXPECT_EQ(q.verdict, "ok");
}

TEST(TimingQuality, DegradedWhenP99AboveThreshold) {
  // Two late samples in a hundred put p99 above 1 ms; one would not.
  std::vector<double> v(100, 0.05);
  v[0] = 40.0;
  EXPECT_EQ(judge_timing(v, {}).verdict, "ok");
  v[1] = 3.0;
  TimingQuality q = judge_timing(v, {});
  EXPECT_EQ(q.verdict, "timing degraded");
  EXPECT_TRUE(q.degraded());
  EXPECT_DOUBLE_EQ(q.canary.max_ms, 40.0);
  EXPECT_NE(timing_warning(q).find("canary lateness p99"), std::string::npos);
}

TEST(TimingQuality, JsonCarriesVerdictAndReads) {
  ReadCounts r;
  r.reads = 10;
  r.content_reads = 8;
  r.coalesced_reads = 2;
  r.max_chunks_per_read = 3;
  r.content_chunks = 12;
  nlohmann::json j = timing_quality_json(judge_timing({0.1, 0.2}, r));
  EXPECT_EQ(j["verdict"], "too short to judge");  // 2 samples
  EXPECT_EQ(j["threshold_p99_ms"], 1.0);
  EXPECT_EQ(j["canary_lateness_ms"]["count"], 2);
  EXPECT_EQ(j["reads"]["coalesced_reads"], 2);
  EXPECT_DOUBLE_EQ(j["reads"]["mean_chunks_per_content_read"].get<double>(), 1.5);
}

}  // namespace
}  // namespace l4lab::client
