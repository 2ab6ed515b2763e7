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
