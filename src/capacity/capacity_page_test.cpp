#include "capacity/capacity_page.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "capacity/curve_reader.h"

namespace l4lab::capacity {
namespace {

namespace fs = std::filesystem;

CurvePoint page_pt(double rate, double tps, double tpot, bool pass) {
  CurvePoint p;
  p.rate = rate;
  p.output_tps = tps;
  p.tpot_p50_ms = tpot;
  p.ttft_p95_ms = 100 * rate;
  p.pass = pass;
  return p;
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
  return n;
}

TEST(CapacityPage, TheCapacityThenThePlanPagesCurvesOverThisSearch) {
  const ConfigCurve c{
      "http://h:8000/?a&b",
      {page_pt(4, 1000, 10, true), page_pt(8, 2000, 20, true), page_pt(16, 2500, 60, false)}};
  const CapacityEstimate est{8.0, 16.0, 4.0, 16.0, "capacity 8"};
  const std::string page =
      capacity_html("http://h:8000/?a&b", {"ttft_p95_ms=2000", "tpot_p95_ms=100"}, est, c);
  EXPECT_EQ(page.rfind("<!doctype html>", 0), 0u);
  EXPECT_EQ(page.substr(page.size() - 15), "</body></html>\n");
  EXPECT_NE(page.find("<h1>Capacity of http://h:8000/?a&amp;b</h1>"), std::string::npos);
  EXPECT_NE(page.find("Under ttft_p95_ms=2000, tpot_p95_ms=100: <b>8.000 req/s</b>, interval "
                      "[4.000, 16.000] req/s"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<a href=\"capacity.md\">"), std::string::npos);
  // The same charts as capacity_plan.html, by the same code: byte for byte.
  const std::string charts = curves_html({c});
  EXPECT_NE(page.find(charts), std::string::npos);
  EXPECT_EQ(count(page, "<svg "), count(charts, "<svg "));
  EXPECT_GE(count(page, "<svg "), 3u);
  const CapacityEstimate none{std::nullopt, 1.0, std::nullopt, 1.0, "no step passed"};
  EXPECT_NE(capacity_html("u", {"ttft_p95_ms=2000"}, none, c).find("no capacity: no step passed"),
            std::string::npos);
}

TEST(CurveReader, StepsFromCapacityJsonAndEachStepsBenchJson) {
  const fs::path d = fs::path(L4LAB_BINARY_DIR) / "test-tmp" / "curve-reader";
  fs::remove_all(d);
  fs::create_directories(d / "step-01-rate-4.000" / "trial-1");
  std::ofstream(d / "capacity.json")
      << R"({"steps": [{"dir": "step-01-rate-4.000/trial-1", "rate_rps": 4, "pass": true},
                       {"dir": "step-02-rate-8.000/trial-1", "rate_rps": 8, "pass": false}]})";
  std::ofstream(d / "step-01-rate-4.000" / "trial-1" / "bench.json")
      << R"({"summary": {"throughput": {"requests_per_s": 3.9, "output_tokens_per_s": 250},
             "tpot_ms": {"p50": 12.5}, "ttft_ms": {"p95": 300}}})";
  const auto c = read_curve(d.string(), "C1");
  EXPECT_EQ(c.name, "C1");
  ASSERT_EQ(c.points.size(), 1u);  // step 2 has no bench.json
  EXPECT_DOUBLE_EQ(c.points[0].rate, 4);
  EXPECT_TRUE(c.points[0].pass);
  EXPECT_DOUBLE_EQ(c.points[0].output_tps, 250);
  EXPECT_DOUBLE_EQ(*c.points[0].tpot_p50_ms, 12.5);
  EXPECT_DOUBLE_EQ(*c.points[0].ttft_p95_ms, 300);
  EXPECT_TRUE(read_curve((d / "absent").string(), "C1").points.empty());
}

}  // namespace
}  // namespace l4lab::capacity
