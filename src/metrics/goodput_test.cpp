#include "metrics/goodput.h"

#include <gtest/gtest.h>

#include <cmath>

#include "metrics/latency.h"

namespace l4lab::metrics {
namespace {

TEST(MetricsGoodput, EverySloGivenMustHold) {
  Slos s;
  s.ttft_ms = 100;
  s.e2e_ms = 1000;
  EXPECT_TRUE(meets_slos(true, 100, 5, 1000, s));
  EXPECT_FALSE(meets_slos(true, 100.5, 5, 1000, s));
  EXPECT_FALSE(meets_slos(true, 10, 5, 1001, s));
  EXPECT_FALSE(meets_slos(false, 10, 5, 10, s));
  EXPECT_FALSE(meets_slos(true, kNaN, 5, 10, s));  // NaN never meets
}

TEST(MetricsGoodput, OneTokenRequestCountsAsTpotZero) {
  Slos s;
  s.tpot_ms = 0;
  EXPECT_TRUE(meets_slos(true, 10, kNaN, 10, s));
  EXPECT_FALSE(meets_slos(true, 10, 0.1, 10, s));
}

TEST(MetricsGoodput, PerSecondOfWindow) {
  EXPECT_EQ(goodput_rps(10, 4.0), 2.5);
  EXPECT_TRUE(std::isnan(goodput_rps(10, 0.0)));
}

}  // namespace
}  // namespace l4lab::metrics
