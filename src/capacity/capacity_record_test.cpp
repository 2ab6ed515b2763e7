#include "capacity/capacity_record.h"

#include <gtest/gtest.h>

namespace l4lab::capacity {
namespace {

TEST(CapacityRecord, JsonCarriesStepsCapacityAndTheIntervalsMeaning) {
  StepRecord s;
  s.index = 1;
  s.dir = "step-01-rate-1.000/trial-1";
  s.rate = 1;
  s.verdict.pass = true;
  s.verdict.evidence = Evidence::pass;
  s.verdict.reason = "every SLO holds";
  s.verdict.load.offered = true;
  SloOutcome o;
  o.slo = "ttft_p95_ms=520";
  o.value = 100;
  o.pass = true;
  o.evidence = Evidence::pass;
  s.verdict.slos.push_back(o);
  CapacityEstimate e;
  e.capacity_rps = 1;
  e.lower_rps = 1;
  auto j = capacity_json({{"url", "http://x"}}, *parse_slos({"ttft_p95_ms=520"}), {s}, e, "why");
  EXPECT_EQ(j["schema"], "l4lab.capacity/1");
  EXPECT_EQ(j["url"], "http://x");
  EXPECT_EQ(j["steps"][0]["dir"], "step-01-rate-1.000/trial-1");
  EXPECT_EQ(j["steps"][0]["slos"][0]["evidence"], "pass");
  EXPECT_EQ(j["capacity"]["capacity_rps"], 1.0);
  EXPECT_TRUE(j["capacity"]["interval"]["upper_rps"].is_null());
  EXPECT_NE(j["capacity"]["interval"]["meaning"].get<std::string>().find("Clopper-Pearson"),
            std::string::npos);
  const std::string t = capacity_table({s}, e, "why");
  EXPECT_NE(t.find("interval [1.000, none]"), std::string::npos) << t;
  EXPECT_NE(t.find("ttft_p95_ms=520"), std::string::npos);
  const std::string md =
      capacity_markdown({{"url", "http://x"}}, *parse_slos({"ttft_p95_ms=520"}), {s}, e, "why");
  EXPECT_NE(md.find("| **1.000** | none | [1.000, none] |"), std::string::npos) << md;
  EXPECT_NE(md.find("[step-01-rate-1.000/trial-1](step-01-rate-1.000/trial-1)"), std::string::npos);
}

}  // namespace
}  // namespace l4lab::capacity
