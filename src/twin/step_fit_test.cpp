#include "twin/step_fit.h"

#include <gtest/gtest.h>

#include "sim/virtual_run.h"

namespace l4lab::twin {
namespace {

TEST(TwinStepFit, RecoversKnownCostsFromWindows) {
  std::vector<StepInterval> iv;
  for (int k = 0; k < 3000; ++k) {
    StepInterval s;
    s.decode_seqs = 8 + k % 9;
    s.kv_tokens = 20000 + 137.0 * (k % 101) + 5000.0 * (k % 7);
    s.prefill_tokens = (k % 5 == 0) ? 2048 - s.decode_seqs : (k % 13 == 0 ? 300 : 0);
    s.attn_positions = s.prefill_tokens * (s.prefill_tokens / 2 + 500.0 * (k % 3));
    s.dt_ms = 4.4 + 0.06 * s.decode_seqs + 3.2e-5 * s.kv_tokens + 0.0177 * s.prefill_tokens +
              1.2e-6 * s.attn_positions;
    iv.push_back(s);
  }
  iv[1234] = StepInterval{};  // idle: its window is left out
  auto f = fit_step_costs(iv, 50);
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_EQ(f->windows, 59);
  EXPECT_NEAR(f->per_step_ms, 4.4, 1e-6);
  EXPECT_NEAR(f->per_seq_ms, 0.06, 1e-7);
  EXPECT_NEAR(f->per_kv_token_ms, 3.2e-5, 1e-10);
  EXPECT_NEAR(f->per_prefill_token_ms, 0.0177, 1e-8);
  EXPECT_NEAR(f->per_attn_pos_ms, 1.2e-6, 1e-11);
  EXPECT_GT(f->decode_steps, 0);
  EXPECT_NEAR(f->decode_fit.coef[0], 4.4, 1e-6);
}

// 1000 step intervals whose time is exactly per_step_ms + 0.07 ms per sequence
// + 3e-5 ms per KV token + 0.013 ms per prefill token + 1e-6 ms per attention
// position.
std::vector<StepInterval> known_cost_steps(double per_step_ms) {
  std::vector<StepInterval> iv;
  for (int k = 0; k < 1000; ++k) {
    StepInterval s;
    s.decode_seqs = 8 + k % 9;
    s.kv_tokens = 20000 + 137.0 * (k % 101);
    s.prefill_tokens = (k * 7919) % 11 == 0 ? 300 + (k * 31) % 1700 : 0;
    s.attn_positions = s.prefill_tokens * (s.prefill_tokens / 2 + 100.0 * (k % 17));
    s.dt_ms = per_step_ms + 0.07 * s.decode_seqs + 3e-5 * s.kv_tokens + 0.013 * s.prefill_tokens +
              1e-6 * s.attn_positions;
    iv.push_back(s);
  }
  return iv;
}

TEST(TwinStepFit, HoldsGivenDecodeSlopesAndFitsTheRest) {
  const auto iv = known_cost_steps(2.5);
  auto f = fit_step_costs(iv, 50, FixedDecodeSlopes{0.07, 3e-5});
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_NEAR(f->per_step_ms, 2.5, 1e-6);
  EXPECT_NEAR(f->per_prefill_token_ms, 0.013, 1e-9);
  EXPECT_NEAR(f->per_attn_pos_ms, 1e-6, 1e-11);
  EXPECT_EQ(f->per_seq_ms, 0.07);
  // Held at the wrong values, the intercept absorbs the difference.
  auto g = fit_step_costs(iv, 50, FixedDecodeSlopes{0.0, 3e-5});
  ASSERT_TRUE(g.ok());
  EXPECT_GT(g->per_step_ms, 2.5 + 0.07 * 8);
}

TEST(TwinStepFit, HoldsEverySlopeAndFitsTheIntercept) {
  const auto iv = known_cost_steps(15);
  auto f = fit_step_intercept(iv, 50, FixedSlopes{0.07, 3e-5, 0.013, 1e-6});
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_EQ(f->windows, 20);
  EXPECT_NEAR(f->per_step_ms, 15, 1e-9);
  EXPECT_EQ(f->per_prefill_token_ms, 0.013);
  EXPECT_NEAR(f->window_fit.rms, 0, 1e-9);
  // A prefill cost held too low: the intercept takes the rest, per step.
  auto g = fit_step_intercept(iv, 50, FixedSlopes{0.07, 3e-5, 0.0, 1e-6});
  ASSERT_TRUE(g.ok());
  EXPECT_GT(g->per_step_ms, 15.5);
}

TEST(TwinStepFit, TooFewWindowsIsAnError) {
  std::vector<StepInterval> iv(60);
  for (auto& s : iv) s.decode_seqs = 1, s.dt_ms = 5;
  auto f = fit_step_costs(iv, 50);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message().find("1 windows"), std::string::npos);
}

// The loop closed on a known engine: serve-sim (additive steps) produces
// traces; reconstructing its steps and fitting them gives its costs back.
TEST(TwinStepFit, RecoversTheCostsOfASimulatedEngineFromItsTraces) {
  sim::SimProfile p;
  p.step_model = sim::StepModel::kAdditive;
  p.engine.max_num_seqs = 64;
  p.costs.decode_base_ms = 4.0;
  p.costs.kv_capacity_tokens = 400000;  // no preemption
  p.costs.prefill_ms_per_token = 0.02;
  p.costs.attn_ms_per_token_pos = 1e-6;
  p.overheads.step_ms = 0.4;
  p.overheads.per_seq_ms = 0.05;
  auto d = sim::derive_costs(p);
  ASSERT_TRUE(d.ok());
  std::vector<sim::VirtualRequest> rs;
  for (int i = 0; i < 600; ++i)
    rs.push_back({100 + (i * 7919) % 3000, 32 + (i * 31) % 200, uint64_t(i), 0});
  auto v = sim::run_virtual(p, rs, {16, false, 0});
  ASSERT_TRUE(v.ok()) << v.error().message();
  std::vector<MeasuredRequest> traces;
  for (const auto& tl : v->requests) {
    MeasuredRequest m;
    m.prompt_tokens = tl.prompt_tokens;
    m.t_sent_ns = m.t_first_byte_ns = tl.arrival_ns;
    m.chunks = tl.emits;
    m.t_first_token_ns = tl.emits.front().first;
    m.t_end_ns = tl.emits.back().first;
    traces.push_back(m);
  }
  auto iv = reconstruct_steps(traces, {100'000, p.engine.max_num_batched_tokens});
  auto f = fit_step_costs(iv, 50);
  ASSERT_TRUE(f.ok()) << f.error().message();
  // The model charges decode tokens compute too, and KV reads of prefill
  // chunks; the fit's per_seq absorbs the first.
  EXPECT_NEAR(f->per_step_ms, 0.4 + 4.0, 0.25);
  EXPECT_NEAR(f->per_seq_ms, 0.05 + 0.02, 0.01);
  EXPECT_NEAR(f->per_kv_token_ms, d->kv_read_ms_per_token, 0.15 * d->kv_read_ms_per_token);
  EXPECT_NEAR(f->per_prefill_token_ms, 0.02, 0.002);
  EXPECT_LT(f->window_fit.rel_rms, 0.02);
}

}  // namespace
}  // namespace l4lab::twin
