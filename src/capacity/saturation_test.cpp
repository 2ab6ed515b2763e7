#include "capacity/saturation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/random.h"

namespace l4lab::capacity {
namespace {

constexpr int64_t kS = 1'000'000'000;

TEST(CapacitySaturation, BlockLengthHasAboutTwentyArrivals) {
  EXPECT_DOUBLE_EQ(saturation_block_s(5), 4);
  EXPECT_DOUBLE_EQ(saturation_block_s(100), 1);
}

TEST(CapacitySaturation, InFlightMeansIntegrateScheduledToEnd) {
  // Two requests: [0, 2 s) and [1 s, unfinished); blocks of 1 s up to 3 s.
  std::vector<int64_t> sched{0, 1 * kS}, ended{2 * kS};
  auto m = in_flight_block_means(sched, ended, 0, kS, 3 * kS);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_DOUBLE_EQ(m[0], 1);
  EXPECT_DOUBLE_EQ(m[1], 2);
  EXPECT_DOUBLE_EQ(m[2], 1);
}

TEST(CapacitySaturation, LinearGrowthIsSaturatedAtTheEighthBlock) {
  std::vector<double> m;
  for (int i = 0; i < 20; ++i) m.push_back(50 + 5.0 * i);
  // 20 arrivals per block: the rise over 7 blocks must exceed 2 sqrt(140) = 23.7;
  // blocks 0-7 rise by 35.
  auto s = detect_saturation(m, 20);
  EXPECT_TRUE(s.saturated);
  EXPECT_EQ(s.block, 7);
  EXPECT_NE(s.why.find("rose over 8 blocks"), std::string::npos);
}

TEST(CapacitySaturation, StationaryNoiseIsNeverSaturated) {
  // 1000 series of 60 blocks of a stationary noisy count around 8.
  Rng rng(42);
  for (int rep = 0; rep < 1000; ++rep) {
    std::vector<double> m;
    for (int i = 0; i < 60; ++i) m.push_back(8 + 3 * rng.normal());
    ASSERT_FALSE(detect_saturation(m, 20).saturated) << "series " << rep;
  }
}

TEST(CapacitySaturation, SlowDriftOfAFewRequestsIsNotSaturation) {
  // Strictly rising, 2 requests per block: 14 over 7 blocks is within the
  // arrivals' noise (23.7 at 20 arrivals per block).
  std::vector<double> m;
  for (int i = 0; i < 30; ++i) m.push_back(10 + 2.0 * i);
  EXPECT_FALSE(detect_saturation(m, 20).saturated);
}

TEST(CapacitySaturation, TrendConfirmsLinearGrowthNotSwings) {
  std::vector<double> grow, swing;
  for (int i = 0; i < 30; ++i) {
    grow.push_back(10 + 3.0 * i + ((i % 3) - 1) * 2.0);
    swing.push_back(50 + 30 * std::sin(0.7 * i));
  }
  const auto g = trend_confirms(grow);
  ASSERT_TRUE(g);
  EXPECT_NE(g->find("last third"), std::string::npos) << *g;
  EXPECT_FALSE(trend_confirms(swing));
  // A swing the 8-rising-blocks rule takes for growth: flat at 40, then 8
  // rising blocks from 21 to 84, shaped like the H200's C1 step at 14.05
  // req/s (21 to 84 in 10 s, bench/capacity/inflight.py; these values are made up).
  std::vector<double> late(20, 40.0);
  for (int i = 0; i < 20; ++i) late[size_t(i)] += (i % 2 ? 12 : -12);
  for (double v : {21.0, 30.0, 38.0, 47.0, 55.0, 64.0, 74.0, 84.0}) late.push_back(v);
  EXPECT_TRUE(detect_saturation(late, 20).saturated);
  EXPECT_FALSE(trend_confirms(late));
  EXPECT_FALSE(trend_confirms(std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8}));  // too few blocks
}

}  // namespace
}  // namespace l4lab::capacity
