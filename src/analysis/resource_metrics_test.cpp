#include "analysis/resource_metrics.h"

#include <gtest/gtest.h>

#include "analysis/test_util.h"

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

// Engine histogram count delta against the requests the traces show: with
// the "before" scrape after the matrix warm-up, the engine's count is the
// lab's measured ok requests + the bench's warm-up and cool-down requests
// (+ any failed ones it got far enough to count).
RequestSample traced(const std::string& phase, bool ok) {
  RequestSample r = ok ? analysis::testing::make_ok("r", 0, 50, 2, 10)
                       : analysis::testing::make_failed("f", 0, 1'000'000, "http_5xx", "503");
  r.phase = phase;
  r.measured = phase == "measured";
  return r;
}

std::vector<RequestSample> traces_100_8_4_2() {
  std::vector<RequestSample> v;
  for (int i = 0; i < 100; ++i) v.push_back(traced("measured", true));
  for (int i = 0; i < 2; ++i) v.push_back(traced("measured", false));
  for (int i = 0; i < 8; ++i) v.push_back(traced("warmup", true));
  for (int i = 0; i < 4; ++i) v.push_back(traced("cooldown", true));
  return v;
}

EngineSummary engine_with_count(double before, double after) {
  std::vector<EngineScrape> v = {scrape(0, 0, 0, {0, 0, 0, before}, before),
                                 scrape(10, 0, 0, {0, 0, 0, after}, after)};
  v[0].phase = "before";
  v[1].phase = "after";
  return summarize_engine(v, Window{0, 10});
}

TEST(AnalysisEngine, HistogramCountAgainstTheLabsRequests) {
  RunManifest m;
  m.present = true;
  m.has_lab_run = true;
  m.lab_warmup_requests = 1;
  m.metrics_before_after_warmup = true;
  const auto reqs = traces_100_8_4_2();
  const RequestAccount a = account_requests(reqs, m);
  EXPECT_EQ(a.lab_ok, 100u);
  EXPECT_EQ(a.measured_failed, 2u);
  EXPECT_EQ(a.warmup_ok, 8u);
  EXPECT_EQ(a.cooldown_ok, 4u);
  EXPECT_EQ(a.matrix_warmup, 0);  // scraped after it
  EXPECT_DOUBLE_EQ(a.expected_lo(), 112);
  EXPECT_DOUBLE_EQ(a.expected_hi(), 114);

  const EngineSummary e = engine_with_count(3, 116);  // 113 during the run
  const HistCoverage c = cover_histogram(e.ttft, e, a);
  EXPECT_TRUE(c.present);
  EXPECT_TRUE(c.whole_run);
  EXPECT_DOUBLE_EQ(c.engine_count, 113);
  EXPECT_TRUE(c.adds_up) << c.note;
  EXPECT_NE(c.note.find("100 measured ok"), std::string::npos) << c.note;
  EXPECT_NE(c.note.find("8 bench warm-up"), std::string::npos) << c.note;
  EXPECT_NE(c.note.find("4 cool-down"), std::string::npos) << c.note;
  EXPECT_NE(c.note.find("1 of 2 failed"), std::string::npos) << c.note;

  // One request more than the traces explain: flagged.
  const EngineSummary more = engine_with_count(3, 118);
  const HistCoverage m2 = cover_histogram(more.ttft, more, a);
  EXPECT_FALSE(m2.adds_up);
  EXPECT_NE(m2.note.find("does not add up: engine counted 115"), std::string::npos) << m2.note;
  EXPECT_NE(m2.note.find("112 to 114"), std::string::npos) << m2.note;

  // No "after" scrape (engine died): never said to add up.
  std::vector<EngineScrape> v = {scrape(0, 0, 0, {0, 0, 0, 3}, 3),
                                 scrape(10, 0, 0, {0, 0, 0, 115}, 115)};
  v[0].phase = "before";
  v[1].phase = "during";
  const EngineSummary cut = summarize_engine(v, Window{0, 10});
  const HistCoverage c3 = cover_histogram(cut.ttft, cut, a);
  EXPECT_FALSE(c3.whole_run);
  EXPECT_FALSE(c3.adds_up);
  EXPECT_NE(c3.note.find("do not cover the whole run"), std::string::npos) << c3.note;
}

TEST(AnalysisEngine, OlderRunsCountTheMatrixWarmUpInTheEnginesFigures) {
  RunManifest m;
  m.present = true;
  m.has_lab_run = true;
  m.lab_warmup_requests = 1;  // no metrics_before: scraped before the warm-up
  const auto reqs = traces_100_8_4_2();
  const RequestAccount a = account_requests(reqs, m);
  EXPECT_EQ(a.matrix_warmup, 1);
  EXPECT_DOUBLE_EQ(a.expected_lo(), 113);
  const EngineSummary e = engine_with_count(0, 113);
  const HistCoverage c = cover_histogram(e.e2e, e, a);
  EXPECT_FALSE(c.present);  // this engine exposed no E2E histogram
  const HistCoverage t = cover_histogram(e.ttft, e, a);
  EXPECT_TRUE(t.adds_up) << t.note;
  EXPECT_NE(t.note.find("1 matrix warm-up"), std::string::npos) << t.note;
}

}  // namespace
}  // namespace l4lab::analysis
