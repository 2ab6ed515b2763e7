#include "matrix/run_order.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace l4lab::matrix {
namespace {

TEST(RunOrder, InterleavedAndSequential) {
  auto i = order_runs(2, 2, "interleaved", 1);
  EXPECT_EQ(i, (std::vector<RunKey>{{0, 1}, {1, 1}, {0, 2}, {1, 2}}));
  auto s = order_runs(2, 2, "sequential", 1);
  EXPECT_EQ(s, (std::vector<RunKey>{{0, 1}, {0, 2}, {1, 1}, {1, 2}}));
}

TEST(RunOrder, ShuffledIsASeededPermutation) {
  auto a = order_runs(8, 3, "shuffled", 7);
  auto b = order_runs(8, 3, "shuffled", 7);
  auto c = order_runs(8, 3, "shuffled", 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  ASSERT_EQ(a.size(), 24u);
  auto sorted = a;
  auto key = [](const RunKey& k) { return k.config * 100 + k.trial; };
  std::sort(sorted.begin(), sorted.end(), [&](auto& x, auto& y) { return key(x) < key(y); });
  EXPECT_EQ(sorted, order_runs(8, 3, "sequential", 0));
}

}  // namespace
}  // namespace l4lab::matrix
