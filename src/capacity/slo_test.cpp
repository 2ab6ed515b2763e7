#include "capacity/slo.h"

#include <gtest/gtest.h>

namespace l4lab::capacity {
namespace {

TEST(CapacitySlo, ParsesLatencyAndGoodput) {
  auto s = parse_slos({"ttft_p95_ms=2000", "tpot_p99.9_ms=100", "goodput=0.9"});
  ASSERT_TRUE(s.ok()) << s.error().message();
  ASSERT_EQ(s->latency.size(), 2u);
  EXPECT_EQ(s->latency[0].metric, SloMetric::ttft);
  EXPECT_DOUBLE_EQ(s->latency[0].percentile, 95);
  EXPECT_DOUBLE_EQ(s->latency[0].limit_ms, 2000);
  EXPECT_NEAR(s->latency[0].allowed_fraction(), 0.05, 1e-12);
  EXPECT_DOUBLE_EQ(s->latency[1].percentile, 99.9);
  EXPECT_EQ(s->latency[1].text(), "tpot_p99.9_ms=100");
  EXPECT_DOUBLE_EQ(*s->goodput_fraction, 0.9);
}

TEST(CapacitySlo, ErrorsNameTheTextAndTheFault) {
  auto bad = [](std::vector<std::string> v) {
    auto r = parse_slos(v);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().message();
  };
  EXPECT_NE(bad({"ttft_p95=2000"}).find("--slo 'ttft_p95=2000'"), std::string::npos);
  EXPECT_NE(bad({"itl_p95_ms=5"}).find("unknown metric 'itl'"), std::string::npos);
  EXPECT_NE(bad({"ttft_p100_ms=5"}).find("percentile"), std::string::npos);
  EXPECT_NE(bad({"ttft_p95_ms=-1"}).find("> 0"), std::string::npos);
  EXPECT_NE(bad({"goodput=1.5"}).find("fraction"), std::string::npos);
  EXPECT_NE(bad({"goodput=0.9"}).find("add one"), std::string::npos);
  EXPECT_NE(bad({"ttft_p95_ms=1", "ttft_p95_ms=2"}).find("twice"), std::string::npos);
  EXPECT_NE(bad({}).find("at least one"), std::string::npos);
}

}  // namespace
}  // namespace l4lab::capacity
