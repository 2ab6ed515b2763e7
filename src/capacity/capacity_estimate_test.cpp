#include "capacity/capacity_estimate.h"

#include <gtest/gtest.h>

#include <vector>

namespace l4lab::capacity {
namespace {

TEST(CapacityEstimate, BracketAndInterval) {
  std::vector<StepSummary> s{
      {1, true, Evidence::pass},        {2, true, Evidence::pass},
      {4, true, Evidence::pass},        {8, true, Evidence::undecided},
      {16, false, Evidence::fail},      {11.3, false, Evidence::undecided},
      {9.5, true, Evidence::undecided}, {10.4, false, Evidence::fail},
  };
  auto e = estimate_capacity(s);
  EXPECT_DOUBLE_EQ(*e.capacity_rps, 9.5);
  EXPECT_DOUBLE_EQ(*e.first_fail_rps, 10.4);
  EXPECT_DOUBLE_EQ(*e.lower_rps, 4);
  EXPECT_DOUBLE_EQ(*e.upper_rps, 10.4);
}

TEST(CapacityEstimate, AnUpperEndFromASaturatedStepIsNamed) {
  // The H200's C1 under seed 1: 14.672 and 14.050 ended saturated.
  std::vector<StepSummary> s{{8, true, Evidence::pass},
                             {16, false, Evidence::fail, true},
                             {13.454, true, Evidence::pass},
                             {14.672, false, Evidence::fail, true},
                             {14.050, false, Evidence::fail, true}};
  auto e = estimate_capacity(s);
  EXPECT_DOUBLE_EQ(*e.upper_rps, 14.050);
  EXPECT_TRUE(e.upper_from_saturation);
  EXPECT_NE(e.note.find("saturation flag"), std::string::npos) << e.note;
  // A lower rate failing on a measured SLO breach takes over the end.
  s.push_back({13.8, false, Evidence::fail, false});
  e = estimate_capacity(s);
  EXPECT_DOUBLE_EQ(*e.upper_rps, 13.8);
  EXPECT_FALSE(e.upper_from_saturation);
  EXPECT_EQ(e.note.find("saturation flag"), std::string::npos) << e.note;
}

TEST(CapacityEstimate, MissingEndsAreNullNotGuessed) {
  std::vector<StepSummary> s{{1, true, Evidence::pass}, {2, true, Evidence::undecided}};
  auto e = estimate_capacity(s);
  EXPECT_DOUBLE_EQ(*e.capacity_rps, 2);
  EXPECT_FALSE(e.first_fail_rps);
  EXPECT_FALSE(e.upper_rps);
  EXPECT_NE(e.note.find("at least"), std::string::npos);
  std::vector<StepSummary> f{{1, false, Evidence::undecided}};
  auto g = estimate_capacity(f);
  EXPECT_FALSE(g.capacity_rps);
  EXPECT_FALSE(g.lower_rps);
  EXPECT_NE(g.note.find("below"), std::string::npos);
}

}  // namespace
}  // namespace l4lab::capacity
