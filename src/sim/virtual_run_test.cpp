#include "sim/virtual_run.h"

#include <gtest/gtest.h>

#include "sim/batch_engine.h"

namespace l4lab::sim {
namespace {

SimProfile virtual_profile() {
  SimProfile p;
  p.engine.max_model_len = 512;
  p.engine.max_num_batched_tokens = 256;
  p.engine.max_num_seqs = 8;
  p.costs.kv_capacity_tokens = 2048;
  return p;
}

std::vector<VirtualRequest> some_requests(int n) {
  std::vector<VirtualRequest> rs;
  for (int i = 0; i < n; ++i)
    rs.push_back({40 + 17 * (i % 9), 5 + i % 11, uint64_t(i), int64_t(i) * 7'000'000});
  return rs;
}

int tokens_of(const RequestTimeline& tl) {
  int n = 0;
  for (const auto& [t, k] : tl.emits) n += k;
  return n;
}

TEST(SimVirtualRun, ClosedLoopServesEveryRequestItsTokens) {
  const auto rs = some_requests(40);
  auto r = run_virtual(virtual_profile(), rs, VirtualClient{4, false, 0});
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->requests.size(), rs.size());
  for (size_t i = 0; i < rs.size(); ++i) {
    EXPECT_TRUE(r->requests[i].finished) << i;
    EXPECT_EQ(tokens_of(r->requests[i]), rs[i].output_tokens) << i;
  }
  for (const auto& s : r->scrapes) EXPECT_LE(s.running + s.waiting, 4);
  EXPECT_EQ(r->final_stats.running, 0);
}

TEST(SimVirtualRun, ClosedLoopSendsTheNextRequestWhenOneEnds) {
  const auto rs = some_requests(3);
  auto r = run_virtual(virtual_profile(), rs, VirtualClient{1, false, 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->requests[0].arrival_ns, 0);
  EXPECT_EQ(r->requests[1].arrival_ns, r->requests[0].emits.back().first);
  EXPECT_EQ(r->requests[2].arrival_ns, r->requests[1].emits.back().first);
}

TEST(SimVirtualRun, SameInputsSameTimelines) {
  const auto rs = some_requests(30);
  auto a = run_virtual(virtual_profile(), rs, VirtualClient{0, true, 0});
  auto b = run_virtual(virtual_profile(), rs, VirtualClient{0, true, 0});
  ASSERT_TRUE(a.ok() && b.ok());
  for (size_t i = 0; i < rs.size(); ++i) EXPECT_EQ(a->requests[i].emits, b->requests[i].emits);
}

TEST(SimVirtualRun, RequestOverheadDelaysTheFirstStepOfAnIdleEngine) {
  SimProfile p = virtual_profile();
  const std::vector<VirtualRequest> one = {{100, 3, 1, 0}};
  auto base = run_virtual(p, one, VirtualClient{1, false, 0});
  p.overheads.request_ms = 12.5;
  auto late = run_virtual(p, one, VirtualClient{1, false, 0});
  ASSERT_TRUE(base.ok() && late.ok());
  EXPECT_EQ(late->requests[0].emits.front().first - base->requests[0].emits.front().first,
            12'500'000);
  EXPECT_EQ(late->requests[0].first_scheduled_ns, 12'500'000);
}

TEST(SimVirtualRun, HandOffGrowsWithTheRequestsInTheEngine) {
  SimProfile p = virtual_profile();
  p.overheads.request_per_inflight_ms = 2;
  const std::vector<VirtualRequest> three = {{100, 3, 0, 0}, {100, 3, 0, 0}, {100, 3, 0, 0}};
  auto v = run_virtual(p, three, VirtualClient{});
  ASSERT_TRUE(v.ok()) << v.error().message();
  EXPECT_EQ(v->requests[0].first_scheduled_ns, 0);
  EXPECT_GE(v->requests[1].first_scheduled_ns, 2'000'000);  // one already in the engine
  EXPECT_GE(v->requests[2].first_scheduled_ns, 4'000'000);  // two
}

TEST(SimVirtualRun, RefusesRequestsLongerThanTheContext) {
  auto r = run_virtual(virtual_profile(), {{500, 20, 0, 0}}, VirtualClient{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("request 0"), std::string::npos);
}

// The clock rule behind the equivalence of the two clocks: the engine's
// timeline does not depend on how often or how late advance() is called,
// only on the submit times.
TEST(SimVirtualRun, EngineTimelineDoesNotDependOnWakeUps) {
  auto run = [](int64_t wake_every_ns) {
    SimProfile p = virtual_profile();
    p.overheads.request_ms = 3;
    auto d = derive_costs(p);
    EngineDriver drv(std::make_unique<BatchEngine>(p, *d));
    std::vector<TokenEmit> out, all;
    const auto rs = some_requests(25);
    int64_t now = 0;
    size_t next = 0;
    while (next < rs.size() || drv.next_event_ns() != kNever) {
      // Late, coarse wake-ups: the server's timer at its worst.
      now += wake_every_ns;
      while (next < rs.size() && rs[next].arrival_ns <= now) {
        drv.submit({next, rs[next].prompt_tokens, rs[next].output_tokens, 0}, rs[next].arrival_ns,
                   out);
        ++next;
      }
      drv.advance(now, out);
    }
    return out;
  };
  const auto fine = run(1'000);
  const auto coarse = run(997'000);
  ASSERT_EQ(fine.size(), coarse.size());
  for (size_t i = 0; i < fine.size(); ++i) {
    EXPECT_EQ(fine[i].id, coarse[i].id) << i;
    EXPECT_EQ(fine[i].t_ns, coarse[i].t_ns) << i;
    EXPECT_EQ(fine[i].n_tokens, coarse[i].n_tokens) << i;
  }
}

}  // namespace
}  // namespace l4lab::sim
