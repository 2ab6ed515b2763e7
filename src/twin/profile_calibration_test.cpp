#include "twin/profile_calibration.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l4lab::twin {
namespace {

CalibrationInputs h200_like() {
  CalibrationInputs in;
  in.base.hardware.memory_bandwidth_gbps = 4800;
  in.base.hardware.tensor_tflops_bf16 = 989;
  in.base.hardware.tensor_tflops_fp8 = 1979;
  in.fit.per_step_ms = 4.4;
  in.fit.per_seq_ms = 0.06;
  in.fit.per_kv_token_ms = 131072.0 / 4.08e12 * 1e3;  // 4.08 TB/s effective
  in.fit.per_prefill_token_ms = 0.0177;
  in.fit.per_attn_pos_ms = 1.2e-6;
  in.gpu_memory_total_mib = 143771;
  in.facts.weights_gib = analysis::EngineFact{13.51, "Model loading took 13.51 GiB"};
  in.facts.kv_cache_memory_gib = analysis::EngineFact{111.79, "Available KV cache memory"};
  in.facts.kv_cache_tokens = analysis::EngineFact{915744, "GPU KV cache size: 915,744 tokens"};
  in.base.engine.max_num_seqs = 64;
  return in;
}

TEST(TwinProfileCalibration, TurnsFittedCostsIntoPhysicalParameters) {
  auto c = calibrate_profile(h200_like());
  ASSERT_TRUE(c.ok()) << c.error().message();
  const auto& p = c->profile;
  EXPECT_NEAR(p.hardware.bandwidth_efficiency, 4.08 / 4.8, 1e-9);
  const double weights_ms = 7.248e9 * 2 / 4.08e12 * 1e3;
  EXPECT_NEAR(p.overheads.step_ms, 4.4 - weights_ms, 1e-9);
  EXPECT_NEAR(p.hardware.compute_efficiency, 2 * 7.248e9 / 0.0177e-3 / 989e12, 1e-9);
  EXPECT_NEAR(p.overheads.per_seq_ms, 0.06 - 0.0177, 1e-12);
  EXPECT_EQ(p.step_model, sim::StepModel::kAdditive);
  EXPECT_NEAR(p.hardware.activation_reserve_gib, 143771.0 / 1024 * 0.9 - 13.51 - 111.79, 1e-9);
  // The derived profile gives back the fitted decode intercept and the
  // log's KV capacity (within a block's rounding and the GiB rounding).
  auto d = sim::derive_costs(p);
  ASSERT_TRUE(d.ok());
  EXPECT_NEAR(d->step_overhead_ms + d->decode_base_ms, 4.4, 1e-9);
  EXPECT_NEAR(double(d->kv_capacity_tokens), 915744, 915744 * 0.001);
}

TEST(TwinProfileCalibration, Fp8WeightsHalveTheWeightReadOfTheCalibratedProfile) {
  auto c = calibrate_profile(h200_like());
  ASSERT_TRUE(c.ok());
  sim::SimProfile p = c->profile;
  auto bf16 = sim::derive_costs(p);
  p.engine.quantization = "fp8";
  auto fp8 = sim::derive_costs(p);
  ASSERT_TRUE(bf16.ok() && fp8.ok());
  EXPECT_NEAR(fp8->decode_base_ms, bf16->decode_base_ms / 2, 1e-9);
  EXPECT_GT(fp8->kv_capacity_tokens, bf16->kv_capacity_tokens);
  EXPECT_EQ(fp8->attn_ms_per_token_pos, bf16->attn_ms_per_token_pos);
}

TEST(TwinProfileCalibration, Fp8KnobFromAnFp8RunsFit) {
  auto c = calibrate_profile(h200_like());
  ASSERT_TRUE(c.ok());
  sim::SimProfile p = c->profile;
  StepCostFit f8 = h200_like().fit;
  const double halved_ms = 7.248e9 / 4.08e12 * 1e3;
  f8.per_step_ms = p.overheads.step_ms + halved_ms + 0.6;  // 0.6 ms the halving leaves
  f8.per_prefill_token_ms = 0.0177 / 1.35;                 // 1.35x, not 2x
  std::vector<std::string> notes;
  ASSERT_TRUE(calibrate_fp8_weights(p, f8, notes).ok());
  EXPECT_NEAR(p.overheads.fp8_weights_step_ms, 0.6, 1e-9);
  ASSERT_TRUE(p.hardware.compute_efficiency_fp8.has_value());
  EXPECT_NEAR(*p.hardware.compute_efficiency_fp8, 2 * 7.248e9 / (0.0177e-3 / 1.35) / 1979e12, 1e-9);
  ASSERT_EQ(notes.size(), 1u);
  // The knob acts only with --quantization fp8, and gives back the fp8 fit.
  auto bf16 = sim::derive_costs(p);
  p.engine.quantization = "fp8";
  auto fp8 = sim::derive_costs(p);
  ASSERT_TRUE(bf16.ok() && fp8.ok());
  EXPECT_NEAR(bf16->step_overhead_ms + bf16->decode_base_ms, 4.4, 1e-9);
  EXPECT_NEAR(fp8->step_overhead_ms + fp8->decode_base_ms, f8.per_step_ms, 1e-9);
  EXPECT_NEAR(fp8->compute_ms_per_token, 0.0177 / 1.35, 1e-12);
}

// Step intervals of a known engine: the C1-like costs, plus `eager_ms` per
// step; `batch0` shifts the batch sizes so base and eager runs differ in load.
std::vector<StepInterval> known_steps(double eager_ms, int batch0, int n = 2000) {
  std::vector<StepInterval> iv;
  for (int k = 0; k < n; ++k) {
    StepInterval s;
    s.decode_seqs = batch0 + k % 9;
    s.kv_tokens = 20000 + 137.0 * (k % 101) + 5000.0 * (k % 7);
    s.prefill_tokens = (k % 5 == 0) ? 2048 - s.decode_seqs : (k % 13 == 0 ? 300 : 0);
    s.attn_positions = s.prefill_tokens * (s.prefill_tokens / 2 + 500.0 * (k % 3));
    s.dt_ms = 4.4 + eager_ms + 0.06 * s.decode_seqs + 3.2e-5 * s.kv_tokens +
              0.0177 * s.prefill_tokens + 1.2e-6 * s.attn_positions;
    iv.push_back(s);
  }
  return iv;
}

// The eager runs' fit, as calibrate makes it: every slope held at the base fit's.
StepCostFit eager_fit_of(const std::vector<StepInterval>& iv, const StepCostFit& base) {
  auto f = fit_step_intercept(iv, 50,
                              FixedSlopes{base.per_seq_ms, base.per_kv_token_ms,
                                          base.per_prefill_token_ms, base.per_attn_pos_ms});
  EXPECT_TRUE(f.ok()) << f.error().message();
  return f.ok() ? *f : StepCostFit{};
}

TEST(TwinProfileCalibration, EagerExtraFromAnEagerRunsFitOfKnownSteps) {
  auto base = fit_step_costs(known_steps(0, 8), 50);
  ASSERT_TRUE(base.ok()) << base.error().message();
  // The eager runs at a larger batch: the held slopes keep the batch's cost
  // out of the intercept, so only the 12.5 ms per step is left in it.
  const StepCostFit eager = eager_fit_of(known_steps(12.5, 20), *base);
  auto c = calibrate_profile(h200_like());
  ASSERT_TRUE(c.ok());
  sim::SimProfile p = c->profile;
  std::vector<std::string> notes;
  ASSERT_TRUE(calibrate_eager(p, *base, eager, notes).ok());
  EXPECT_NEAR(p.overheads.eager_extra_ms, 12.5, 1e-6);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("once per step"), std::string::npos);
  EXPECT_NE(notes[0].find("12.500"), std::string::npos);
}

// What serve-sim charges an eager step is step_ms + eager_extra_ms + the
// weight read: it must give back the eager fit's intercept. The base fit's
// intercept (4.4) is not the profile's step_ms (4.4 less the weight read),
// so an eager extra taken from the eager intercept alone, or less step_ms,
// fails here.
TEST(TwinProfileCalibration, EagerExtraIsTheInterceptDifferenceTheModelCharges) {
  auto in = h200_like();
  auto c = calibrate_profile(in);
  ASSERT_TRUE(c.ok());
  sim::SimProfile p = c->profile;
  ASSERT_GT(std::abs(p.overheads.step_ms - in.fit.per_step_ms), 1.0);
  StepCostFit eager = in.fit;
  eager.per_step_ms = 16.9;
  eager.windows = 300;
  std::vector<std::string> notes;
  ASSERT_TRUE(calibrate_eager(p, in.fit, eager, notes).ok());
  EXPECT_NEAR(p.overheads.eager_extra_ms, 16.9 - 4.4, 1e-12);
  auto graphs = sim::derive_costs(p);
  p.engine.enforce_eager = true;
  auto eager_costs = sim::derive_costs(p);
  ASSERT_TRUE(graphs.ok() && eager_costs.ok());
  EXPECT_NEAR(graphs->step_overhead_ms + graphs->decode_base_ms, 4.4, 1e-9);
  EXPECT_NEAR(eager_costs->step_overhead_ms + eager_costs->decode_base_ms, 16.9, 1e-9);
  // Only the step overhead moves: eager mode keeps the base compute.
  EXPECT_EQ(eager_costs->compute_ms_per_token, graphs->compute_ms_per_token);
  EXPECT_EQ(eager_costs->per_seq_ms, graphs->per_seq_ms);
}

TEST(TwinProfileCalibration, RefusesAnEagerInterceptBelowTheBase) {
  auto in = h200_like();
  sim::SimProfile p = calibrate_profile(in)->profile;
  const double before = p.overheads.eager_extra_ms;
  StepCostFit eager = in.fit;
  eager.per_step_ms = 3.9;
  eager.windows = 300;
  std::vector<std::string> notes;
  auto st = calibrate_eager(p, in.fit, eager, notes);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("below the base"), std::string::npos);
  EXPECT_NE(st.error().message().find("0.500 ms per step faster"), std::string::npos);
  EXPECT_EQ(p.overheads.eager_extra_ms, before);  // untouched
  EXPECT_TRUE(notes.empty());
}

TEST(TwinProfileCalibration, RefusesAnEagerFitOfTooFewWindows) {
  auto base = fit_step_costs(known_steps(0, 8), 50);
  ASSERT_TRUE(base.ok());
  // 9 windows of real eager steps: the fit itself works, the rule refuses.
  const StepCostFit eager = eager_fit_of(known_steps(12.5, 8, 9 * 50), *base);
  ASSERT_EQ(eager.windows, kMinEagerWindows - 1);
  sim::SimProfile p = calibrate_profile(h200_like())->profile;
  std::vector<std::string> notes;
  auto st = calibrate_eager(p, *base, eager, notes);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("9 fitting windows"), std::string::npos);
  // One window more is enough.
  const StepCostFit enough = eager_fit_of(known_steps(12.5, 8, 10 * 50), *base);
  EXPECT_TRUE(calibrate_eager(p, *base, enough, notes).ok());
  EXPECT_NEAR(p.overheads.eager_extra_ms, 12.5, 1e-6);
}

TEST(TwinProfileCalibration, RefusesSlopesTheDataDidNotIdentify) {
  auto in = h200_like();
  in.fit.per_kv_token_ms = -1e-6;
  auto c = calibrate_profile(in);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message().find("KV-read slope"), std::string::npos);
}

TEST(TwinProfileCalibration, ClampsAnInterceptBelowTheWeightReadAndSaysSo) {
  auto in = h200_like();
  in.fit.per_step_ms = 1.0;
  auto c = calibrate_profile(in);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->profile.overheads.step_ms, 0);
  ASSERT_FALSE(c->notes.empty());
  EXPECT_NE(c->notes[0].find("clamped"), std::string::npos);
}

TEST(TwinProfileCalibration, InflightSlopeIsALineThroughEachLoadOnce) {
  // Three runs at 16 (averaged into one point), one at 1 and one at 64:
  // overhead = 14 + 0.9 x (concurrency - 1) exactly.
  auto s = fit_inflight_slope({{16, 27.5 - 3}, {1, 14}, {16, 27.5 + 3}, {16, 27.5}, {64, 70.7}});
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->loads, 3);
  EXPECT_NEAR(s->per_inflight_ms, 0.9, 1e-9);
  EXPECT_NEAR(s->intercept_ms, 14, 1e-9);
  // One load cannot tell a constant from a slope.
  EXPECT_FALSE(fit_inflight_slope({{16, 30}, {16, 40}}).has_value());
  EXPECT_FALSE(fit_inflight_slope({}).has_value());
  // A shrinking overhead is clamped to a constant, not a negative slope.
  auto down = fit_inflight_slope({{1, 40}, {32, 10}});
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->per_inflight_ms, 0);
  EXPECT_NEAR(down->intercept_ms, 25, 1e-9);
}

TEST(TwinProfileCalibration, RequestOverheadSolvesForTheMeasuredMedian) {
  // A model whose median TTFT grows faster than the overhead (queueing).
  auto model = [](double x) { return 48 + 1.4 * x; };
  EXPECT_NEAR(fit_request_overhead_ms(model, 99.4, 200), (99.4 - 48) / 1.4, 0.05);
  EXPECT_EQ(fit_request_overhead_ms(model, 40, 200), 0);     // even none is too slow
  EXPECT_EQ(fit_request_overhead_ms(model, 900, 200), 200);  // the bound is not enough
}

}  // namespace
}  // namespace l4lab::twin
