#include "capacity/capacity_screen.h"

#include <gtest/gtest.h>

namespace l4lab::capacity {
namespace {

ScreenedConfig config(const std::string& name, const std::string& baseline,
                      std::optional<double> cap, std::optional<double> lo,
                      std::optional<double> hi) {
  ScreenedConfig c;
  c.capacity.name = name;
  c.capacity.baseline = baseline;
  c.capacity.status = "predicted";
  if (cap || lo || hi) c.capacity.estimate = CapacityEstimate{cap, std::nullopt, lo, hi, ""};
  c.errors = {{"ttft_p95_ms", 0.123}, {"tpot_p95_ms", std::nullopt}};
  return c;
}

std::vector<ScreenedConfig> plan() {
  return {config("C1", "C1", 10, 9, 11),
          config("C2", "C1", 12, 11.5, 13),
          config("C3", "C1", 20, 18, 22),
          config("C4", "C1", std::nullopt, std::nullopt, std::nullopt),
          config("C5", "C2", 15, 14, 16.5),
          config("C6", "C1", 8, 7.5, 10.5)};
}

ScreenHeader header() {
  ScreenHeader h;
  h.plan = "plans/p.yaml";
  h.profile = "prof.yaml";
  h.profile_name = "prof";
  h.hardware = "NVIDIA H200";
  h.slos = {"ttft_p95_ms=2000", "tpot_p95_ms=100"};
  h.step_s = 40;
  h.warmup_s = 10;
  h.start_rate = 4;
  h.resolution = 0.05;
  h.max_steps = 8;
  h.seed = 1;
  h.workload = "w.jsonl";
  h.workload_requests = 1800;
  return h;
}

TEST(CapacityScreen, RanksByPredictedCapacityWithoutOneLast) {
  EXPECT_EQ(capacity_ranks(plan()), (std::vector<int>{4, 3, 1, 0, 2, 5}));
}

TEST(CapacityScreen, SloMetricsNameTheErrorsThatApply) {
  auto s = parse_slos({"ttft_p95_ms=2000", "tpot_p99.9_ms=100", "goodput=0.9"});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(slo_error_metrics(*s), (std::vector<std::string>{"ttft_p95_ms", "tpot_p99.9_ms"}));
}

TEST(CapacityScreen, RecommendsTheTopAndTheirBaselinesWithTheExactCommand) {
  auto a = confirm_advice(header(), plan(), 3);
  // C3, C5, C2 rank 1-3; C3's and C2's baseline C1 is added (C5's is C2).
  EXPECT_EQ(a.configs, (std::vector<std::string>{"C3", "C5", "C2", "C1"}));
  EXPECT_EQ(a.command,
            "l4lab capacity --plan plans/p.yaml --only C3,C5,C2,C1 --slo ttft_p95_ms=2000 --slo "
            "tpot_p95_ms=100 --start-rate 4 --resolution 0.05 --max-steps 8 --step-s 40 "
            "--warmup-s 10 --seed 1 --ignore-eos --out runs/capacity-confirm");
  a = confirm_advice(header(), plan(), 1);
  EXPECT_EQ(a.configs, (std::vector<std::string>{"C3", "C1"}));
  std::vector<ScreenedConfig> none = {config("C1", "C1", std::nullopt, std::nullopt, 1)};
  a = confirm_advice(header(), none, 3);
  EXPECT_TRUE(a.configs.empty());
  EXPECT_TRUE(a.command.empty());
}

TEST(CapacityScreen, JsonLabelsEveryFigurePredictedWithTheComparisonRule) {
  const auto cs = plan();
  const auto j = screen_json(header(), cs, confirm_advice(header(), cs, 3), 1.5);
  EXPECT_EQ(j["schema"], "l4lab.capacity_screen/1");
  EXPECT_EQ(j["predicted"], true);
  ASSERT_EQ(j["configs"].size(), 6u);
  const auto& c3 = j["configs"][2];
  EXPECT_EQ(c3["name"], "C3");
  EXPECT_EQ(c3["predicted"], true);
  EXPECT_EQ(c3["rank"], 1);
  EXPECT_EQ(c3["verdict"], "higher");               // [18, 22] wholly above C1's [9, 11]
  EXPECT_EQ(j["configs"][1]["verdict"], "higher");  // [11.5, 13] above [9, 11]
  EXPECT_EQ(j["configs"][5]["verdict"], "no clear difference");  // [7.5, 10.5] overlaps
  EXPECT_EQ(j["configs"][3]["verdict"], "no verdict");           // C4: no capacity
  EXPECT_TRUE(j["configs"][3]["rank"].is_null());
  EXPECT_DOUBLE_EQ(c3["validation_relative_error"]["ttft_p95_ms"].get<double>(), 0.123);
  EXPECT_EQ(j["confirm"]["configs"].size(), 4u);
  EXPECT_DOUBLE_EQ(j["wall_s"].get<double>(), 1.5);
}

TEST(CapacityScreen, MarkdownInRankOrderWithErrorsBesideEachFigure) {
  const auto cs = plan();
  const auto md = screen_markdown(header(), cs, confirm_advice(header(), cs, 3), 0.5);
  EXPECT_EQ(md.rfind("# PREDICTED capacity screen", 0), 0u);
  const auto row3 = md.find(
      "| 1 | C3 | 20.000 | [18.000, 22.000] | ttft_p95_ms ±12.3%; "
      "tpot_p95_ms error unknown | +100.0% | higher |");
  ASSERT_NE(row3, std::string::npos) << md;
  const auto row4 = md.find("| - | C4 |");
  ASSERT_NE(row4, std::string::npos);
  EXPECT_LT(md.find("| 2 | C5 |"), md.find("| 3 | C2 |"));
  EXPECT_LT(md.find("| 5 | C6 |"), row4);  // unranked last
  EXPECT_NE(md.find("--only C3,C5,C2,C1"), std::string::npos);
  EXPECT_EQ(md.find("reuses requests"), std::string::npos);
  auto big = cs;
  big[0].most_requests = 2240;
  EXPECT_NE(screen_markdown(header(), big, confirm_advice(header(), big, 3), 0.5)
                .find("largest step sent 2240 requests from the workload's 1800"),
            std::string::npos);
}

}  // namespace
}  // namespace l4lab::capacity
