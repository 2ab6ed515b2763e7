#include "capacity/capacity_curves.h"

#include <gtest/gtest.h>

namespace l4lab::capacity {
namespace {

CurvePoint pt(double rate, double tps, double tpot, bool pass, bool counted = true) {
  CurvePoint p;
  p.rate = rate;
  p.delivered_rps = rate;
  p.output_tps = tps;
  p.tpot_p50_ms = tpot;
  p.ttft_p95_ms = 100 * rate;
  p.pass = pass;
  p.counted = counted;
  p.dir = "step-" + std::to_string(int(rate)) + "/trial-1";
  return p;
}

TEST(CapacityCurves, PerUserRateIsTheInverseOfTheMedianTpot) {
  EXPECT_DOUBLE_EQ(*per_user_tps(pt(1, 100, 20, true)), 50.0);
  CurvePoint none = pt(1, 100, 20, true);
  none.tpot_p50_ms.reset();
  EXPECT_FALSE(per_user_tps(none));
}

TEST(CapacityCurves, FrontKeepsOnlyPassingUndominatedSteps) {
  // A: (1000 tok/s, 100/user), (2000, 50), (3000, 25 failing);
  // B: (1500, 40) dominated by A's (2000, 50); (2500, 45) on the front;
  // (5000, 90) load not offered: not a candidate however good.
  std::vector<ConfigCurve> cs = {
      {"A", {pt(2, 1000, 10, true), pt(4, 2000, 20, true), pt(8, 3000, 40, false)}},
      {"B",
       {pt(3, 1500, 25, true), pt(5, 2500, 1000.0 / 45, true),
        pt(9, 5000, 1000.0 / 90, true, false)}},
  };
  auto f = pareto_front(cs);
  std::vector<std::pair<size_t, size_t>> got;
  for (const auto& x : f) got.push_back({x.config, x.point});
  const std::vector<std::pair<size_t, size_t>> want = {{0, 0}, {0, 1}, {1, 1}};
  EXPECT_EQ(got, want);
}

TEST(CapacityCurves, EqualPointsAreBothKept) {
  std::vector<ConfigCurve> cs = {{"A", {pt(2, 1000, 10, true)}}, {"B", {pt(2, 1000, 10, true)}}};
  EXPECT_EQ(pareto_front(cs).size(), 2u);
}

TEST(CapacityCurves, MarkdownRowsGoByRateAndNameTheFront) {
  std::vector<ConfigCurve> cs = {
      {"C1", {pt(4, 1000, 10, true), pt(2, 600, 8, true), pt(8, 1200, 30, false)}}};
  cs[0].points[2].saturated = true;
  const auto md = curves_markdown(cs);
  const auto r2 = md.find("| C1 | 2.000 |"), r4 = md.find("| C1 | 4.000 |"),
             r8 = md.find("| C1 | 8.000 |");
  ASSERT_NE(r2, std::string::npos) << md;
  EXPECT_LT(r2, r4);
  EXPECT_LT(r4, r8);
  EXPECT_NE(
      md.find("| 1200 | 33.3 | 800 | fail (saturated) | [step-8/trial-1](C1/step-8/trial-1) |"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("- C1 at 4.000 req/s: 1000 output tok/s per GPU, 100.0 tok/s per user"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("- C1 at 2.000 req/s: 600 output tok/s per GPU, 125.0 tok/s per user"),
            std::string::npos)
      << md;
}

TEST(CapacityCurves, HtmlHasTheThreeChartsAndTheFrontLabelled) {
  std::vector<ConfigCurve> cs = {{"C1", {pt(2, 600, 8, true), pt(4, 1000, 10, true)}},
                                 {"C8", {pt(2, 700, 6, true)}}};
  const auto h = curves_html(cs);
  size_t svgs = 0;
  for (size_t at = h.find("<svg"); at != std::string::npos; at = h.find("<svg", at + 1)) ++svgs;
  EXPECT_EQ(svgs, 3u);
  EXPECT_NE(h.find("C8 2.00 req/s (Pareto)"), std::string::npos);
  EXPECT_NE(h.find("C1 4.00 req/s (Pareto)"), std::string::npos);
  EXPECT_EQ(h.find("C1 2.00 req/s (Pareto)"), std::string::npos);  // beaten by C8 2.00
}

}  // namespace
}  // namespace l4lab::capacity
