// From a step-cost fit and a run's start-up facts to a serve-sim profile
// (pure). The fitted costs are turned back into the profile's physical
// quantities so that the knobs the profile models still act on them
// (fp8 weights halve the weight read, fp8 KV halves the KV bytes, ...):
//   bandwidth_efficiency: KV bytes per token / per_kv_token time, over the
//     datasheet bandwidth (the KV slope is the one term whose bytes are known
//     exactly);
//   step_ms: the per-step intercept less the weight read at that bandwidth;
//   compute_efficiency: 2 x params FLOPs / per_prefill_token time, over the
//     datasheet tensor throughput of the run's weight dtype;
//   attn_ms_per_token_pos: the fitted attention term, as is (attention runs
//     in the activations' dtype whatever the weights');
//   per_seq_ms: per_seq less one token's compute (the additive step model
//     charges every computed token);
//   memory_gib, activation_reserve_gib: from the GPU's total memory and the
//     log's weight and KV-cache memory, so KV capacity follows the weights.
// Every parameter that had to be clamped, and every cross-check against the
// log, becomes a note.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/engine_log_facts.h"
#include "common/result.h"
#include "sim/sim_profile.h"
#include "twin/step_fit.h"

namespace l4lab::twin {

struct CalibrationInputs {
  sim::SimProfile base;  // datasheet hardware + model shape, engine args of the fitted run
  StepCostFit fit;
  analysis::EngineLogFacts facts;
  std::optional<double> gpu_memory_total_mib;  // run_manifest gpu.mem_total_mib
};

struct CalibratedProfile {
  sim::SimProfile profile;         // step_model additive; request_ms not set here
  std::vector<std::string> notes;  // clamps and cross-checks, one sentence each
};

Result<CalibratedProfile> calibrate_profile(const CalibrationInputs& in);

// The fp8-weights knob (--quantization fp8), from a step fit of fp8 runs of
// the same engine settings, on a profile already calibrated on the BF16 runs:
//   overheads.fp8_weights_step_ms: the fp8 per-step intercept less the BF16
//     step overhead and the halved weight read at the BF16-fitted bandwidth
//     (what halving the weight read does not remove);
//   hardware.compute_efficiency_fp8: 2 x params FLOPs / the fp8 per-prefill-
//     token time, over the datasheet FP8 tensor throughput.
// Appends a note per parameter to `notes`.
Status calibrate_fp8_weights(sim::SimProfile& p, const StepCostFit& fp8_fit,
                             std::vector<std::string>& notes);

// Eager mode (--enforce-eager), from a step fit of eager runs of the same
// engine settings with every slope held at the base fit's (fit_step_intercept),
// on a profile already calibrated on the base runs:
//   overheads.eager_extra_ms: the eager per-step intercept less the base
//     fit's per-step intercept.
// serve-sim charges eager_extra_ms once per step, whatever the batch or the
// tokens in it, and changes nothing else in eager mode (sim::derive_costs:
// step_overhead_ms), so the intercept difference is exactly the term it adds
// and the held slopes are exactly the costs it keeps. No per-sequence eager
// term: runs at one load cannot tell it from a per-step one.
// Refused: a fit over fewer than kMinEagerWindows windows, or an eager
// intercept below the base's (eager mode faster per step than CUDA graphs).
// Appends a note to `notes`.
inline constexpr int kMinEagerWindows = 10;
Status calibrate_eager(sim::SimProfile& p, const StepCostFit& base_fit,
                       const StepCostFit& eager_fit, std::vector<std::string>& notes);

// The hand-off slope: given, per fitted run, its concurrency and the
// request overhead that alone matches its median TTFT (bisection with no
// slope), the line overhead = intercept + per_inflight x (concurrency - 1)
// through the loads (each concurrency once, its runs averaged; a closed-loop
// client finds concurrency - 1 requests in the engine when it sends). The
// slope is clamped at 0. nullopt with fewer than two concurrencies: one load
// cannot tell a constant from a growing hand-off.
struct InflightSlope {
  double intercept_ms = 0;
  double per_inflight_ms = 0;
  int loads = 0;
};
std::optional<InflightSlope> fit_inflight_slope(
    const std::vector<std::pair<int, double>>& concurrency_implied_ms);

// The per-request overhead (arrival to scheduler, plus the client's view of
// the first token) that makes the model's median TTFT equal the measured
// one. `model_median_ttft_ms(x)` replays the runs with overhead x; it grows
// with x (a later arrival at the scheduler never makes a first token come
// earlier relative to its send), so bisection over [0, hi_ms] finds it to
// within tol_ms. Returns 0 when even no overhead is too slow, hi_ms when
// hi_ms is not enough.
double fit_request_overhead_ms(const std::function<double(double)>& model_median_ttft_ms,
                               double measured_median_ttft_ms, double hi_ms, double tol_ms = 0.05);

}  // namespace l4lab::twin
