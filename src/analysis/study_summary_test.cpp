#include "analysis/study_summary.h"

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/test_util.h"

namespace l4lab::analysis {
namespace {

using testing::make_ok;
using testing::ok_run;

RunData run(const std::string& cfg, int trial, double ttft_shift, const std::string& workload,
            int n = 300) {
  RunData d = ok_run(cfg, trial, workload);
  d.manifest.engine_version = "0.11";
  d.manifest.model = "m";
  for (int i = 0; i < n; ++i) {
    const double ttft = 100 + (i * 37 % 100) + ttft_shift + trial;
    d.requests.push_back(make_ok("r" + std::to_string(i), int64_t(i) * 20'000'000, ttft, 20, 10.0,
                                 i % 2 ? "qa" : "dialogue", i % 3 ? "S" : "L"));
  }
  return d;
}

TEST(AnalysisStudySummary, DeltasVerdictsAndFlags) {
  StudyData data;
  data.runs_dir = "/x";
  for (int t = 1; t <= 3; ++t) {
    data.runs.push_back(run("C1", t, 0, "w"));
    data.runs.push_back(run("C2", t, 0, "w"));    // same as baseline
    data.runs.push_back(run("C3", t, 200, "w"));  // TTFT +200 ms
  }
  data.runs.push_back(run("C4", 1, 0, "other"));  // different workload
  data.runs.back().manifest.applied_value = "false";
  data.runs.back().manifest.applied_evidence = "flag absent from non-default args";
  RunData oom;
  oom.config_name = "C5";
  oom.trial = 1;
  oom.rel_dir = "C5/trial-1";
  oom.manifest.present = true;
  oom.manifest.config_name = "C5";
  oom.manifest.outcome_status = "oom";
  oom.manifest.outcome_reason = "CUDA out of memory";
  data.runs.push_back(oom);
  AnalysisOptions o;
  o.resamples = 300;
  o.slo_ttft_ms = 250;
  const StudySummary s = summarize_study(data, o);
  ASSERT_EQ(s.configs.size(), 5u);
  EXPECT_TRUE(s.baseline_found);
  auto delta = [&](const std::string& cfg, Stat st) {
    for (const auto& c : s.configs)
      if (c.name == cfg)
        for (const auto& d : c.deltas)
          if (d.stat == st) return d;
    return Delta{};
  };
  EXPECT_EQ(delta("C2", Stat::ttft_p95).verdict, "within noise");
  EXPECT_DOUBLE_EQ(delta("C2", Stat::ttft_p95).delta, 0);
  const Delta d3 = delta("C3", Stat::ttft_p95);
  EXPECT_EQ(d3.verdict, "worse");
  EXPECT_NEAR(d3.delta, 200, 1e-9);
  EXPECT_LE(d3.lo, 200);
  EXPECT_GE(d3.hi, 200);
  // No C3 request meets the 250 ms TTFT SLO: its goodput is 0 in every
  // resample (a fixed count), so no interval and no verdict, only the point.
  EXPECT_EQ(delta("C3", Stat::goodput_rps).verdict, kNoVariance);
  EXPECT_DOUBLE_EQ(delta("C3", Stat::goodput_rps).rel_pct, -100.0);
  EXPECT_EQ(delta("C4", Stat::ttft_p95).verdict, "not comparable");
  ASSERT_EQ(s.configs[3].not_applied.size(), 1u);
  EXPECT_NE(s.configs[3].not_applied[0].find("flag absent"), std::string::npos);
  const ConfigSummary& c5 = s.configs[4];
  EXPECT_FALSE(c5.has_data);
  ASSERT_EQ(c5.not_run.size(), 1u);
  EXPECT_NE(c5.not_run[0].find("oom (CUDA out of memory)"), std::string::npos) << c5.not_run[0];
  // Pooled = all three trials; spread has one value per trial.
  const ConfigSummary& c1 = s.configs[0];
  EXPECT_EQ(c1.pooled.ok, 900u);
  EXPECT_EQ(c1.spread[size_t(Stat::ttft_p50)].per_trial.size(), 3u);
  EXPECT_EQ(c1.by_task.size(), 2u);
  EXPECT_EQ(c1.by_bucket.at("L").requests, 300u);
  ASSERT_EQ(s.configs[2].slos.size(), 1u);
  EXPECT_TRUE(s.configs[2].slos[0].broken);
  EXPECT_FALSE(s.configs[0].slos[0].broken);
}

TEST(AnalysisStudySummary, CostOnlyForPricedMachines) {
  StudyData data;
  data.runs_dir = "/x";
  auto on = [](RunData d, const std::string& gpu) {
    d.manifest.gpu_name = gpu;
    d.manifest.gpu_count = gpu.empty() ? 0 : 1;
    return d;
  };
  data.runs.push_back(on(run("C1", 1, 0, "w", 50), "NVIDIA L4"));
  data.runs.push_back(on(run("C1", 2, 0, "w", 50), "NVIDIA L4"));
  data.runs.push_back(on(run("C2", 1, 0, "w", 50), ""));  // a CPU run
  data.runs.push_back(on(run("C3", 1, 0, "w", 50), "NVIDIA L4"));
  data.runs.push_back(on(run("C3", 2, 0, "w", 50), "NVIDIA H200"));
  AnalysisOptions o;
  o.resamples = 10;
  const StudySummary s = summarize_study(data, o);
  const RunSummary& r1 = s.runs[0];
  ASSERT_TRUE(r1.price.priced());
  // The inputs, not the code under test: 50 requests of 20 output tokens.
  ASSERT_EQ(r1.all.output_tokens, 1000);
  EXPECT_DOUBLE_EQ(r1.cost_per_mtok, 0.85 * (r1.window.seconds() / 3600.0) /
                                         static_cast<double>(r1.all.output_tokens) * 1e6);
  EXPECT_TRUE(std::isfinite(s.configs[0].cost_per_mtok));
  EXPECT_NE(s.configs[0].cost_basis.find("NVIDIA L4"), std::string::npos);

  EXPECT_TRUE(std::isnan(s.runs[2].cost_per_mtok));
  EXPECT_TRUE(std::isnan(s.configs[1].cost_per_mtok));
  EXPECT_NE(s.configs[1].cost_reason.find("no price for this machine: no GPU"), std::string::npos)
      << s.configs[1].cost_reason;

  // One trial on another machine: the pooled cost is not given, and the
  // reason names that trial.
  EXPECT_TRUE(std::isfinite(s.runs[3].cost_per_mtok));
  EXPECT_TRUE(std::isnan(s.configs[2].cost_per_mtok));
  EXPECT_NE(s.configs[2].cost_reason.find("trial-2: no price for this machine: 1x NVIDIA H200"),
            std::string::npos)
      << s.configs[2].cost_reason;

  o.price_per_hour = 2.0;  // --price-per-hour: every run
  const StudySummary all = summarize_study(data, o);
  for (const auto& c : all.configs) EXPECT_TRUE(std::isfinite(c.cost_per_mtok)) << c.name;
}

}  // namespace
}  // namespace l4lab::analysis
