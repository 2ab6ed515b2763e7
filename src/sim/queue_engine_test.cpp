#include "sim/queue_engine.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l4lab::sim {
namespace {

constexpr int64_t kNsPerMs = 1'000'000;

QueueTiming one_slot() {
  QueueTiming t;
  t.slots = 1;
  t.service_mean_ms = 100;
  t.ttft_ms = 20;
  t.itl_ms = 5;
  return t;
}

TEST(SimQueueEngine, SecondRequestWaitsForTheSlotToBeReleased) {
  QueueEngine e(one_slot());
  const int64_t hold1 = e.hold_ns(7, 1);
  e.submit({1, 10, 2, 7}, 0);
  e.submit({2, 10, 2, 7}, 1 * kNsPerMs);
  std::vector<TokenEmit> out;
  e.advance(20 * kNsPerMs, out);
  ASSERT_EQ(out.size(), 1u);  // request 1's first token, 20 ms after admission at 0
  EXPECT_EQ(out[0].id, 1u);
  EXPECT_EQ(out[0].first_scheduled_ns, 0);
  // Request 2 is admitted exactly when request 1's hold ends, however late
  // advance() is called, so its first token is due hold1 + 20 ms.
  out.clear();
  e.advance(hold1 + 100 * kNsPerMs, out);
  bool saw2 = false;
  for (const auto& t : out)
    if (t.id == 2u && !saw2) {
      saw2 = true;
      EXPECT_EQ(t.first_scheduled_ns, hold1);
    }
  EXPECT_TRUE(saw2);
  // Request 2 holds the slot from hold1 until hold1 + its own hold.
  EXPECT_EQ(e.stats().running, e.hold_ns(7, 2) > 100 * kNsPerMs ? 1 : 0);
}

TEST(SimQueueEngine, HoldTimesAreExponentialWithTheAskedMean) {
  QueueEngine e(one_slot());
  double sum = 0;
  int beyond_200 = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double ms = double(e.hold_ns(3, uint64_t(i))) / kNsPerMs;
    sum += ms;
    beyond_200 += ms > 200.0;
  }
  // Mean 100 ms; the sample mean's standard error is 100 / sqrt(n) = 0.71 ms.
  EXPECT_NEAR(sum / n, 100.0, 4 * 100.0 / std::sqrt(double(n)));
  // The shape, not only the mean (a constant or a uniform hold has this mean
  // too): P(hold > 2 x mean) = e^-2 = 0.135; standard error 0.0024.
  EXPECT_NEAR(double(beyond_200) / n, std::exp(-2.0), 0.01);
}

TEST(SimQueueEngine, ProfileSelectsQueueModeAndChecksItsNumbers) {
  auto p = parse_sim_profile(
      "name: q\nmode: queue\nqueue: {slots: 4, service_mean_ms: 250, ttft_ms: 10, itl_ms: 2}\n",
      "q.yaml");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(p->mode, SimMode::kQueue);
  EXPECT_EQ(p->queue.slots, 4);
  EXPECT_DOUBLE_EQ(p->queue.service_mean_ms, 250);
  EXPECT_TRUE(validate_profile(*p).ok());
  auto bad = parse_sim_profile("name: q\nmode: queue\nqueue: {slots: 0}\n", "q.yaml");
  ASSERT_TRUE(bad.ok());
  auto st = validate_profile(*bad);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("queue.slots"), std::string::npos);
  auto typo = parse_sim_profile("name: q\nmode: queue\nqueue: {slot: 4}\n", "q.yaml");
  EXPECT_FALSE(typo.ok());
}

TEST(SimQueueEngine, AbortedWaitingRequestLeavesTheLine) {
  QueueEngine e(one_slot());
  e.submit({1, 10, 1, 1}, 0);
  e.submit({2, 10, 1, 1}, 0);
  EXPECT_EQ(e.stats().waiting, 1);
  e.abort(2, 0);
  EXPECT_EQ(e.stats().waiting, 0);
}

}  // namespace
}  // namespace l4lab::sim
