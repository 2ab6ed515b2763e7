#include "sim/batch_engine.h"

#include <gtest/gtest.h>

#include <map>

namespace l4lab::sim {
namespace {

struct Timeline {
  std::map<uint64_t, int64_t> first_token, finished;
  std::map<uint64_t, int> tokens;
  int max_waiting = 0;
};

// Drives the engine event by event (a fake clock) until it is idle.
Timeline drive(BatchEngine& e, int64_t limit_ns = int64_t(1e13)) {
  Timeline r;
  std::vector<TokenEmit> out;
  for (int64_t t = e.next_event_ns(); t != kNever && t < limit_ns; t = e.next_event_ns()) {
    r.max_waiting = std::max(r.max_waiting, e.stats().waiting);
    out.clear();
    e.advance(t, out);
    for (const auto& x : out) {
      if (!r.first_token.count(x.id)) r.first_token[x.id] = x.t_ns;
      r.tokens[x.id] += x.n_tokens;
      if (x.finished) r.finished[x.id] = x.t_ns;
    }
  }
  return r;
}

SimProfile small_profile() {
  SimProfile p;
  p.engine.max_model_len = 512;
  p.engine.max_num_batched_tokens = 256;
  p.engine.max_num_seqs = 8;
  p.costs.kv_capacity_tokens = 1024;
  return p;
}

TEST(SimBatchEngine, DerivedCostsFollowTheL4Roofline) {
  SimProfile p;
  auto d = derive_costs(p);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kv_bytes_per_token, 131072);
  EXPECT_NEAR(d->decode_base_ms, 14.496e9 / 255e9 * 1e3, 0.01);
  EXPECT_GT(d->kv_capacity_tokens, 35000);
  EXPECT_LT(d->kv_capacity_tokens, 50000);
  p.engine.kv_cache_dtype = "fp8";
  auto d8 = derive_costs(p);
  EXPECT_NEAR(double(d8->kv_capacity_tokens) / double(d->kv_capacity_tokens), 2.0, 0.01);
  p.engine.kv_cache_dtype = "auto";
  p.engine.quantization = "fp8";
  auto q = derive_costs(p);
  EXPECT_NEAR(q->decode_base_ms, d->decode_base_ms / 2, 0.01);
  EXPECT_GT(q->kv_capacity_tokens, d->kv_capacity_tokens);
  EXPECT_LT(q->compute_ms_per_token, d->compute_ms_per_token);
}

TEST(SimBatchEngine, EveryRequestGetsExactlyItsTokens) {
  SimProfile p = small_profile();
  BatchEngine e(p, *derive_costs(p));
  for (uint64_t i = 0; i < 20; ++i) e.submit({i, 100 + int(i), 5 + int(i % 7), i}, 0);
  Timeline r = drive(e);
  ASSERT_EQ(r.finished.size(), 20u);
  for (uint64_t i = 0; i < 20; ++i) EXPECT_EQ(r.tokens[i], 5 + int(i % 7)) << i;
  EXPECT_EQ(e.stats().kv_usage, 0);
  EXPECT_EQ(e.stats().running, 0);
}

TEST(SimBatchEngine, LoadBeyondKvCapacityWaitsAndTtftGrows) {
  SimProfile p = small_profile();
  p.engine.preemption = false;  // reserve prompt + output: 400 tokens -> 2 fit in 1024
  BatchEngine e(p, *derive_costs(p));
  for (uint64_t i = 0; i < 6; ++i) e.submit({i, 300, 100, i}, 0);
  Timeline r = drive(e);
  EXPECT_GT(r.max_waiting, 0);
  ASSERT_EQ(r.first_token.size(), 6u);
  EXPECT_GT(r.first_token[5], r.finished[0]);  // the last one started only after others left
}

TEST(SimBatchEngine, PreemptsWhenDecodeOutgrowsTheCache) {
  SimProfile p = small_profile();
  p.engine.max_num_batched_tokens = 1024;
  BatchEngine e(p, *derive_costs(p));
  for (uint64_t i = 0; i < 4; ++i) e.submit({i, 200, 200, i}, 0);  // 4 x 400 > 1024
  Timeline r = drive(e);
  EXPECT_GT(e.stats().preemptions, 0u);
  ASSERT_EQ(r.finished.size(), 4u);
  for (uint64_t i = 0; i < 4; ++i) EXPECT_EQ(r.tokens[i], 200);
}

TEST(SimBatchEngine, ChunkedPrefillLetsDecodesRunDuringALongPrompt) {
  auto itl_during_long_prompt = [](bool chunked) {
    SimProfile p;
    p.engine.enable_chunked_prefill = chunked;
    p.engine.max_num_batched_tokens = chunked ? 512 : 8192;
    BatchEngine e(p, *derive_costs(p));
    e.submit({1, 100, 400, 1}, 0);
    std::vector<TokenEmit> out;
    int64_t t = 0, last = -1, worst = 0;
    bool submitted = false;
    while ((t = e.next_event_ns()) != kNever) {
      out.clear();
      e.advance(t, out);
      for (const auto& x : out) {
        if (x.id != 1) continue;
        if (last >= 0) worst = std::max(worst, x.t_ns - last);
        last = x.t_ns;
      }
      if (last >= 0 && !submitted) {
        e.submit({2, 8000, 10, 2}, t);
        submitted = true;
      }
    }
    return worst;
  };
  EXPECT_LT(itl_during_long_prompt(true), itl_during_long_prompt(false));
}

TEST(SimBatchEngine, NgramSpeculationEmitsSeveralTokensPerStep) {
  SimProfile p;
  p.engine.speculative_config = R"({"method":"ngram","num_speculative_tokens":5})";
  p.ngram_mean_accepted_tokens = 2.0;
  BatchEngine e(p, *derive_costs(p));
  e.submit({1, 100, 301, 1}, 0);
  Timeline r = drive(e);
  EXPECT_EQ(r.tokens[1], 301);
  const auto st = e.stats();
  EXPECT_GT(st.spec_drafts, 0u);
  EXPECT_EQ(st.spec_accepted_tokens, 2 * st.spec_drafts);
  EXPECT_LT(st.steps, 120u);  // ~1 prefill + 100 decode steps, not 300
}

TEST(SimBatchEngine, SameSeedSameTimeline) {
  auto once = [] {
    SimProfile p = small_profile();
    BatchEngine e(p, *derive_costs(p));
    for (uint64_t i = 0; i < 10; ++i) e.submit({i, 50 + 10 * int(i), 20, 99}, 0);
    return drive(e).finished;
  };
  EXPECT_EQ(once(), once());
}

TEST(SimBatchEngine, AdditiveStepsAddMemoryAndCompute) {
  SimProfile p;
  auto d = derive_costs(p);
  BatchEngine roof(p, *d);
  p.step_model = StepModel::kAdditive;
  BatchEngine add(p, *d);
  const double mem = d->decode_base_ms + d->kv_read_ms_per_token * 1000;
  const double comp = d->compute_ms_per_token * 2048;
  EXPECT_NEAR(roof.step_ms(2048, 1000, 0, 1) - d->step_overhead_ms - d->per_seq_ms,
              std::max(mem, comp), 1e-9);
  EXPECT_NEAR(add.step_ms(2048, 1000, 0, 1) - d->step_overhead_ms - d->per_seq_ms, mem + comp,
              1e-9);
}

TEST(SimBatchEngine, AbortBeforeArrivalAtTheSchedulerLeavesNoTrace) {
  SimProfile p = small_profile();
  p.overheads.request_ms = 5;
  BatchEngine e(p, *derive_costs(p));
  e.submit({1, 50, 3, 1}, 0);
  e.submit({2, 50, 3, 2}, 0);
  EXPECT_EQ(e.next_event_ns(), 5'000'000);  // nothing before the hand-off
  e.abort(1, 1'000'000);
  Timeline r = drive(e);
  EXPECT_EQ(r.tokens.count(1), 0u);
  EXPECT_EQ(r.tokens[2], 3);
  EXPECT_EQ(e.stats().kv_usage, 0);
}

TEST(SimBatchEngine, HandOffGrowsWithTheRequestsAlreadyInTheEngine) {
  SimProfile p = small_profile();
  p.overheads.request_ms = 5;
  p.overheads.request_per_inflight_ms = 2;
  BatchEngine e(p, *derive_costs(p));
  e.submit({1, 50, 3, 1}, 0);  // none in the engine: 5 ms
  EXPECT_EQ(e.next_event_ns(), 5'000'000);
  e.submit({2, 50, 3, 2}, 0);  // one already there: 5 + 2 ms
  e.submit({3, 50, 3, 3}, 0);  // two: 5 + 4 ms
  std::vector<TokenEmit> out;
  e.advance(5'000'000, out);  // request 1 admitted; 2 and 3 still in hand-off
  EXPECT_EQ(e.stats().waiting + e.stats().running, 1);
  Timeline r = drive(e);
  EXPECT_EQ(r.tokens[1], 3);
  EXPECT_EQ(r.tokens[2], 3);
  EXPECT_EQ(r.tokens[3], 3);
}

TEST(SimBatchEngine, EagerModeAddsStepOverhead) {
  SimProfile p;
  auto base = derive_costs(p);
  p.engine.enforce_eager = true;
  auto eager = derive_costs(p);
  EXPECT_NEAR(eager->step_overhead_ms - base->step_overhead_ms, p.overheads.eager_extra_ms, 1e-9);
}

}  // namespace
}  // namespace l4lab::sim
