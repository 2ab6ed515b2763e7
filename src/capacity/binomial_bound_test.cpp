#include "capacity/binomial_bound.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace l4lab::capacity {
namespace {

TEST(CapacityBinomial, IncompleteBetaKnownValues) {
  EXPECT_NEAR(incomplete_beta(1, 1, 0.3), 0.3, 1e-12);   // uniform
  EXPECT_NEAR(incomplete_beta(2, 1, 0.5), 0.25, 1e-12);  // x^2
  EXPECT_NEAR(incomplete_beta(1, 2, 0.5), 0.75, 1e-12);  // 1 - (1-x)^2
  EXPECT_NEAR(incomplete_beta(5, 5, 0.5), 0.5, 1e-12);   // symmetry
}

TEST(CapacityBinomial, StudentTQuantiles) {
  // Tables: t(9, 0.975) = 2.262157, t(1, 0.975) = 12.7062, t(30, 0.95) = 1.697261.
  EXPECT_NEAR(student_t_quantile(9, 0.975), 2.262157, 1e-5);
  EXPECT_NEAR(student_t_quantile(1, 0.975), 12.7062, 1e-3);
  EXPECT_NEAR(student_t_quantile(30, 0.95), 1.697261, 1e-5);
}

TEST(CapacityBinomial, ClopperPearsonMatchesClosedForms) {
  // k = 0: upper bound 1 - (1 - conf)^(1/n) (the "rule of three" for 95%).
  EXPECT_NEAR(cp_upper(0, 100, 0.95), 1 - std::pow(0.05, 1.0 / 100), 1e-9);
  // k = n: lower bound (1 - conf)^(1/n).
  EXPECT_NEAR(cp_lower(100, 100, 0.95), std::pow(0.05, 1.0 / 100), 1e-9);
  // By direct binomial sums (python3, math.comb): P(Bin(100, p) <= 5) = 0.025 at
  // p = 0.112835; P(Bin(100, p) >= 5) = 0.025 at p = 0.016432.
  EXPECT_NEAR(cp_upper(5, 100, 0.975), 0.112835, 1e-5);
  EXPECT_NEAR(cp_lower(5, 100, 0.975), 0.016432, 1e-5);
}

TEST(CapacityBinomial, IndependentHitsKeepTheirSampleSize) {
  std::vector<bool> hits(2000, false);
  for (size_t i = 0; i < hits.size(); i += 20) hits[i] = true;  // evenly spread: no clustering
  auto b = bound_clustered(hits, 0.975);
  EXPECT_EQ(b.k, 100u);
  EXPECT_DOUBLE_EQ(b.inflation, 1.0);
  EXPECT_LT(b.lower, 0.05);
  EXPECT_GT(b.upper, 0.05);
}

TEST(CapacityBinomial, ClusteredHitsWidenTheBounds) {
  // The same 5% of hits, all in one run of 100: batch means see it.
  std::vector<bool> hits(2000, false);
  for (size_t i = 1000; i < 1100; ++i) hits[i] = true;
  std::vector<bool> spread(2000, false);
  for (size_t i = 0; i < spread.size(); i += 20) spread[i] = true;
  auto c = bound_clustered(hits, 0.975);
  auto s = bound_clustered(spread, 0.975);
  EXPECT_GT(c.inflation, 5.0);
  EXPECT_GT(c.upper - c.lower, 2 * (s.upper - s.lower));
}

}  // namespace
}  // namespace l4lab::capacity
