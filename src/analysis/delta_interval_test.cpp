// Intervals that respect the quantity (docs/METRICS.md#deltas), on crafted
// runs: no change of a non-negative statistic has an interval below -100%,
// and a statistic without resampled variance gets neither interval nor
// verdict.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/study_summary.h"
#include "analysis/test_util.h"

namespace l4lab::analysis {
namespace {

using testing::make_ok;
using testing::ok_run;

// n ok requests of `tokens` tokens each; TTFT from ttft(i).
template <typename F>
RunData crafted_run(const std::string& cfg, int trial, int n, int tokens, F ttft) {
  RunData d = ok_run(cfg, trial, "w");
  for (int i = 0; i < n; ++i)
    d.requests.push_back(
        make_ok("r" + std::to_string(i), int64_t(i) * 20'000'000, ttft(i), tokens, 10.0));
  return d;
}

void expect_bounded(const StudySummary& s) {
  for (const auto& c : s.configs)
    for (const auto& d : c.deltas) {
      const std::string what = c.name + " " + stat_name(d.stat);
      if (std::isfinite(d.rel_lo_pct)) {
        EXPECT_GE(d.rel_lo_pct, -100.0) << what;
        EXPECT_GE(d.lo, -d.base) << what;  // the value itself cannot go below 0
        EXPECT_LE(d.rel_lo_pct, d.rel_hi_pct) << what;
      }
      if (d.verdict == "better" || d.verdict == "worse") {
        ASSERT_TRUE(std::isfinite(d.lo) && std::isfinite(d.hi)) << what;
        EXPECT_LT(d.lo, d.hi) << what << ": a verdict from a zero-width interval";
      }
    }
}

TEST(AnalysisDeltaInterval, LatencyChangeNeverBelowMinus100Percent) {
  // Baseline: 95% of requests at 10 ms, 5% at 5000 ms, so its p95 (259.5 ms)
  // jumps between the two across resamples; the configuration is flat at ~11 ms.
  // The interval of paired differences gave about -4990 ms on a base of
  // 259.5 ms: about -1900%. The ratio interval cannot go below -100%.
  StudyData data;
  data.runs_dir = "/x";
  for (int t = 1; t <= 3; ++t) {
    data.runs.push_back(crafted_run("C1", t, 200, 20,
                                    [t](int i) { return (i * 7 + t) % 100 < 5 ? 5000.0 : 10.0; }));
    data.runs.push_back(
        crafted_run("C2", t, 200, 20, [](int i) { return 10.0 + (i * 37 % 100) / 100.0; }));
  }
  AnalysisOptions o;
  o.resamples = 200;
  const StudySummary s = summarize_study(data, o);
  ASSERT_TRUE(s.baseline_found);
  const ConfigSummary& c2 = s.configs[1];
  bool saw_ttft = false;
  for (const auto& d : c2.deltas)
    if (d.stat == Stat::ttft_p95) {
      saw_ttft = true;
      ASSERT_TRUE(std::isfinite(d.rel_lo_pct)) << d.verdict << " " << d.reason;
      EXPECT_GE(d.rel_lo_pct, -100.0);
      EXPECT_LT(d.rel_lo_pct, 0.0);
    }
  EXPECT_TRUE(saw_ttft);
  expect_bounded(s);
}

TEST(AnalysisDeltaInterval, NoVerdictWithoutResampledVariance) {
  // One trial each, every request ok with the same 20 tokens: request and
  // output throughput and success rate are the same in every resample (a
  // fixed count over a fixed window), so they have no measured variance.
  StudyData data;
  data.runs_dir = "/x";
  data.runs.push_back(
      crafted_run("C1", 1, 100, 20, [](int i) { return 50.0 + (i * 37 % 100) / 10.0; }));
  data.runs.push_back(
      crafted_run("C2", 1, 99, 20, [](int i) { return 60.0 + (i * 37 % 100) / 10.0; }));
  AnalysisOptions o;
  o.resamples = 100;
  const StudySummary s = summarize_study(data, o);
  ASSERT_TRUE(s.baseline_found);
  const ConfigSummary& c2 = s.configs[1];
  for (Stat st : {Stat::request_throughput, Stat::output_throughput, Stat::success_rate}) {
    const size_t i = static_cast<size_t>(st);
    EXPECT_TRUE(c2.boot.no_variance[i]) << stat_name(st);
    EXPECT_TRUE(std::isnan(c2.boot.lo[i]) && std::isnan(c2.boot.hi[i])) << stat_name(st);
  }
  size_t no_var = 0;
  for (const auto& d : c2.deltas) {
    if (d.stat == Stat::request_throughput || d.stat == Stat::output_throughput ||
        d.stat == Stat::success_rate) {
      EXPECT_EQ(d.verdict, kNoVariance) << stat_name(d.stat);
      EXPECT_TRUE(std::isnan(d.lo) && std::isnan(d.rel_lo_pct)) << stat_name(d.stat);
      EXPECT_NE(d.reason.find("no variance"), std::string::npos) << d.reason;
      EXPECT_TRUE(std::isfinite(d.rel_pct)) << "the point change is still given";
      ++no_var;
    }
    if (d.stat == Stat::ttft_p95) {
      // 50-60 ms vs 60-70 ms, varying: the interval excludes 0, but one trial
      // each measures no run-to-run variation, so it is indicative, not "worse".
      EXPECT_EQ(d.verdict, kOneTrial);
      EXPECT_NE(d.reason.find("would be worse"), std::string::npos) << d.reason;
      EXPECT_TRUE(std::isfinite(d.lo) && d.lo > 0) << "the interval is still given";
    }
  }
  EXPECT_EQ(no_var, 3u);
  expect_bounded(s);
}

// Speculative decoding under dummy weights (C7 on the H200, 2026-12-02:
// 100% of drafts accepted on random text): the change is shown with its
// interval but carries no verdict. The same run with real weights, or
// without speculative decoding, is judged as usual.
TEST(AnalysisDeltaInterval, TextDependentSpeedUnderDummyWeightsIsNoVerdict) {
  auto study = [](bool dummy, bool speculative) {
    StudyData data;
    data.runs_dir = "/x";
    for (int t = 1; t <= 2; ++t) {
      data.runs.push_back(
          crafted_run("C1", t, 100, 20, [t](int i) { return 100.0 + t + (i * 37 % 100); }));
      RunData c7 =
          crafted_run("C7", t, 100, 20, [t](int i) { return 50.0 + t + (i * 37 % 100) / 2.0; });
      c7.manifest.dummy_weights = dummy;
      data.runs.back().manifest.dummy_weights = dummy;
      if (speculative)
        c7.engine_facts.draft_acceptance_pct =
            EngineFact{100.0, "SpecDecoding metrics: Avg Draft acceptance rate: 100.0%"};
      data.runs.push_back(c7);
    }
    AnalysisOptions o;
    o.resamples = 200;
    return summarize_study(data, o);
  };
  auto ttft_p95 = [](const StudySummary& s) {
    for (const auto& d : s.configs[1].deltas)
      if (d.stat == Stat::ttft_p95) return d;
    return Delta{};
  };
  const Delta artefact = ttft_p95(study(true, true));
  EXPECT_EQ(artefact.verdict, kDummyText);
  EXPECT_NE(artefact.reason.find("100.0%"), std::string::npos) << artefact.reason;
  EXPECT_TRUE(std::isfinite(artefact.lo) && artefact.hi < 0) << "the interval is still shown";
  EXPECT_EQ(study(true, true).configs[1].draft_acceptance_pct, 100.0);
  EXPECT_EQ(ttft_p95(study(false, true)).verdict, "better");
  EXPECT_EQ(ttft_p95(study(true, false)).verdict, "better");
}

}  // namespace
}  // namespace l4lab::analysis
