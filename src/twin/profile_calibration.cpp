#include "twin/profile_calibration.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "metrics/percentile.h"

namespace l4lab::twin {

Result<CalibratedProfile> calibrate_profile(const CalibrationInputs& in) {
  CalibratedProfile out;
  sim::SimProfile p = in.base;
  const StepCostFit& f = in.fit;
  const auto& m = p.model;
  const bool fp8_kv = p.engine.kv_cache_dtype != "auto";
  const bool fp8_w = p.engine.quantization == "fp8";
  if (!(f.per_kv_token_ms > 0))
    return Error(fmt::format(
        "calibrate: the KV-read slope is {:.3g} ms per token, not positive: the runs do not "
        "identify memory bandwidth (a load with a wider range of context lengths would)",
        f.per_kv_token_ms));
  if (!(f.per_prefill_token_ms > 0))
    return Error(fmt::format(
        "calibrate: the prefill cost is {:.3g} ms per token, not positive: the runs do not "
        "identify compute throughput (prefill-dominated loads would)",
        f.per_prefill_token_ms));
  const double kv_bytes = 2.0 * m.layers * m.kv_heads * m.head_dim * (fp8_kv ? 1.0 : m.dtype_bytes);
  const double bw = kv_bytes / (f.per_kv_token_ms * 1e-3);  // bytes/s
  p.hardware.bandwidth_efficiency = bw / (p.hardware.memory_bandwidth_gbps * 1e9);
  const double weight_bytes = m.params * (fp8_w ? 1.0 : m.dtype_bytes);
  const double weights_ms = 1e3 * weight_bytes / bw;
  p.overheads.step_ms = f.per_step_ms - weights_ms;
  if (p.overheads.step_ms < 0) {
    out.notes.push_back(fmt::format(
        "the per-step intercept ({:.3f} ms) is below the weight read at the KV-fitted bandwidth "
        "({:.3f} ms): step_ms clamped to 0, so predicted decode steps are {:.3f} ms too slow",
        f.per_step_ms, weights_ms, -p.overheads.step_ms));
    p.overheads.step_ms = 0;
  }
  const double tflops = fp8_w ? p.hardware.tensor_tflops_fp8 : p.hardware.tensor_tflops_bf16;
  const double flops = 2.0 * m.params / (f.per_prefill_token_ms * 1e-3);
  p.hardware.compute_efficiency = flops / (tflops * 1e12);
  p.costs.attn_ms_per_token_pos = std::max(0.0, f.per_attn_pos_ms);
  if (f.per_attn_pos_ms < 0)
    out.notes.push_back(
        fmt::format("the attention term came out negative ({:.3g} ms per position): set to 0",
                    f.per_attn_pos_ms));
  p.overheads.per_seq_ms = f.per_seq_ms - f.per_prefill_token_ms;
  if (p.overheads.per_seq_ms < 0) {
    out.notes.push_back(
        fmt::format("per_seq_ms ({:.4f}) is below one token's compute ({:.4f}): clamped to 0",
                    f.per_seq_ms, f.per_prefill_token_ms));
    p.overheads.per_seq_ms = 0;
  }
  p.step_model = sim::StepModel::kAdditive;
  p.costs.decode_base_ms.reset();
  p.costs.prefill_ms_per_token.reset();
  p.costs.kv_capacity_tokens.reset();
  // Memory: total from the manifest, reserve from the log's split.
  const double gib = 1024.0 * 1024 * 1024;
  if (in.gpu_memory_total_mib) p.hardware.memory_gib = *in.gpu_memory_total_mib / 1024.0;
  if (in.facts.weights_gib && in.facts.kv_cache_memory_gib && in.gpu_memory_total_mib) {
    const double model_weights_gib = weight_bytes / gib;
    p.hardware.activation_reserve_gib = p.hardware.memory_gib * p.engine.gpu_memory_utilization -
                                        in.facts.weights_gib->value -
                                        in.facts.kv_cache_memory_gib->value;
    if (std::abs(model_weights_gib - in.facts.weights_gib->value) > 0.05 * model_weights_gib)
      out.notes.push_back(fmt::format(
          "the model shape gives {:.2f} GiB of weights, the log {:.2f} GiB ('{}'): the shape in "
          "the base profile may not be this model",
          model_weights_gib, in.facts.weights_gib->value, in.facts.weights_gib->line));
  } else {
    out.notes.push_back(
        "the log gave no weight/KV memory split or the manifest no GPU memory: KV capacity keeps "
        "the base profile's memory figures");
  }
  auto d = sim::derive_costs(p);
  if (!d) return d.error().context("calibrate");
  if (in.facts.kv_cache_tokens) {
    const double logged = in.facts.kv_cache_tokens->value;
    out.notes.push_back(fmt::format("KV capacity: model {} tokens, log {:.0f} ('{}'): {:+.2f}%",
                                    d->kv_capacity_tokens, logged, in.facts.kv_cache_tokens->line,
                                    100.0 * (double(d->kv_capacity_tokens) - logged) / logged));
  }
  out.profile = std::move(p);
  return out;
}

Status calibrate_fp8_weights(sim::SimProfile& p, const StepCostFit& f,
                             std::vector<std::string>& notes) {
  if (!(f.per_prefill_token_ms > 0))
    return Error(fmt::format(
        "calibrate: the fp8 runs' prefill cost is {:.3g} ms per token, not positive: they do not "
        "identify FP8 compute throughput",
        f.per_prefill_token_ms));
  const auto& m = p.model;
  const double bw = p.hardware.memory_bandwidth_gbps * 1e9 * p.hardware.bandwidth_efficiency;
  const double fp8_weights_ms = 1e3 * m.params * 1.0 / bw;
  p.overheads.fp8_weights_step_ms = f.per_step_ms - p.overheads.step_ms - fp8_weights_ms;
  if (p.overheads.step_ms + p.overheads.fp8_weights_step_ms < 0) {
    notes.push_back(fmt::format(
        "fp8: the per-step intercept ({:.3f} ms) is below the halved weight read ({:.3f} ms): "
        "fp8_weights_step_ms set so the fp8 step overhead is 0",
        f.per_step_ms, fp8_weights_ms));
    p.overheads.fp8_weights_step_ms = -p.overheads.step_ms;
  }
  p.hardware.compute_efficiency_fp8 =
      2.0 * m.params / (f.per_prefill_token_ms * 1e-3) / (p.hardware.tensor_tflops_fp8 * 1e12);
  notes.push_back(fmt::format(
      "fp8 weights: per-step intercept {:.3f} ms = step {:.3f} + halved weight read {:.3f} + "
      "fp8_weights_step_ms {:.3f}; compute_efficiency_fp8 {:.3f} of {:.0f} TFLOPS "
      "(BF16: {:.3f} of {:.0f})",
      f.per_step_ms, p.overheads.step_ms, fp8_weights_ms, p.overheads.fp8_weights_step_ms,
      *p.hardware.compute_efficiency_fp8, p.hardware.tensor_tflops_fp8,
      p.hardware.compute_efficiency, p.hardware.tensor_tflops_bf16));
  return Status::Ok();
}

Status calibrate_eager(sim::SimProfile& p, const StepCostFit& base_fit,
                       const StepCostFit& eager_fit, std::vector<std::string>& notes) {
  if (eager_fit.windows < kMinEagerWindows)
    return Error(fmt::format(
        "calibrate: the eager runs give {} fitting windows, fewer than the {} an eager_extra_ms "
        "fit needs (longer or more --enforce-eager runs would)",
        eager_fit.windows, kMinEagerWindows));
  const double extra = eager_fit.per_step_ms - base_fit.per_step_ms;
  if (!(extra >= 0))
    return Error(fmt::format(
        "calibrate: the eager runs' per-step intercept ({:.3f} ms) is below the base runs' "
        "({:.3f} ms): eager mode came out {:.3f} ms per step faster than CUDA graphs, which the "
        "model cannot charge (eager_extra_ms would be negative); check that the runs are "
        "comparable (same GPU, load and engine version)",
        eager_fit.per_step_ms, base_fit.per_step_ms, -extra));
  p.overheads.eager_extra_ms = extra;
  notes.push_back(fmt::format(
      "eager mode: per-step intercept {:.3f} ms (every slope held at the base fit's; {} windows, "
      "rms {:.1f}% of a window) - base {:.3f} ms = eager_extra_ms {:.3f}, charged once per step "
      "whatever the batch (no per-sequence eager term is fitted)",
      eager_fit.per_step_ms, eager_fit.windows, 100 * eager_fit.window_fit.rel_rms,
      base_fit.per_step_ms, extra));
  return Status::Ok();
}

std::optional<InflightSlope> fit_inflight_slope(
    const std::vector<std::pair<int, double>>& concurrency_implied_ms) {
  std::map<int, std::pair<double, int>> by_load;  // concurrency -> (sum, runs)
  for (const auto& [c, r] : concurrency_implied_ms) {
    by_load[c].first += r;
    ++by_load[c].second;
  }
  if (by_load.size() < 2) return std::nullopt;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = double(by_load.size());
  for (const auto& [c, acc] : by_load) {
    const double x = c - 1, y = acc.first / acc.second;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  InflightSlope out;
  out.loads = int(by_load.size());
  out.per_inflight_ms = std::max(0.0, (n * sxy - sx * sy) / (n * sxx - sx * sx));
  out.intercept_ms = std::max(0.0, (sy - out.per_inflight_ms * sx) / n);
  return out;
}

double fit_request_overhead_ms(const std::function<double(double)>& model_median_ttft_ms,
                               double measured_median_ttft_ms, double hi_ms, double tol_ms) {
  double lo = 0, hi = hi_ms;
  if (model_median_ttft_ms(lo) >= measured_median_ttft_ms) return 0;
  if (model_median_ttft_ms(hi) <= measured_median_ttft_ms) return hi;
  while (hi - lo > tol_ms) {
    const double mid = (lo + hi) / 2;
    (model_median_ttft_ms(mid) < measured_median_ttft_ms ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

}  // namespace l4lab::twin
