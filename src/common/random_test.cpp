#include "common/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace l4lab {
namespace {

// Known answers from an independent implementation (the Python oracle in
// bench/report/analysis_oracle.py), so the stream is the documented one.
TEST(Random, KnownAnswers) {
  uint64_t s = 0;
  EXPECT_EQ(splitmix64_next(s), 0xe220a8397b1dcdafULL);  // splitmix64's reference value
  Rng r(1);
  EXPECT_EQ(r.next(), 0xb3f2af6d0fc710c5ULL);
  EXPECT_EQ(r.next(), 0x853b559647364ceaULL);
  EXPECT_EQ(r.next(), 0x92f89756082a4514ULL);
  Rng b(42);
  const std::vector<uint64_t> want = {0, 3, 6, 9, 9, 7, 7, 8, 7, 5};
  for (uint64_t w : want) EXPECT_EQ(b.below(10), w);
  EXPECT_EQ(fnv1a64("C1"), 652880142081145401ULL);
}

TEST(Random, BelowStaysInRangeAndCoversIt) {
  Rng r(7);
  std::vector<int> seen(7, 0);
  for (int i = 0; i < 7000; ++i) ++seen[r.below(7)];
  for (int c : seen) EXPECT_GT(c, 800);  // ~1000 each
  EXPECT_EQ(r.below(1), 0u);
  for (int i = 0; i < 100; ++i) {
    const int64_t v = r.range(-3, 3);
    EXPECT_TRUE(v >= -3 && v <= 3);
  }
}

// Moments of the distributions on a fixed seed: deterministic, not timed.
TEST(Random, DistributionMoments) {
  Rng r(123);
  const int n = 200000;
  auto moments = [&](auto draw) {
    double m = 0, m2 = 0;
    for (int i = 0; i < n; ++i) {
      const double x = draw();
      m += x;
      m2 += x * x;
    }
    m /= n;
    return std::pair{m, m2 / n - m * m};
  };
  auto [em, ev] = moments([&] { return r.exponential(50.0); });
  EXPECT_NEAR(em, 0.02, 0.0002);
  EXPECT_NEAR(ev, 0.0004, 0.00001);
  auto [nm, nv] = moments([&] { return r.normal(); });
  EXPECT_NEAR(nm, 0.0, 0.01);
  EXPECT_NEAR(nv, 1.0, 0.01);
  auto [gm, gv] = moments([&] { return r.gamma(4.0, 0.5); });  // mean 2, var 1
  EXPECT_NEAR(gm, 2.0, 0.01);
  EXPECT_NEAR(gv, 1.0, 0.02);
  auto [sm, sv] = moments([&] { return r.gamma(0.5, 2.0); });  // mean 1, var 2
  EXPECT_NEAR(sm, 1.0, 0.02);
  EXPECT_NEAR(sv, 2.0, 0.06);
  for (int i = 0; i < 1000; ++i) {
    const double u = r.unit();
    EXPECT_TRUE(u >= 0.0 && u < 1.0);
  }
}

TEST(Random, ShuffleIsASeededPermutation) {
  std::vector<int> a(50), b;
  std::iota(a.begin(), a.end(), 0);
  b = a;
  Rng r1(9), r2(9);
  r1.shuffle(a.begin(), a.end());
  r2.shuffle(b.begin(), b.end());
  EXPECT_EQ(a, b);
  std::vector<int> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 50; ++i) EXPECT_EQ(sorted[size_t(i)], i);
  std::vector<int> id(50);
  std::iota(id.begin(), id.end(), 0);
  EXPECT_NE(a, id);
  EXPECT_NE(mix_seed(1, "a"), mix_seed(1, "b"));
  EXPECT_NE(mix_seed(1, "a", 0), mix_seed(1, "a", 1));
}

}  // namespace
}  // namespace l4lab
