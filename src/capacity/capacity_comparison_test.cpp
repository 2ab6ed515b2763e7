#include "capacity/capacity_comparison.h"

#include <gtest/gtest.h>

namespace l4lab::capacity {
namespace {

ConfigCapacity searched(std::string name, double cap, std::optional<double> lo,
                        std::optional<double> hi, std::string baseline = "C1") {
  CapacityEstimate e;
  e.capacity_rps = cap;
  e.lower_rps = lo;
  e.upper_rps = hi;
  return {std::move(name), std::move(baseline), "searched", "", "", e, 5};
}

TEST(CapacityComparison, HigherOnlyWhenTheIntervalsDoNotOverlap) {
  const auto base = searched("C1", 10, 9.5, 10.5);
  auto v = compare_capacity(searched("C8", 12, 11, 13), base);
  EXPECT_EQ(v.verdict, "higher");
  ASSERT_TRUE(v.delta_pct);
  EXPECT_NEAR(*v.delta_pct, 20.0, 1e-9);
  // Touching at 10.5 is not "above".
  EXPECT_EQ(compare_capacity(searched("C8", 12, 10.5, 13), base).verdict, "no clear difference");
  v = compare_capacity(searched("C3", 5, 4, 6), base);
  EXPECT_EQ(v.verdict, "lower");
  EXPECT_NEAR(*v.delta_pct, -50.0, 1e-9);
  EXPECT_NE(v.why.find("below"), std::string::npos) << v.why;
}

TEST(CapacityComparison, AVerdictRestingOnASaturatedUpperEndSaysSo) {
  auto base = searched("C1", 13.454, 13.454, 14.050);
  auto c8 = searched("C8", 19.027, 19.027, 19.870);
  EXPECT_EQ(compare_capacity(c8, base).why.find("saturation"), std::string::npos);
  base.estimate->upper_from_saturation = true;
  auto v = compare_capacity(c8, base);
  EXPECT_EQ(v.verdict, "higher");
  EXPECT_NE(v.why.find("C1's upper end comes from a saturation flag"), std::string::npos) << v.why;
  // "lower" rests on the configuration's own upper end.
  auto c3 = searched("C3", 5, 4, 6);
  c3.estimate->upper_from_saturation = true;
  v = compare_capacity(c3, searched("C1", 10, 9.5, 10.5));
  EXPECT_EQ(v.verdict, "lower");
  EXPECT_NE(v.why.find("C3's upper end comes from a saturation flag"), std::string::npos) << v.why;
  EXPECT_EQ(capacity_cells(c3.estimate).interval, "[4.000, 6.000 sat]");
}

TEST(CapacityComparison, OverlapIsNoClearDifferenceButTheDeltaIsShown) {
  auto v = compare_capacity(searched("C2", 10.4, 9.8, 11), searched("C1", 10, 9.5, 10.5));
  EXPECT_EQ(v.verdict, "no clear difference");
  ASSERT_TRUE(v.delta_pct);
  EXPECT_NEAR(*v.delta_pct, 4.0, 1e-9);
}

TEST(CapacityComparison, AnOpenIntervalOrNoCapacityGivesNoVerdict) {
  const auto base = searched("C1", 10, std::nullopt, 10.5);
  // The config's interval is above on the side that is known: verdict.
  EXPECT_EQ(compare_capacity(searched("C8", 12, 11, std::nullopt), base).verdict, "higher");
  // Overlap cannot be judged when an end is open.
  auto v = compare_capacity(searched("C8", 10.2, 10, std::nullopt), base);
  EXPECT_EQ(v.verdict, "no verdict");
  EXPECT_NE(v.why.find("open"), std::string::npos) << v.why;
  ConfigCapacity dead{"C4", "C1", "start_failed", "unsupported flag", "C4", std::nullopt, 0};
  v = compare_capacity(dead, searched("C1", 10, 9, 11));
  EXPECT_EQ(v.verdict, "no verdict");
  EXPECT_NE(v.why.find("start_failed"), std::string::npos) << v.why;
  EXPECT_FALSE(v.delta_pct);
}

TEST(CapacityComparison, PlanJsonAndMarkdownCarryEveryConfigAndItsVerdict) {
  std::vector<ConfigCapacity> cs = {searched("C1", 10, 9.5, 10.5), searched("C8", 12, 11, 13),
                                    searched("C5", 9, 8, 9.8, "C9")};
  nlohmann::json header = {{"plan", "plans/p.yaml"}, {"slos", {"ttft_p95_ms=2000"}}};
  auto j = capacity_plan_json(header, cs);
  ASSERT_EQ(j["configs"].size(), 3u);
  EXPECT_EQ(j["configs"][0]["verdict"], "baseline");
  EXPECT_EQ(j["configs"][1]["verdict"], "higher");
  EXPECT_EQ(j["configs"][1]["capacity"]["lower_rps"], 11.0);
  EXPECT_EQ(j["configs"][2]["verdict"], "no verdict");  // its baseline C9 was not searched
  EXPECT_NE(j["configs"][2]["verdict_why"].get<std::string>().find("C9"), std::string::npos);
  EXPECT_EQ(j["plan"], "plans/p.yaml");
  const auto md = capacity_plan_markdown(header, cs);
  EXPECT_NE(
      md.find("| [C8](/capacity.md) | searched | 12.000 | [11.000, 13.000] | +20.0% | higher"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("`ttft_p95_ms=2000`"), std::string::npos) << md;
}

}  // namespace
}  // namespace l4lab::capacity
