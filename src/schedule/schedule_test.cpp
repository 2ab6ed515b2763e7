#include "schedule/schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

using namespace l4lab;
using namespace l4lab::schedule;

namespace {
std::vector<std::string> ids(size_t n) {
  std::vector<std::string> v;
  for (size_t i = 0; i < n; ++i) v.push_back("r" + std::to_string(i));
  return v;
}

// Mean and coefficient of variation of the gaps.
std::pair<double, double> gap_stats(const Schedule& s) {
  std::vector<double> g;
  for (size_t i = 1; i < s.entries.size(); ++i)
    g.push_back(double(*s.entries[i].t_offset_ns - *s.entries[i - 1].t_offset_ns) / 1e9);
  double m = 0;
  for (double x : g) m += x;
  m /= double(g.size());
  double v = 0;
  for (double x : g) v += (x - m) * (x - m);
  v /= double(g.size() - 1);
  return {m, std::sqrt(v) / m};
}
}  // namespace

TEST(Schedule, SeededAndReproducible) {
  ScheduleOptions o{ArrivalKind::poisson, 1, 10.0, 1.0, 42};
  auto a = generate_schedule(ids(100), o);
  auto b = generate_schedule(ids(100), o);
  ASSERT_TRUE(a.ok() && b.ok());
  for (size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(a->entries[i].id, b->entries[i].id);
    EXPECT_EQ(a->entries[i].t_offset_ns, b->entries[i].t_offset_ns);
  }
  o.seed = 43;
  auto c = generate_schedule(ids(100), o);
  EXPECT_NE(a->entries[5].t_offset_ns, c->entries[5].t_offset_ns);
}

TEST(Schedule, ShuffleIsAPermutationAndLimitTruncates) {
  ScheduleOptions o{ArrivalKind::closed, 4};
  o.seed = 7;
  o.limit = 30;
  auto s = generate_schedule(ids(50), o);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->entries.size(), 30u);
  std::set<size_t> seen;
  for (auto& e : s->entries) {
    EXPECT_FALSE(e.t_offset_ns.has_value());
    EXPECT_EQ(e.id, "r" + std::to_string(e.request));
    seen.insert(e.request);
  }
  EXPECT_EQ(seen.size(), 30u);
  o.shuffle = false;
  auto f = generate_schedule(ids(50), o);
  EXPECT_EQ(f->entries[3].request, 3u);
}

TEST(Schedule, ConstantRateIsExact) {
  ScheduleOptions o{ArrivalKind::constant, 1, 3.0};
  auto s = generate_schedule(ids(4), o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s->entries[0].t_offset_ns, 0);
  EXPECT_EQ(*s->entries[1].t_offset_ns, 333333333);
  EXPECT_EQ(*s->entries[3].t_offset_ns, 1000000000);
}

TEST(Schedule, PoissonAndGammaHaveTheRightMeanAndBurstiness) {
  auto p = generate_schedule(ids(20000), {ArrivalKind::poisson, 1, 50.0, 1.0, 1});
  auto [pm, pcv] = gap_stats(*p);
  EXPECT_NEAR(pm, 1.0 / 50, 0.001);
  EXPECT_NEAR(pcv, 1.0, 0.05);
  // Gamma shape 0.25: same mean, CV = 1/sqrt(0.25) = 2 (burstier).
  auto g = generate_schedule(ids(20000), {ArrivalKind::gamma, 1, 50.0, 0.25, 1});
  auto [gm, gcv] = gap_stats(*g);
  EXPECT_NEAR(gm, 1.0 / 50, 0.002);
  EXPECT_NEAR(gcv, 2.0, 0.15);
  // Shape 4: smoother, CV 0.5.
  auto s = generate_schedule(ids(20000), {ArrivalKind::gamma, 1, 50.0, 4.0, 1});
  EXPECT_NEAR(gap_stats(*s).second, 0.5, 0.03);
}

TEST(Schedule, RejectsBadParameters) {
  EXPECT_FALSE(generate_schedule(ids(3), {ArrivalKind::closed, 0}).ok());
  EXPECT_FALSE(generate_schedule(ids(3), {ArrivalKind::poisson, 1, 0.0}).ok());
  EXPECT_FALSE(generate_schedule(ids(3), {ArrivalKind::gamma, 1, 1.0, 0.0}).ok());
}
