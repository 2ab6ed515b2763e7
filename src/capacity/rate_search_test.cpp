#include "capacity/rate_search.h"

#include <gtest/gtest.h>

namespace l4lab::capacity {
namespace {

// Runs a search against an exact verdict: pass iff rate <= capacity.
RateSearch run(double capacity, SearchOptions o) {
  RateSearch s(o);
  while (auto r = s.next_rate()) s.record(*r, *r <= capacity);
  return s;
}

TEST(CapacityRateSearch, RampsThenBisectsToTheResolution) {
  SearchOptions o;
  o.start_rate = 1;
  o.resolution = 0.02;
  o.confirm = 0;
  auto s = run(15.7, o);
  ASSERT_TRUE(s.bracketed());
  EXPECT_LE(s.lo(), 15.7);
  EXPECT_GT(s.hi(), 15.7);
  EXPECT_LE(s.hi() / s.lo() - 1, 0.02);
  // 1, 2, 4, 8, 16 (fail), then bisection of a 2x bracket to 2%: log2(ln2 / ln1.02) = 5.1 -> 6.
  EXPECT_EQ(s.steps().size(), 5u + 6u);
  EXPECT_NE(s.stop_reason().find("resolution"), std::string::npos);
}

TEST(CapacityRateSearch, RampsDownWhenTheStartFails) {
  SearchOptions o;
  o.start_rate = 10;
  o.confirm = 0;
  auto s = run(0.3, o);
  ASSERT_TRUE(s.bracketed());
  EXPECT_LE(s.lo(), 0.3);
  EXPECT_GT(s.hi(), 0.3);
  EXPECT_DOUBLE_EQ(s.steps()[1].rate, 5);
}

TEST(CapacityRateSearch, StopsAtMaxRateAndStepLimit) {
  SearchOptions o;
  o.max_rate = 50;
  auto s = run(1000, o);
  EXPECT_FALSE(s.bracketed());
  EXPECT_DOUBLE_EQ(s.lo(), 50);
  EXPECT_NE(s.stop_reason().find("--max-rate"), std::string::npos);
  SearchOptions few;
  few.max_steps = 3;
  few.confirm = 0;
  auto t = run(1000, few);
  EXPECT_EQ(t.steps().size(), 3u);
  EXPECT_NE(t.stop_reason().find("step limit"), std::string::npos);
}

TEST(CapacityRateSearch, ConfirmsUntilBothSidesHaveEvidence) {
  // Exact verdicts, but only rates >= 10% away from 15.7 are confident.
  SearchOptions o;
  o.resolution = 0.02;
  RateSearch s(o);
  std::vector<double> confirms;
  while (auto r = s.next_rate()) {
    const bool pass = *r <= 15.7;
    Evidence e = Evidence::undecided;
    if (*r < 15.7 / 1.1) e = Evidence::pass;
    if (*r > 15.7 * 1.1) e = Evidence::fail;
    if (s.lo() > 0 && s.hi() / s.lo() - 1 <= o.resolution) confirms.push_back(*r);
    s.record(*r, pass, e);
  }
  // Above the bracket (hi ~ 16): x 1.05 is undecided, x 1.1 (> 17.27) fails
  // with evidence. Below it (lo ~ 15.66): / 1.05 is undecided, / 1.1
  // (< 14.27) passes with evidence, closer than the bisection's 13.45.
  ASSERT_EQ(confirms.size(), 4u);
  EXPECT_NEAR(confirms[0] / s.hi(), 1.05, 1e-12);
  EXPECT_NEAR(confirms[1] / s.hi(), 1.1, 1e-12);
  EXPECT_NEAR(s.lo() / confirms[2], 1.05, 1e-12);
  EXPECT_NEAR(s.lo() / confirms[3], 1.1, 1e-12);
  EXPECT_EQ(s.stop_reason().find("lacks"), std::string::npos);
}

TEST(CapacityRateSearch, NoisyPassAboveAFailDoesNotWidenTheBracket) {
  RateSearch s({});
  s.record(8, true);
  s.record(16, false);
  s.record(20, true);  // noise: above the first fail
  EXPECT_DOUBLE_EQ(s.lo(), 8);
  EXPECT_DOUBLE_EQ(s.hi(), 16);
  s.record(6, false);  // a fail below the pass: the bracket falls below it
  EXPECT_DOUBLE_EQ(s.hi(), 6);
  EXPECT_DOUBLE_EQ(s.lo(), 0);
}

}  // namespace
}  // namespace l4lab::capacity
