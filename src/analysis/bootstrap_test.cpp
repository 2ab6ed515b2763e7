#include "analysis/bootstrap.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "analysis/test_util.h"
#include "common/random.h"
#include "metrics/percentile.h"

namespace l4lab::analysis {
namespace {

using testing::make_failed;
using testing::make_ok;

std::vector<RequestSample> trial_data(int n, double base_ttft, int seed) {
  std::vector<RequestSample> v;
  Rng rng(seed);
  for (int i = 0; i < n; ++i) {
    const double ttft = base_ttft + static_cast<double>(rng.below(1000)) / 10.0;
    const int tokens = 2 + static_cast<int>(rng.below(30));
    v.push_back(make_ok("r" + std::to_string(i), int64_t(i) * 50'000'000, ttft, tokens, 3.0));
  }
  v.push_back(make_failed("f", 0, 1'000'000, "timeout", "total"));
  return v;
}

TrialInput input(const std::vector<RequestSample>& v) {
  TrialInput t;
  for (const auto& r : v) t.requests.push_back(&r);
  t.window_s = 10;
  return t;
}

// The same resampling written the obvious way: materialise each resample,
// sort it, take percentiles. The fast count-walk must agree exactly.
TEST(AnalysisBootstrap, MatchesNaiveResamplingExactly) {
  const auto a = trial_data(57, 100, 1), b = trial_data(43, 120, 2);
  const std::vector<TrialInput> trials = {input(a), input(b)};
  AnalysisOptions o;
  o.resamples = 50;
  o.seed = 7;
  o.slo_ttft_ms = 150;
  const BootstrapResult r = bootstrap_config(trials, "C9", o);
  Rng rng(o.seed ^ fnv1a64("C9"));
  for (int bi = 0; bi < o.resamples; ++bi) {
    std::vector<size_t> chosen(2);
    for (auto& c : chosen) c = rng.below(2);
    std::vector<double> ttft, e2e;
    double out = 0, ok = 0, n = 0, good = 0, dur = 0;
    for (size_t t : chosen) {
      dur += trials[t].window_s;
      const size_t nt = trials[t].requests.size();
      for (size_t j = 0; j < nt; ++j) {
        const RequestSample* q = trials[t].requests[rng.below(nt)];
        ++n;
        if (!q->ok) continue;
        ++ok;
        out += static_cast<double>(q->completion_tokens);
        ttft.push_back(q->ttft_ms);
        e2e.push_back(q->e2e_ms);
        good += q->ttft_ms <= 150;
      }
    }
    const size_t b_ = static_cast<size_t>(bi);
    EXPECT_EQ(r.values[size_t(Stat::ttft_p95)][b_], metrics::percentile(ttft, 95)) << bi;
    EXPECT_EQ(r.values[size_t(Stat::ttft_p50)][b_], metrics::percentile(ttft, 50)) << bi;
    EXPECT_EQ(r.values[size_t(Stat::e2e_p99)][b_], metrics::percentile(e2e, 99)) << bi;
    EXPECT_EQ(r.values[size_t(Stat::output_throughput)][b_], out / dur) << bi;
    EXPECT_EQ(r.values[size_t(Stat::success_rate)][b_], ok / n) << bi;
    EXPECT_EQ(r.values[size_t(Stat::goodput_rps)][b_], good / dur) << bi;
  }
}

TEST(AnalysisBootstrap, SeededAndIndependentOfOtherConfigs) {
  const auto a = trial_data(200, 100, 3);
  AnalysisOptions o;
  o.resamples = 200;
  const auto r1 = bootstrap_config({input(a)}, "C1", o);
  const auto r2 = bootstrap_config({input(a)}, "C1", o);
  EXPECT_EQ(r1.values[size_t(Stat::ttft_p95)], r2.values[size_t(Stat::ttft_p95)]);
  o.seed = 2;
  const auto r3 = bootstrap_config({input(a)}, "C1", o);
  EXPECT_NE(r1.values[size_t(Stat::ttft_p95)], r3.values[size_t(Stat::ttft_p95)]);
  // The interval brackets the point estimate for a well-behaved sample.
  std::vector<double> ttft;
  for (const auto& q : a)
    if (q.ok) ttft.push_back(q.ttft_ms);
  const double p50 = metrics::percentile(ttft, 50);
  EXPECT_LE(r1.lo[size_t(Stat::ttft_p50)], p50);
  EXPECT_GE(r1.hi[size_t(Stat::ttft_p50)], p50);
  EXPECT_LT(r1.lo[size_t(Stat::ttft_p50)], r1.hi[size_t(Stat::ttft_p50)]);
}

TEST(AnalysisBootstrap, ConstantDataGivesAZeroWidthInterval) {
  std::vector<RequestSample> v;
  for (int i = 0; i < 30; ++i) v.push_back(make_ok("r", int64_t(i) * 1000, 42.0, 5, 1.0));
  AnalysisOptions o;
  o.resamples = 100;
  const auto r = bootstrap_config({input(v)}, "C1", o);
  // Zero width: no variance measured, so no interval at all.
  EXPECT_TRUE(r.no_variance[size_t(Stat::ttft_p99)]);
  EXPECT_TRUE(std::isnan(r.lo[size_t(Stat::ttft_p99)]));
  EXPECT_TRUE(std::isnan(r.hi[size_t(Stat::ttft_p99)]));
  ASSERT_EQ(r.values[size_t(Stat::ttft_p99)].size(), 100u);  // one per resample
  for (double v : r.values[size_t(Stat::ttft_p99)]) EXPECT_EQ(v, 42.0);
  EXPECT_TRUE(std::isnan(r.lo[size_t(Stat::goodput_rps)]));  // no SLO given
}

TEST(AnalysisBootstrap, PercentileIntervalDropsNaN) {
  auto [lo, hi] = percentile_interval({1, 2, kNaN, 3, 4, 5}, 0.5);
  EXPECT_DOUBLE_EQ(lo, 2);  // 25th and 75th percentiles of 1..5
  EXPECT_DOUBLE_EQ(hi, 4);
}

}  // namespace
}  // namespace l4lab::analysis
