#include "metrics/percentile.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l4lab::metrics {
namespace {

TEST(MetricsPercentile, LinearInterpolationFromFirstPrinciples) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  // h = 99 * q: p50 -> between x[49]=50 and x[50]=51 at 0.5.
  EXPECT_NEAR(percentile_sorted(v, 50), 50.5, 1e-12);
  EXPECT_NEAR(percentile_sorted(v, 95), 95.05, 1e-9);
  EXPECT_NEAR(percentile_sorted(v, 99), 99.01, 1e-9);
  EXPECT_EQ(percentile_sorted(v, 0), 1);
  EXPECT_EQ(percentile_sorted(v, 100), 100);
}

TEST(MetricsPercentile, SmallSamples) {
  EXPECT_EQ(percentile({7.0}, 99), 7.0);
  EXPECT_NEAR(percentile({10.0, 0.0}, 95), 9.5, 1e-12);  // sorts a copy
  EXPECT_TRUE(std::isnan(percentile({}, 50)));
}

TEST(MetricsPercentile, UpperBranchUsesNumpyLerp) {
  // g >= 0.5 takes b - diff*(1-g); the two forms differ in the last bit for
  // some inputs, so check the branch itself.
  // Inputs where they do differ (for 0.1 and 0.7 both forms round alike, so
  // a lerp without the branch would pass there).
  const double a = 0.1, b = 8.0 / 7.0;
  const double upper = b - (b - a) * 0.25, lower = a + (b - a) * 0.75;
  ASSERT_NE(upper, lower);  // the inputs must tell the forms apart
  EXPECT_EQ(lerp_numpy(a, b, 0.75), upper);
  EXPECT_EQ(lerp_numpy(a, b, 0.25), a + (b - a) * 0.25);
}

TEST(MetricsPercentile, SamplesBeyondTheTail) {
  EXPECT_EQ(samples_beyond(100, 99), 1u);    // h = 98.01 -> lo 98 -> 1 above
  EXPECT_EQ(samples_beyond(1000, 99), 10u);  // h = 989.01 -> lo 989 -> 10 above
  EXPECT_EQ(samples_beyond(0, 99), 0u);
}

}  // namespace
}  // namespace l4lab::metrics
