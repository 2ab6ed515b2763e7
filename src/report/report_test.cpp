#include <gtest/gtest.h>

#include "analysis/test_util.h"
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

}  // namespace
}  // namespace l4lab::report
