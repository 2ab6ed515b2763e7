#include "sim/exact_engine.h"

#include <gtest/gtest.h>

namespace l4lab::sim {
namespace {

constexpr int64_t kMs = 1'000'000;

TEST(SimExactEngine, EmitsOnAnAbsoluteSchedule) {
  ExactEngine e(50 * kMs, 10 * kMs);
  e.submit({1, 100, 3, 7}, 0);
  EXPECT_EQ(e.next_event_ns(), 50 * kMs);
  std::vector<TokenEmit> out;
  e.advance(49 * kMs, out);
  EXPECT_TRUE(out.empty());
  e.advance(50 * kMs + 200, out);  // a little late: still one token
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].n_tokens, 1);
  EXPECT_FALSE(out[0].finished);
  EXPECT_EQ(e.next_event_ns(), 60 * kMs);  // not shifted by the late wake-up
  out.clear();
  e.advance(70 * kMs, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].n_tokens, 2);  // two gaps overdue: coalesced, the last token
  EXPECT_TRUE(out[0].finished);
  EXPECT_EQ(e.next_event_ns(), kNever);
}

TEST(SimExactEngine, AbortedRequestsEmitNothing) {
  ExactEngine e(5 * kMs, 1 * kMs);
  e.submit({1, 10, 5, 0}, 0);
  e.submit({2, 10, 5, 0}, 0);
  e.abort(1, 0);
  std::vector<TokenEmit> out;
  e.advance(100 * kMs, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, 2u);
  EXPECT_EQ(out[0].n_tokens, 5);
}

}  // namespace
}  // namespace l4lab::sim
