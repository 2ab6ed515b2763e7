#include "analysis/resource_metrics.h"

#include <gtest/gtest.h>

namespace l4lab::analysis {
namespace {

TEST(AnalysisGpu, WindowPeakHeadroomAndTrapezoidEnergy) {
  std::vector<GpuSample> s;
  // One sample per second from t=0 to t=12 s; power ramps 40 -> 60 W in the
  // window [1 s, 11 s]; memory peaks at 20000 of 23034 MiB; samples outside
  // the window (t = 0, 12 s) are larger and must be ignored.
  for (int i = 0; i <= 12; ++i) {
    GpuSample g;
    g.t_ns = int64_t(i) * 1'000'000'000;
    g.mem_total_mib = 23034;
    const bool inside = i >= 1 && i <= 11;
    g.mem_used_mib = inside ? 15000 + (i == 6 ? 5000 : 0) : 23000;
    g.power_w = inside ? 40 + 2.0 * (i - 1) : 70;
    s.push_back(g);
  }
  const GpuSummary g = summarize_gpu(s, Window{1'000'000'000, 11'000'000'000}, "");
  EXPECT_EQ(g.samples, 11u);
  EXPECT_DOUBLE_EQ(g.vram_peak_mib, 20000);
  EXPECT_DOUBLE_EQ(g.headroom_mib, 3034);
  EXPECT_DOUBLE_EQ(g.energy_j, 500);  // linear 40 -> 60 W over 10 s
  EXPECT_DOUBLE_EQ(g.mean_power_w, 50);
}

TEST(AnalysisGpu, NoSamplesSaysWhy) {
  const GpuSummary g = summarize_gpu({}, Window{0, 10}, "no NVIDIA driver");
  EXPECT_EQ(g.samples, 0u);
  EXPECT_EQ(g.missing_reason, "no GPU: no NVIDIA driver");
}

EngineScrape scrape(int64_t t, double kv, double pre, std::vector<double> cum, double count) {
  EngineScrape s;
  s.t_ns = t;
  s.samples.push_back({"vllm:kv_cache_usage_perc", "", kv});
  s.samples.push_back({"vllm:num_preemptions_total", "", pre});
  const char* les[] = {"0.1", "0.5", "1.0", "+Inf"};
  for (size_t i = 0; i < 4; ++i)
    s.samples.push_back({"vllm:time_to_first_token_seconds_bucket", les[i], cum[i]});
  s.samples.push_back({"vllm:time_to_first_token_seconds_count", "", count});
  s.samples.push_back({"vllm:time_to_first_token_seconds_sum", "", count * 0.3});
  return s;
}

TEST(AnalysisEngine, KvPreemptionDeltaAndHistogramPlacement) {
  std::vector<EngineScrape> v = {scrape(0, 0.0, 2, {1, 1, 1, 1}, 1),
                                 scrape(5'000'000'000, 0.5, 3, {5, 60, 90, 101}, 101),
                                 scrape(10'000'000'000, 0.9, 7, {11, 81, 101, 101}, 101)};
  const EngineSummary e = summarize_engine(v, Window{1'000'000'000, 10'000'000'000});
  EXPECT_EQ(e.kv_samples, 2u);
  EXPECT_DOUBLE_EQ(e.kv_usage_max, 0.9);
  EXPECT_DOUBLE_EQ(e.kv_usage_mean, 0.7);
  EXPECT_EQ(e.preemptions, std::optional<double>(5));
  ASSERT_TRUE(e.ttft.present());
  EXPECT_DOUBLE_EQ(e.ttft.count, 100);  // 101 - 1
  // Deltas: <=0.1: 10, <=0.5: 80, <=1.0: 100, +Inf: 100.
  const HistPlacement p = place_in_histogram(e.ttft, 95, 0.7);
  EXPECT_DOUBLE_EQ(p.lab_lo_s, 0.5);
  EXPECT_DOUBLE_EQ(p.lab_hi_s, 1.0);
  EXPECT_DOUBLE_EQ(p.engine_frac_le_lo, 0.8);
  EXPECT_DOUBLE_EQ(p.engine_frac_le_hi, 1.0);
  EXPECT_DOUBLE_EQ(p.engine_q_lo_s, 0.5);  // 95 of 100 first reached at le=1.0
  EXPECT_DOUBLE_EQ(p.engine_q_hi_s, 1.0);
}

}  // namespace
}  // namespace l4lab::analysis
