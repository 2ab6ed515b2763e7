// Known answer (docs/CAPACITY.md#known-answer): the search against serve-sim's
// queue engine, whose capacity under a TTFT p95 limit is the M/M/c closed
// form, in model time (seeded, no wall clock).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "capacity/capacity_estimate.h"
#include "capacity/mmc_theory.h"
#include "capacity/queue_step_sim.h"
#include "capacity/rate_search.h"
#include "common/random.h"

namespace l4lab::capacity {
namespace {

// 8 slots, mean hold 400 ms (mu = 2.5/s, throughput limit 20 req/s), first
// token 20 ms after admission; SLO ttft_p95_ms=520: the wait's p95 <= 0.5 s.
sim::QueueTiming timing() {
  sim::QueueTiming t;
  t.slots = 8;
  t.service_mean_ms = 400;
  t.ttft_ms = 20;
  t.itl_ms = 5;
  return t;
}
constexpr double kSloMs = 520;
double truth() { return mmc_capacity(8, 2.5, (kSloMs - 20) / 1000, 0.05); }

SloSet slos() {
  auto s = parse_slos({"ttft_p95_ms=520"});
  return *s;
}

struct SearchOutcome {
  CapacityEstimate est;
  int steps = 0;
  double model_s = 0;
};

SearchOutcome search(uint64_t seed, double step_s) {
  SearchOptions so;
  so.start_rate = 1;
  so.resolution = 0.02;
  RateSearch rs(so);
  std::vector<StepSummary> summaries;
  SearchOutcome out;
  int k = 0;
  while (auto rate = rs.next_rate()) {
    QueueStepOptions o;
    o.timing = timing();
    o.rate = *rate;
    o.duration_s = step_s;
    if (const char* w = std::getenv("L4LAB_CAPACITY_WARMUP")) o.warmup_s = std::atof(w);
    o.seed = mix_seed(seed, "step", uint64_t(k++));
    auto step = simulate_queue_step(o);
    auto v = judge_step(step.data, slos(), step.saturation.saturated);
    rs.record(*rate, v.pass, v.evidence);
    summaries.push_back({*rate, v.pass, v.evidence});
    out.model_s += step.ended_s;
  }
  out.est = estimate_capacity(summaries);
  out.steps = int(summaries.size());
  return out;
}

TEST(CapacityKnownAnswer, TheoryIsWhatTheEngineDoes) {
  // At 0.9 x the truth, 2000 s: the fraction of waits beyond 0.5 s is the
  // Erlang C value within sampling noise.
  QueueStepOptions o;
  o.timing = timing();
  o.rate = 0.9 * truth();
  o.duration_s = 2000;
  o.seed = 7;
  auto s = simulate_queue_step(o);
  size_t beyond = 0;
  for (const auto& r : s.data.measured) beyond += r.ttft_ms > kSloMs;
  const double f = double(beyond) / double(s.data.measured.size());
  const double p = mmc_wait_exceeds(8, o.rate, 2.5, 0.5);
  EXPECT_NEAR(f, p, 0.01) << "measured " << f << " theory " << p;
}

TEST(CapacityKnownAnswer, FoundWithinFivePercentAndIntervalCoversInNineOfTen) {
  const double t = truth();
  int covered = 0, within = 0;
  // L4LAB_CAPACITY_SEEDS=N: N seeds, printed only (docs/CAPACITY.md's
  // longer coverage run); the assertions are for the 10 seeds of CI.
  const char* env = std::getenv("L4LAB_CAPACITY_SEEDS");
  const uint64_t n = env ? std::strtoull(env, nullptr, 10) : 10;
  for (uint64_t seed = 1; seed <= n; ++seed) {
    auto r = search(seed, 300);
    ASSERT_TRUE(r.est.capacity_rps) << r.est.note;
    const double err = *r.est.capacity_rps / t - 1;
    const bool in =
        r.est.lower_rps && r.est.upper_rps && *r.est.lower_rps <= t && t <= *r.est.upper_rps;
    covered += in;
    std::printf(
        "seed %2llu: capacity %.3f (truth %.3f, %+.1f%%) interval [%.3f, %.3f] %s, %d steps\n",
        (unsigned long long)seed, *r.est.capacity_rps, t, 100 * err, r.est.lower_rps.value_or(NAN),
        r.est.upper_rps.value_or(NAN), in ? "covers" : "MISSES", r.steps);
    within += std::fabs(err) <= 0.05;
    if (n == 10) {
      EXPECT_LE(std::fabs(err), 0.05) << "seed " << seed;
    }
  }
  std::printf("%llu seeds: within 5%% %d, interval covers the truth %d\n", (unsigned long long)n,
              within, covered);
  if (n == 10) {
    EXPECT_GE(covered, 9);
  }
}

TEST(CapacityKnownAnswer, WellPastCapacityEndsEarlySaturated) {
  // 2x the capacity (1.57x the 20 req/s throughput limit): saturated within
  // warm-up 10 s + 12 blocks of 1 s (the first possible is 8), in every seed.
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    QueueStepOptions o;
    o.timing = timing();
    o.rate = 2 * truth();
    o.duration_s = 120;
    o.seed = seed;
    auto s = simulate_queue_step(o);
    EXPECT_TRUE(s.saturation.saturated) << "seed " << seed;
    std::printf("seed %2llu: saturated %d, ended at %.1f s: %s\n", (unsigned long long)seed,
                int(s.saturation.saturated), s.ended_s, s.saturation.why.c_str());
    EXPECT_LE(s.ended_s, 10 + 12 * saturation_block_s(o.rate) + 1e-9) << "seed " << seed;
  }
}

TEST(CapacityKnownAnswer, TwentyPercentUnderIsNeverSaturated) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    QueueStepOptions o;
    o.timing = timing();
    o.rate = 0.8 * truth();
    o.duration_s = 300;
    o.seed = seed;
    auto s = simulate_queue_step(o);
    EXPECT_FALSE(s.saturation.saturated) << "seed " << seed << ": " << s.saturation.why;
  }
}

}  // namespace
}  // namespace l4lab::capacity
