#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "analysis/test_util.h"
#include "report/html_report.h"
#include "report/markdown_report.h"
#include "report/summary_json.h"
#include "report/svg_chart.h"
#include "report/verify.h"
#include "report/vllm_results.h"

namespace l4lab::report {
namespace {

using namespace analysis;
using analysis::testing::make_failed;
using analysis::testing::make_ok;

StudyData study() {
  StudyData d;
  d.runs_dir = "/x";
  for (const char* cfg : {"C1", "C2"}) {
    RunData r;
    r.config_name = cfg;
    r.trial = 1;
    r.rel_dir = std::string(cfg) + "/trial-1";
    r.has_traces = true;
    r.manifest.present = true;
    r.manifest.config_name = cfg;
    r.manifest.simulated = std::string(cfg) == "C2";
    r.manifest.outcome_status = "ok";
    for (int i = 0; i < 50; ++i)
      r.requests.push_back(make_ok("r" + std::to_string(i), int64_t(i) * 100'000'000,
                                   50 + i + (cfg[1] == '2' ? 30 : 0), 4, 10));
    r.requests.push_back(make_failed("f", 0, 1'000'000, "http_5xx", "503"));
    d.runs.push_back(r);
  }
  return d;
}

TEST(ReportOutputs, SimulatedIsLabelledEverywhere) {
  AnalysisOptions o;
  o.resamples = 100;
  const StudySummary s = summarize_study(study(), o);
  const std::string md = markdown_report(s);
  EXPECT_NE(md.find("C2 (SIMULATED)"), std::string::npos);
  EXPECT_NE(md.find("## Headline"), std::string::npos);
  EXPECT_LT(md.find("## Headline"), md.find("## Configurations"));
  const auto j = summary_to_json(s);
  EXPECT_TRUE(j["configs"][1]["simulated"].get<bool>());
  EXPECT_TRUE(j["any_simulated"].get<bool>());
  EXPECT_NE(summary_to_csv(s).find("\"C2\",pooled,true"), std::string::npos);
}

TEST(ReportOutputs, PredictedIsLabelledWithItsValidationError) {
  AnalysisOptions o;
  o.resamples = 100;
  StudyData d = study();
  auto& m = d.runs[1].manifest;
  m.simulated = m.predicted = true;
  m.prediction_profile = "configs/sim-profiles/x-calibrated.yaml";
  m.prediction_error = {{"ttft_p50_ms", -0.005}, {"tpot_p50_ms", 0.137}};
  const StudySummary s = summarize_study(d, o);
  const std::string md = markdown_report(s);
  EXPECT_NE(md.find("> **PREDICTED**: "), std::string::npos);
  EXPECT_NE(md.find("C2 (PREDICTED)"), std::string::npos);
  EXPECT_EQ(md.find("C2 (SIMULATED)"), std::string::npos);  // PREDICTED says more
  EXPECT_NE(md.find("ttft_p50_ms -0.5%, tpot_p50_ms +13.7%"), std::string::npos);
  EXPECT_NE(md.find("x-calibrated.yaml"), std::string::npos);
  const auto j = summary_to_json(s);
  EXPECT_TRUE(j["configs"][1]["predicted"].get<bool>());
  EXPECT_TRUE(j["any_predicted"].get<bool>());
}

TEST(ReportOutputs, VllmLayoutKeysAndFailureConventions) {
  const StudyData d = study();
  AnalysisOptions o;
  o.resamples = 10;
  const StudySummary s = summarize_study(d, o);
  const auto j = nlohmann::json::parse(vllm_results_text(d.runs[0], s.runs[0], o));
  for (const char* k : {"duration",
                        "completed",
                        "failed",
                        "total_input_tokens",
                        "total_output_tokens",
                        "request_throughput",
                        "output_throughput",
                        "total_token_throughput",
                        "mean_ttft_ms",
                        "median_ttft_ms",
                        "p99_ttft_ms",
                        "mean_tpot_ms",
                        "median_tpot_ms",
                        "p99_tpot_ms",
                        "mean_itl_ms",
                        "median_itl_ms",
                        "p99_itl_ms",
                        "mean_e2el_ms",
                        "median_e2el_ms",
                        "p99_e2el_ms",
                        "max_concurrent_requests",
                        "ttfts",
                        "itls",
                        "input_lens",
                        "output_lens",
                        "errors"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["completed"], 50);
  EXPECT_EQ(j["failed"], 1);
  EXPECT_EQ(j["ttfts"].size(), 51u);
  EXPECT_EQ(j["ttfts"][50], 0.0);
  EXPECT_EQ(j["errors"][50], "http_5xx/503");
  EXPECT_DOUBLE_EQ(j["ttfts"][0].get<double>(), 0.05);
  EXPECT_EQ(j["itls"][0].size(), 3u);
  // Requests 100 ms apart lasting 80-129 ms: at most 2 overlap.
  EXPECT_EQ(j["max_concurrent_requests"], 2);
}

// Three runs: C1 on one NVIDIA L4, C2 on a machine without a GPU (vLLM on
// CPU), C3 simulated on an L4 host.
StudyData machines() {
  StudyData d = study();
  d.runs.push_back(d.runs[0]);
  d.runs[0].manifest.gpu_name = "NVIDIA L4";
  d.runs[0].manifest.gpu_count = 1;
  d.runs[1].manifest.simulated = false;  // C2: no GPU
  RunData& c3 = d.runs[2];
  c3.config_name = c3.manifest.config_name = "C3";
  c3.rel_dir = "C3/trial-1";
  c3.manifest.simulated = true;
  c3.manifest.gpu_name = "NVIDIA L4";
  c3.manifest.gpu_count = 1;
  return d;
}

TEST(ReportOutputs, CostOnlyWhereTheMachineIsPriced) {
  AnalysisOptions o;
  o.resamples = 10;
  const StudySummary s = summarize_study(machines(), o);
  const std::string md = markdown_report(s);
  EXPECT_NE(md.find("- **C1**: $0.85/hour for 1x NVIDIA L4 on g2-standard-8"), std::string::npos)
      << md;
  EXPECT_NE(md.find("- **C2**: n/a — no price for this machine: no GPU"), std::string::npos);
  EXPECT_NE(md.find("- **C3 (SIMULATED)**: n/a — not priced: simulated run"), std::string::npos);
  const auto j = summary_to_json(s);
  EXPECT_TRUE(j["configs"][0]["cost_per_million_output_tokens_usd"].is_number());
  EXPECT_TRUE(j["configs"][1]["cost_per_million_output_tokens_usd"].is_null());
  EXPECT_TRUE(j["runs"][1]["cost_per_million_output_tokens_usd"].is_null());
  EXPECT_EQ(j["runs"][1]["cost"]["machine"], "no GPU");
  EXPECT_NE(j["runs"][1]["cost"]["not_priced_reason"].get<std::string>().find("no GPU"),
            std::string::npos);
  EXPECT_TRUE(j["options"]["price_per_hour_usd"].is_null());
  EXPECT_EQ(j["options"]["machine_prices"][0]["gpu_name"], "NVIDIA L4");
  const std::string csv = summary_to_csv(s);
  EXPECT_NE(csv.find(",\"n/a: no price for this machine: no GPU"), std::string::npos) << csv;
  // verify reads the options back and must price exactly as the report did.
  auto back = options_from_summary(j);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_FALSE(back->price_per_hour.has_value());
  ASSERT_EQ(back->machine_prices.size(), 1u);
  EXPECT_EQ(back->machine_prices[0].machine_type, "g2-standard-8");
  EXPECT_EQ(summary_to_json(summarize_study(machines(), *back)), j);

  o.price_per_hour = 1.25;  // --price-per-hour: every run, and the report says so
  const StudySummary all = summarize_study(machines(), o);
  const std::string md2 = markdown_report(all);
  EXPECT_NE(md2.find("every run is charged $1.25/hour, given with `--price-per-hour`"),
            std::string::npos);
  EXPECT_EQ(md2.find("| n/a |"), std::string::npos);
  const auto j2 = summary_to_json(all);
  EXPECT_EQ(j2["options"]["price_per_hour_usd"], 1.25);
  EXPECT_EQ(options_from_summary(j2)->price_per_hour, std::optional<double>(1.25));
}

EngineScrape e2e_scrape(const std::string& phase, int64_t t, double count) {
  EngineScrape sc;
  sc.t_ns = t;
  sc.phase = phase;
  for (const char* le : {"0.1", "1.0", "+Inf"})
    sc.samples.push_back({"vllm:e2e_request_latency_seconds_bucket", le, count});
  sc.samples.push_back({"vllm:e2e_request_latency_seconds_count", "", count});
  sc.samples.push_back({"vllm:e2e_request_latency_seconds_sum", "", count * 0.05});
  return sc;
}

TEST(ReportOutputs, EngineHistogramCountsAreAccountedFor) {
  StudyData d = study();  // 50 ok + 1 failed measured requests per run
  for (auto& r : d.runs) {
    for (int i = 0; i < 3; ++i) {
      RequestSample w = analysis::testing::make_ok("w" + std::to_string(i), 0, 40, 2, 5);
      w.phase = "warmup";
      w.measured = false;
      r.requests.push_back(w);
    }
    r.manifest.has_lab_run = true;
    r.manifest.lab_warmup_requests = 1;
    r.manifest.metrics_before_after_warmup = true;
  }
  d.runs[0].engine = {e2e_scrape("before", 0, 1), e2e_scrape("after", 9'000'000'000, 54)};
  // C2: the engine counted 60, more than the 53 to 54 the traces explain.
  d.runs[1].engine = {e2e_scrape("before", 0, 1), e2e_scrape("after", 9'000'000'000, 61)};
  AnalysisOptions o;
  o.resamples = 10;
  const StudySummary s = summarize_study(d, o);
  const std::string md = markdown_report(s);
  EXPECT_NE(md.find("| C1/trial-1 | – | 53 | 50 | 3 | 0 | 0 | 1 | yes |"), std::string::npos) << md;
  EXPECT_NE(md.find("| C2/trial-1 (SIMULATED) | – | 60 | 50 | 3 | 0 | 0 | 1 | **no** (below) |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("does not add up: engine counted 60, the traces account for 53 to 54"),
            std::string::npos);
  const auto j = summary_to_json(s);
  const auto& h = j["runs"][0]["engine"]["histogram_requests"];
  EXPECT_EQ(h["lab_measured_ok"], 50);
  EXPECT_EQ(h["bench_warmup_ok"], 3);
  EXPECT_EQ(h["e2e"]["engine_count"], 53);
  EXPECT_TRUE(h["e2e"]["adds_up"].get<bool>());
  EXPECT_FALSE(j["runs"][1]["engine"]["histogram_requests"]["e2e"]["adds_up"].get<bool>());
  bool warned = false;
  for (const auto& w : j["runs"][1]["warnings"])
    warned = warned || w.get<std::string>().find("does not add up") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(ReportOutputs, JsonDiffNamesThePath) {
  nlohmann::json a = {{"x", {{"y", 1.5}}}, {"z", {1, 2}}};
  nlohmann::json b = {{"x", {{"y", 1.25}}}, {"z", {1, 2}}};
  std::vector<std::string> d;
  size_t n = 0;
  json_diff(a, b, "s", d, n);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].find("s/x/y: recomputed 1.5 but the file says 1.25"), std::string::npos);
  EXPECT_EQ(n, 3u);
}

TEST(ReportOutputs, SvgEscapesAndHandlesEmptyData) {
  EXPECT_EQ(xml_escape("a<b&\"c\">"), "a&lt;b&amp;&quot;c&quot;&gt;");
  const std::string svg = line_chart(Axes{"t", "x", "y"}, {});
  EXPECT_NE(svg.find("no data"), std::string::npos);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
}

TEST(ReportOutputs, TimingDegradedRunIsShownAndWarned) {
  StudyData d = study();
  d.runs[0].bench.present = true;
  d.runs[0].bench.timing_verdict = "ok";
  d.runs[0].bench.timing_canary_p99_ms = 0.1;
  d.runs[1].bench.present = true;
  d.runs[1].bench.timing_verdict = "timing degraded";
  d.runs[1].bench.timing_canary_p99_ms = 4.5;
  d.runs[1].bench.timing_canary_max_ms = 30;
  AnalysisOptions o;
  o.resamples = 10;
  const StudySummary s = summarize_study(d, o);
  const std::string md = markdown_report(s);
  EXPECT_NE(md.find("| ok (p99 0.10 ms) |"), std::string::npos) << md;
  EXPECT_NE(md.find("| timing degraded (p99 4.50 ms) |"), std::string::npos) << md;
  EXPECT_NE(md.find("**Warning: timing degraded** in C2/trial-1"), std::string::npos) << md;
  EXPECT_EQ(md.find("**Warning: timing degraded** in C1/trial-1"), std::string::npos);
  const auto j = summary_to_json(s);
  EXPECT_EQ(j["runs"][0]["timing_quality"]["verdict"], "ok");
  EXPECT_EQ(j["runs"][1]["timing_quality"]["verdict"], "timing degraded");
  EXPECT_EQ(j["runs"][1]["timing_quality"]["canary_lateness_p99_ms"], 4.5);
}

}  // namespace
}  // namespace l4lab::report

namespace l4lab::report {
namespace {

// Golden files (src/report/testdata/golden/): the writers' whole output for a
// fixed study, so any change to a report is a reviewed diff. To accept a
// change on purpose: L4LAB_UPDATE_GOLDEN=1 ./report_test --gtest_filter='ReportGolden.*'
// and commit the files with the change that caused it.
void check_golden(const std::string& name, const std::string& got) {
  const std::string path = std::string(L4LAB_SOURCE_DIR) + "/src/report/testdata/golden/" + name;
  if (const char* u = std::getenv("L4LAB_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream(path, std::ios::binary) << got;
    GTEST_SKIP() << "updated " << path;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << ": missing (L4LAB_UPDATE_GOLDEN=1 writes it)";
  std::stringstream want;
  want << in.rdbuf();
  if (want.str() == got) return;
  // The first line that differs, for a readable failure.
  std::istringstream a(want.str()), b(got);
  std::string la, lb;
  int line = 1;
  while (std::getline(a, la) && std::getline(b, lb) && la == lb) ++line;
  ADD_FAILURE() << path << ": output differs from the golden file at line " << line
                << "\n  golden: " << la.substr(0, 300) << "\n  now:    " << lb.substr(0, 300)
                << "\n(L4LAB_UPDATE_GOLDEN=1 rewrites it if the change is intended)";
}

TEST(ReportGolden, EveryWriterOfAFixedStudyMatchesItsGoldenFile) {
  AnalysisOptions o;
  o.resamples = 200;
  const StudyData d = study();
  const StudySummary s = summarize_study(d, o);
  check_golden("report.md", markdown_report(s));
  check_golden("summary.json", summary_to_json(s).dump(2) + "\n");
  check_golden("summary.csv", summary_to_csv(s));
  check_golden("report.html", html_report(d, s));
}

}  // namespace
}  // namespace l4lab::report
