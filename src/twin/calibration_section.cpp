#include "twin/calibration_section.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

#include "common/version.h"

namespace l4lab::twin {
namespace {

void emit_sources(YAML::Emitter& y, const std::vector<RunEvidence>& fitted,
                  const std::vector<RunEvidence>& held) {
  y << YAML::Key << "sources" << YAML::Value << YAML::BeginSeq;
  for (const auto* list : {&fitted, &held})
    for (const auto& ev : *list) {
      y << YAML::BeginMap << YAML::Key << "run" << YAML::Value << ev.dir << YAML::Key << "config"
        << YAML::Value << ev.config_name << YAML::Key << "trial" << YAML::Value << ev.trial
        << YAML::Key << "used_for" << YAML::Value << (list == &fitted ? "fit" : "validation")
        << YAML::Key << "requests" << YAML::Value << ev.requests.size() << YAML::Key << "files"
        << YAML::Value << YAML::BeginSeq;
      for (const auto& f : ev.sources)
        y << YAML::Flow << YAML::BeginMap << YAML::Key << "path" << YAML::Value << f.path
          << YAML::Key << "sha256" << YAML::Value << f.sha256 << YAML::EndMap;
      y << YAML::EndSeq << YAML::EndMap;
    }
  y << YAML::EndSeq;
}

void emit_fit(YAML::Emitter& y, const StepCostFit& f, int window,
              const RequestOverheadFit& request) {
  y << YAML::Key << "fit" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "model" << YAML::Value
    << "step_ms = per_step + per_seq*decode_seqs + per_kv_token*kv_tokens + "
       "per_prefill_token*prefill_tokens + per_attn_pos*attn_positions, least squares over "
       "windows of consecutive steps";
  y << YAML::Key << "window_intervals" << YAML::Value << window;
  y << YAML::Key << "windows" << YAML::Value << f.windows;
  y << YAML::Key << "step_intervals" << YAML::Value << f.intervals_used;
  y << YAML::Key << "coefficients" << YAML::Value << YAML::BeginMap << YAML::Key << "per_step_ms"
    << YAML::Value << f.per_step_ms << YAML::Key << "per_seq_ms" << YAML::Value << f.per_seq_ms
    << YAML::Key << "per_kv_token_ms" << YAML::Value << f.per_kv_token_ms << YAML::Key
    << "per_prefill_token_ms" << YAML::Value << f.per_prefill_token_ms << YAML::Key
    << "per_attn_pos_ms" << YAML::Value << f.per_attn_pos_ms << YAML::EndMap;
  y << YAML::Key << "residuals" << YAML::Value << YAML::BeginMap << YAML::Key << "window_rms_ms"
    << YAML::Value << f.window_fit.rms << YAML::Key << "window_rel_rms" << YAML::Value
    << f.window_fit.rel_rms << YAML::Key << "r2" << YAML::Value << f.window_fit.r2 << YAML::EndMap;
  y << YAML::Key << "decode_only_check" << YAML::Value << YAML::BeginMap << YAML::Key << "steps"
    << YAML::Value << f.decode_steps;
  if (f.decode_steps > 0)
    y << YAML::Key << "per_step_ms" << YAML::Value << f.decode_fit.coef[0] << YAML::Key
      << "per_seq_ms" << YAML::Value << f.decode_fit.coef[1] << YAML::Key << "per_kv_token_ms"
      << YAML::Value << f.decode_fit.coef[2] << YAML::Key << "rms_ms" << YAML::Value
      << f.decode_fit.rms << YAML::Key << "rel_rms" << YAML::Value << f.decode_fit.rel_rms;
  y << YAML::EndMap;
  y << YAML::Key << "request_ms" << YAML::Value << YAML::BeginMap << YAML::Key << "value"
    << YAML::Value << request.request_ms << YAML::Key << "from" << YAML::Value
    << fmt::format(
           "bisection ({} replays) to the measured median TTFT {:.2f} ms of {} measured requests",
           request.replays, request.measured_median_ms, request.measured_requests);
  if (request.per_inflight_ms != 0) {
    y << YAML::Key << "per_inflight_ms" << YAML::Value << request.per_inflight_ms;
    y << YAML::Key << "per_inflight_from" << YAML::Value
      << "a line through each concurrency's own request_ms (its runs' mean; x = concurrency - 1, "
         "the requests a closed-loop client finds in the engine), slope clamped at 0; the "
         "intercept above is then bisected with this slope held";
    y << YAML::Key << "implied_by_run" << YAML::Value << YAML::BeginSeq;
    for (const auto& [c, r] : request.implied_by_run)
      y << YAML::Flow << YAML::BeginMap << YAML::Key << "concurrency" << YAML::Value << c
        << YAML::Key << "request_ms" << YAML::Value << r << YAML::EndMap;
    y << YAML::EndSeq;
  }
  y << YAML::EndMap << YAML::EndMap;
}

void emit_fp8_fit(YAML::Emitter& y, const StepCostFit& f8, const std::string& config) {
  y << YAML::Key << "fp8_weights_fit" << YAML::Value << YAML::BeginMap << YAML::Key << "config"
    << YAML::Value << config << YAML::Key << "held" << YAML::Value
    << "per_seq_ms and per_kv_token_ms held at the base fit's values" << YAML::Key << "windows"
    << YAML::Value << f8.windows << YAML::Key << "coefficients" << YAML::Value << YAML::BeginMap
    << YAML::Key << "per_step_ms" << YAML::Value << f8.per_step_ms << YAML::Key << "per_seq_ms"
    << YAML::Value << f8.per_seq_ms << YAML::Key << "per_kv_token_ms" << YAML::Value
    << f8.per_kv_token_ms << YAML::Key << "per_prefill_token_ms" << YAML::Value
    << f8.per_prefill_token_ms << YAML::Key << "per_attn_pos_ms" << YAML::Value
    << f8.per_attn_pos_ms << YAML::EndMap << YAML::Key << "residuals" << YAML::Value
    << YAML::BeginMap << YAML::Key << "window_rms_ms" << YAML::Value << f8.window_fit.rms
    << YAML::Key << "window_rel_rms" << YAML::Value << f8.window_fit.rel_rms << YAML::Key << "r2"
    << YAML::Value << f8.window_fit.r2 << YAML::EndMap << YAML::EndMap;
}

// The eager knob's fit, its runs, and the figure it gives.
void emit_eager_fit(YAML::Emitter& y, const StepCostFit& eg, const StepCostFit& base,
                    const std::string& config, const std::vector<RunEvidence>& fitted) {
  y << YAML::Key << "eager_fit" << YAML::Value << YAML::BeginMap << YAML::Key << "config"
    << YAML::Value << config << YAML::Key << "runs" << YAML::Value << YAML::BeginSeq;
  for (const auto& ev : fitted)
    if (ev.config_name == config) y << ev.dir;
  y << YAML::EndSeq << YAML::Key << "held" << YAML::Value
    << "every slope held at the base fit's values; only per_step_ms fitted" << YAML::Key
    << "windows" << YAML::Value << eg.windows << YAML::Key << "coefficients" << YAML::Value
    << YAML::BeginMap << YAML::Key << "per_step_ms" << YAML::Value << eg.per_step_ms << YAML::Key
    << "per_seq_ms" << YAML::Value << eg.per_seq_ms << YAML::Key << "per_kv_token_ms" << YAML::Value
    << eg.per_kv_token_ms << YAML::Key << "per_prefill_token_ms" << YAML::Value
    << eg.per_prefill_token_ms << YAML::Key << "per_attn_pos_ms" << YAML::Value
    << eg.per_attn_pos_ms << YAML::EndMap << YAML::Key << "residuals" << YAML::Value
    << YAML::BeginMap << YAML::Key << "window_rms_ms" << YAML::Value << eg.window_fit.rms
    << YAML::Key << "window_rel_rms" << YAML::Value << eg.window_fit.rel_rms
    << YAML::EndMap;  // no r2: one fitted column explains no variance between windows
  y << YAML::Key << "eager_extra_ms" << YAML::Value << YAML::BeginMap << YAML::Key << "value"
    << YAML::Value << eg.per_step_ms - base.per_step_ms << YAML::Key << "from" << YAML::Value
    << "the eager per_step_ms less the base fit's per_step_ms; charged once per step (no "
       "per-sequence eager term)"
    << YAML::EndMap << YAML::EndMap;
}

void emit_identifies(YAML::Emitter& y, bool fp8, bool eager, bool per_inflight) {
  y << YAML::Key << "identifies" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "hardware.bandwidth_efficiency" << YAML::Value
    << "per_kv_token_ms (decode steps growing with the context they read; KV bytes per token "
       "known from the model shape)";
  y << YAML::Key << "overheads.step_ms" << YAML::Value
    << "per_step_ms less the weight read at that bandwidth (not separable from the weight read "
       "with one weight dtype; runs of two weight dtypes would check it)";
  y << YAML::Key << "overheads.per_seq_ms" << YAML::Value
    << "per_seq_ms (decode steps growing with batch size) less one token's compute";
  y << YAML::Key << "hardware.compute_efficiency" << YAML::Value
    << "per_prefill_token_ms (steps growing with the prompt tokens packed into them)";
  y << YAML::Key << "costs.attn_ms_per_token_pos" << YAML::Value
    << "per_attn_pos_ms (prefill steps growing with prompt position); weakly identified by "
       "runs whose prompts are mostly short";
  y << YAML::Key << "overheads.request_ms" << YAML::Value
    << "the TTFT left after queueing and prefill are modelled";
  if (per_inflight)
    y << YAML::Key << "overheads.request_per_inflight_ms" << YAML::Value
      << "how that TTFT residue grows with the concurrency of the fitted runs (needs runs at two "
         "or more concurrencies)";
  if (fp8) {
    y << YAML::Key << "overheads.fp8_weights_step_ms" << YAML::Value
      << "the fp8 runs' per-step intercept less the step overhead and the halved weight read";
    y << YAML::Key << "hardware.compute_efficiency_fp8" << YAML::Value
      << "the fp8 runs' per_prefill_token_ms, over the datasheet FP8 tensor throughput";
  }
  if (eager)
    y << YAML::Key << "overheads.eager_extra_ms" << YAML::Value
      << "the eager runs' per-step intercept (every slope held) less the base runs'; a "
         "per-sequence eager term is identified only by eager runs at more than one load";
  y << YAML::Key << "hardware.activation_reserve_gib" << YAML::Value
    << "engine.log: GPU memory x utilisation - weights - KV cache memory";
  y << YAML::EndMap;
}

// The largest |error| per metric over the runs `pick` selects.
template <typename Pick>
void emit_worst(YAML::Emitter& y, const std::vector<ScoredRun>& scored, Pick pick) {
  y << YAML::BeginMap;
  for (size_t k = 0; k < scored[0].rows.size(); ++k) {
    double w = std::nan("");
    for (const auto& s : scored) {
      if (!pick(s)) continue;
      const double e = s.rows[k].rel_error;
      if (!std::isnan(e) && (std::isnan(w) || std::abs(e) > std::abs(w))) w = e;
    }
    if (!std::isnan(w)) y << YAML::Key << scored[0].rows[k].metric << YAML::Value << w;
  }
  y << YAML::EndMap;
}

void emit_scored_runs(YAML::Emitter& y, const std::vector<ScoredRun>& scored) {
  y << YAML::Key << "runs" << YAML::Value << YAML::BeginSeq;
  for (const auto& s : scored) {
    y << YAML::BeginMap << YAML::Key << "run" << YAML::Value << s.run->dir << YAML::Key
      << "held_out" << YAML::Value << s.held_out << YAML::Key << "kv_capacity_tokens" << YAML::Value
      << YAML::Flow << YAML::BeginMap << YAML::Key << "predicted" << YAML::Value
      << s.kv_capacity_model << YAML::Key << "engine_log" << YAML::Value << s.kv_capacity_log
      << YAML::EndMap << YAML::Key << "unmodelled_flags" << YAML::Value << YAML::Flow
      << s.unmodelled << YAML::Key << "metrics" << YAML::Value << YAML::BeginMap;
    for (const auto& r : s.rows) {
      y << YAML::Key << r.metric << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
        << "measured" << YAML::Value << r.measured << YAML::Key << "predicted" << YAML::Value
        << r.predicted;
      if (!std::isnan(r.rel_error)) y << YAML::Key << "rel_error" << YAML::Value << r.rel_error;
      y << YAML::EndMap;
    }
    y << YAML::EndMap << YAML::EndMap;
  }
  y << YAML::EndSeq;
}

void emit_validation(YAML::Emitter& y, const std::vector<ScoredRun>& scored,
                     const std::string& fitted_config) {
  y << YAML::Key << "validation" << YAML::Value << YAML::BeginMap;
  bool same_held = false;
  for (const auto& s : scored)
    same_held = same_held || (s.held_out && s.run->config_name == fitted_config);
  y << YAML::Key << "note" << YAML::Value
    << (same_held ? "relative_error: the largest error over the held-out runs of " + fitted_config +
                        "; relative_error_by_config: over the held-out runs of each other "
                        "configuration; (predicted - measured) / measured"
                  : "relative_error: IN SAMPLE (no run of " + fitted_config +
                        " was held out); relative_error_by_config: held-out runs of other "
                        "configurations; (predicted - measured) / measured");
  y << YAML::Key << "relative_error" << YAML::Value;
  emit_worst(y, scored, [&](const ScoredRun& s) {
    return s.run->config_name == fitted_config && s.held_out == same_held;
  });
  std::vector<std::string> others;
  for (const auto& s : scored)
    if (s.held_out && s.run->config_name != fitted_config &&
        std::find(others.begin(), others.end(), s.run->config_name) == others.end())
      others.push_back(s.run->config_name);
  y << YAML::Key << "relative_error_by_config" << YAML::Value << YAML::BeginMap;
  for (const auto& c : others) {
    y << YAML::Key << c << YAML::Value;
    emit_worst(y, scored,
               [&](const ScoredRun& s) { return s.held_out && s.run->config_name == c; });
  }
  y << YAML::EndMap;
  emit_scored_runs(y, scored);
  y << YAML::EndMap;
}

}  // namespace

std::string calibration_section_yaml(const CalibrationSection& s) {
  const auto& first = s.fitted[0];
  YAML::Emitter y;
  y.SetDoublePrecision(6);
  y << YAML::BeginMap;
  y << YAML::Key << "tool" << YAML::Value
    << fmt::format("l4lab {} ({})", lab_version(), lab_git_sha());
  y << YAML::Key << "command" << YAML::Value << s.command_line;
  y << YAML::Key << "base_profile" << YAML::Value << s.base_profile;
  y << YAML::Key << "fitted_config" << YAML::Value << first.config_name;
  if (!s.fp8_config.empty()) y << YAML::Key << "fp8_weights_config" << YAML::Value << s.fp8_config;
  if (!s.eager_config.empty()) y << YAML::Key << "eager_config" << YAML::Value << s.eager_config;
  y << YAML::Key << "client_gap_ms" << YAML::Value << s.client_gap_ms;
  emit_sources(y, s.fitted, s.held);
  emit_fit(y, s.fit, s.window_intervals, s.request);
  if (s.fp8_fit) emit_fp8_fit(y, *s.fp8_fit, s.fp8_config);
  if (s.eager_fit) emit_eager_fit(y, *s.eager_fit, s.fit, s.eager_config, s.fitted);
  emit_identifies(y, s.fp8_fit.has_value(), s.eager_fit.has_value(),
                  s.request.per_inflight_ms != 0);
  y << YAML::Key << "notes" << YAML::Value << s.notes;
  emit_validation(y, s.scored, first.config_name);
  y << YAML::EndMap;
  return y.c_str();
}

}  // namespace l4lab::twin
