#include "metrics/latency.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l4lab::metrics {
namespace {

TEST(MetricsLatency, TtftAndE2eAreMsBetweenStamps) {
  EXPECT_EQ(ttft_ms(1'000'000, 51'000'000), 50.0);
  EXPECT_EQ(e2e_ms(1'000'000, 101'500'000), 100.5);
}

TEST(MetricsLatency, TpotIsE2eMinusTtftOverTokensMinusOne) {
  // 50 ms to the first token, 140 ms end to end, 10 tokens: 90 ms / 9.
  EXPECT_EQ(tpot_ms(140.0, 50.0, 10), (140.0 - 50.0) / 9.0);
  EXPECT_TRUE(std::isnan(tpot_ms(140.0, 50.0, 1)));
  EXPECT_TRUE(std::isnan(tpot_ms(140.0, 50.0, 0)));
  EXPECT_TRUE(std::isnan(tpot_ms(kNaN, 50.0, 10)));
}

TEST(MetricsLatency, ItlIsPerChunkGaps) {
  std::vector<double> out = {7.0};
  const int64_t t[] = {10'000'000, 20'000'000, 35'000'000};
  append_itl_ms(t, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1], 10.0);
  EXPECT_EQ(out[2], 15.0);
  std::vector<double> none;
  append_itl_ms(std::span<const int64_t>(t, 1), none);
  EXPECT_TRUE(none.empty());
}

// A run's ITL collector grows by a few gaps per request; it must not be
// reallocated (copied whole) on every call. The soak found that: bench's
// send lag grew with the run while every request copied the vector.
TEST(MetricsLatency, AppendItlKeepsGeometricGrowth) {
  std::vector<double> out;
  const int64_t t[] = {0, 5'000'000, 10'000'000};
  size_t reallocations = 0;
  const double* data = nullptr;
  for (int i = 0; i < 10'000; ++i) {
    append_itl_ms(t, out);
    if (out.data() != data) ++reallocations, data = out.data();
  }
  EXPECT_EQ(out.size(), 20'000u);
  EXPECT_LT(reallocations, 64u) << "a reallocation per call is quadratic in the run's length";
}

}  // namespace
}  // namespace l4lab::metrics
