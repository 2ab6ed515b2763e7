// `l4lab calibrate RUNS_DIR... --out profile.yaml`: fits serve-sim's engine
// model to real runs (docs/TWIN.md). The executor: it reads the runs
// (run_evidence), calls the pure fitting functions (step_timeline, step_fit,
// profile_calibration), predicts each run in virtual time (virtual_run) to
// fit the per-request overhead and to score the profile on the runs given
// with --validate (held out), and writes the profile with its sources, fit
// residuals, identification and validation error.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "common/files.h"
#include "common/version.h"
#include "metrics/percentile.h"
#include "sim/virtual_run.h"
#include "twin/engine_flags.h"
#include "twin/load_comparison.h"
#include "twin/profile_calibration.h"
#include "twin/run_evidence.h"
#include "twin/run_folders.h"
#include "twin/step_fit.h"
#include "twin/step_timeline.h"

namespace l4lab::cli {
namespace {

namespace fs = std::filesystem;

struct CalibrateArgs {
  std::vector<std::string> runs;
  std::vector<std::string> validate;
  std::string out;
  std::string base = "configs/sim-profiles/h200-mistral7b-datasheet.yaml";
  std::string name;
  int window = 50;
};

struct Scored {
  const twin::RunEvidence* run;
  bool held_out;
  std::vector<twin::ErrorRow> rows;
  std::vector<std::string> unmodelled;
  long kv_capacity_model = 0;
  double kv_capacity_log = 0;  // 0 when the log did not say
};

// The profile with the run's own engine flags, then its predicted load.
Result<Scored> score_run(const sim::SimProfile& calibrated, const twin::RunEvidence& ev,
                         bool held_out) {
  sim::SimProfile p = calibrated;
  p.engine = sim::EngineArgs{};
  auto flags = twin::apply_vllm_flags(p.engine, ev.engine_argv);
  if (!flags) return flags.error().context(ev.dir + "/run_manifest.json");
  if (ev.concurrency < 1) return Error(ev.dir + "/bench.json: not a closed-loop run");
  const auto plan =
      twin::replay_plan(ev.requests, ev.concurrency, twin::client_gap_ms(ev.requests));
  auto v = sim::run_virtual(p, plan.requests, plan.client);
  if (!v) return v.error().context(ev.dir);
  const auto measured = twin::measured_load_metrics(ev.requests, ev.kv_usage, ev.preemptions);
  const auto predicted = twin::predicted_load_metrics(*v, plan.measured);
  auto costs = sim::derive_costs(p);
  if (!costs) return costs.error().context(ev.dir);
  return Scored{&ev,
                held_out,
                twin::compare_loads(measured, predicted),
                flags->unmodelled,
                costs->kv_capacity_tokens,
                ev.facts.kv_cache_tokens ? ev.facts.kv_cache_tokens->value : 0.0};
}

std::string pct(double x) { return std::isnan(x) ? "n/a" : fmt::format("{:+.1f}%", 100 * x); }

void print_table(const Scored& s) {
  std::cout << fmt::format(
      "\n{} ({}{}): PREDICTED vs measured\n\n", s.run->dir, s.held_out ? "held out" : "in sample",
      s.unmodelled.empty()
          ? ""
          : ", unmodelled flags: " + fmt::format("{}", fmt::join(s.unmodelled, " ")));
  if (s.kv_capacity_log > 0)
    std::cout << fmt::format(
        "KV capacity: PREDICTED {} tokens, engine.log {:.0f} ({})\n\n", s.kv_capacity_model,
        s.kv_capacity_log,
        pct((double(s.kv_capacity_model) - s.kv_capacity_log) / s.kv_capacity_log));
  std::cout << "| metric | measured | PREDICTED | error |\n|---|---:|---:|---:|\n";
  for (const auto& r : s.rows)
    std::cout << fmt::format("| {} | {:.4g} | {:.4g} | {} |\n", r.metric, r.measured, r.predicted,
                             pct(r.rel_error));
}

struct RunSets {
  std::vector<twin::RunEvidence> fitted;  // the positional RUNS
  std::vector<twin::RunEvidence> held;    // --validate
};

Result<RunSets> load_runs(const CalibrateArgs& a) {
  RunSets sets;
  for (const auto* list : {&a.runs, &a.validate}) {
    for (const auto& arg : *list) {
      auto dirs = twin::find_run_folders(arg);
      if (!dirs) return dirs.error();
      for (const auto& d : *dirs) {
        auto ev = twin::load_run_evidence(d);
        if (!ev) return ev.error();
        (list == &a.runs ? sets.fitted : sets.held).push_back(std::move(*ev));
      }
    }
  }
  return sets;
}

// The fitted runs' step timelines, split between the base configuration and
// the fp8-weights knob, with each run's own engine arguments.
struct StepData {
  std::vector<twin::StepInterval> intervals, fp8_intervals;
  std::vector<sim::EngineArgs> run_args;  // per fitted run
  std::string fp8_config;                 // empty when no run fits the knob
};

// The first run's configuration is the base; runs that differ from it only
// by --quantization fp8 fit the fp8-weights knob; any other difference is
// refused (no fit rule for it yet).
Result<StepData> collect_steps(const sim::EngineArgs& base,
                               const std::vector<twin::RunEvidence>& fitted) {
  StepData d;
  for (const auto& ev : fitted) {
    sim::EngineArgs e{};
    auto f = twin::apply_vllm_flags(e, ev.engine_argv);
    if (!f) return f.error().context(ev.dir);
    const bool same_rest =
        e.max_num_batched_tokens == base.max_num_batched_tokens &&
        e.kv_cache_dtype == base.kv_cache_dtype && e.enforce_eager == base.enforce_eager &&
        e.enable_chunked_prefill == base.enable_chunked_prefill &&
        e.speculative_config == base.speculative_config && e.max_num_seqs == base.max_num_seqs;
    const bool fp8_knob = same_rest && e.quantization == "fp8" && base.quantization.empty();
    if (!same_rest || (e.quantization != base.quantization && !fp8_knob))
      return Error(ev.dir +
                   ": its engine flags differ from the first run's by more than "
                   "--quantization fp8 (the one knob calibrate fits); give it with "
                   "--validate");
    auto iv = twin::reconstruct_steps(ev.requests, {1'000'000, e.max_num_batched_tokens});
    auto& into = fp8_knob ? d.fp8_intervals : d.intervals;
    into.insert(into.end(), iv.begin(), iv.end());
    into.push_back({});  // idle marker: no window spans two runs
    if (fp8_knob) d.fp8_config = ev.config_name;
    d.run_args.push_back(e);
  }
  return d;
}

// The step-cost fits and the profile calibrated from them (request_ms not
// yet fitted).
struct StepCalibration {
  twin::StepCostFit fit;
  std::optional<twin::StepCostFit> fp8_fit;
  sim::SimProfile profile;
  std::vector<std::string> notes;
};

Result<StepCalibration> calibrate_steps(const sim::SimProfile& base, const StepData& d,
                                        const twin::RunEvidence& first, int window) {
  auto fit = twin::fit_step_costs(d.intervals, window);
  if (!fit) return fit.error();
  twin::CalibrationInputs in{base, *fit, first.facts, first.gpu_memory_total_mib};
  auto cal = twin::calibrate_profile(in);
  if (!cal) return cal.error();
  StepCalibration c{*fit, std::nullopt, cal->profile, cal->notes};
  if (!d.fp8_intervals.empty()) {
    auto f8 = twin::fit_step_costs(d.fp8_intervals, window,
                                   twin::FixedDecodeSlopes{fit->per_seq_ms, fit->per_kv_token_ms});
    if (!f8) return f8.error().context("the fp8 runs");
    if (auto st = twin::calibrate_fp8_weights(c.profile, *f8, c.notes); !st.ok()) return st.error();
    c.fp8_fit = *f8;
  }
  return c;
}

struct RequestOverheadFit {
  double request_ms = 0;
  int replays = 0;
  double measured_median_ms = 0;
  size_t measured_requests = 0;
};

// Each fitted run as the closed-loop replay the request-overhead fit drives.
Result<std::vector<twin::ReplayPlan>> replay_plans(const std::vector<twin::RunEvidence>& fitted) {
  std::vector<twin::ReplayPlan> plans;
  for (const auto& ev : fitted) {
    if (ev.concurrency < 1) return Error(ev.dir + "/bench.json: not a closed-loop run");
    plans.push_back(
        twin::replay_plan(ev.requests, ev.concurrency, twin::client_gap_ms(ev.requests)));
  }
  return plans;
}

// Per-request overhead: the value at which the replayed runs' median TTFT
// equals the measured median (bisection; each step replays every run).
Result<RequestOverheadFit> fit_request_ms(const sim::SimProfile& prof,
                                          const std::vector<twin::RunEvidence>& fitted,
                                          const std::vector<twin::ReplayPlan>& plans,
                                          const std::vector<sim::EngineArgs>& run_args) {
  std::vector<double> meas_ttft;
  for (const auto& ev : fitted)
    for (const auto& r : ev.requests)
      if (r.measured) meas_ttft.push_back(double(r.t_first_token_ns - r.t_sent_ns) / 1e6);
  RequestOverheadFit out;
  out.measured_median_ms = metrics::percentile(meas_ttft, 50);
  out.measured_requests = meas_ttft.size();
  std::string replay_error;
  auto model_median = [&](double request_ms) {
    sim::SimProfile q = prof;
    q.overheads.request_ms = request_ms;
    std::vector<double> ttft;
    for (size_t r = 0; r < plans.size(); ++r) {
      const auto& plan = plans[r];
      q.engine = run_args[r];
      auto v = sim::run_virtual(q, plan.requests, plan.client);
      ++out.replays;
      if (!v) {
        replay_error = v.error().message();
        return 1e300;
      }
      for (size_t i = 0; i < plan.requests.size(); ++i)
        if (plan.measured[i])
          ttft.push_back(double(v->requests[i].emits.front().first - v->requests[i].arrival_ns) /
                         1e6);
    }
    return metrics::percentile(ttft, 50);
  };
  out.request_ms = twin::fit_request_overhead_ms(model_median, out.measured_median_ms,
                                                 out.measured_median_ms, 0.1);
  if (!replay_error.empty()) return Error(replay_error);
  return out;
}

// Score: every fitted run (in sample) and every --validate run (held out).
Result<std::vector<Scored>> score_runs(const sim::SimProfile& prof, const RunSets& sets) {
  std::vector<Scored> scored;
  for (const auto* list : {&sets.fitted, &sets.held})
    for (const auto& ev : *list) {
      auto s = score_run(prof, ev, list == &sets.held);
      if (!s) return s.error();
      scored.push_back(std::move(*s));
    }
  return scored;
}

// Everything the calibration section of the written profile reports.
struct CalibrationRecord {
  const CalibrateArgs& args;
  const std::string& command_line;
  const RunSets& runs;
  const StepData& steps;
  const StepCalibration& cal;
  const RequestOverheadFit& request;
  double client_gap_ms;
  const std::vector<Scored>& scored;
};

void emit_sources(YAML::Emitter& y, const RunSets& runs) {
  y << YAML::Key << "sources" << YAML::Value << YAML::BeginSeq;
  for (const auto* list : {&runs.fitted, &runs.held})
    for (const auto& ev : *list) {
      y << YAML::BeginMap << YAML::Key << "run" << YAML::Value << ev.dir << YAML::Key << "config"
        << YAML::Value << ev.config_name << YAML::Key << "trial" << YAML::Value << ev.trial
        << YAML::Key << "used_for" << YAML::Value << (list == &runs.fitted ? "fit" : "validation")
        << YAML::Key << "requests" << YAML::Value << ev.requests.size() << YAML::Key << "files"
        << YAML::Value << YAML::BeginSeq;
      for (const auto& f : ev.sources)
        y << YAML::Flow << YAML::BeginMap << YAML::Key << "path" << YAML::Value << f.path
          << YAML::Key << "sha256" << YAML::Value << f.sha256 << YAML::EndMap;
      y << YAML::EndSeq << YAML::EndMap;
    }
  y << YAML::EndSeq;
}

void emit_fit(YAML::Emitter& y, const twin::StepCostFit& f, int window,
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
  y << YAML::EndMap << YAML::EndMap;
}

void emit_fp8_fit(YAML::Emitter& y, const twin::StepCostFit& f8, const std::string& config) {
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

void emit_identifies(YAML::Emitter& y, bool fp8) {
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
  if (fp8) {
    y << YAML::Key << "overheads.fp8_weights_step_ms" << YAML::Value
      << "the fp8 runs' per-step intercept less the step overhead and the halved weight read";
    y << YAML::Key << "hardware.compute_efficiency_fp8" << YAML::Value
      << "the fp8 runs' per_prefill_token_ms, over the datasheet FP8 tensor throughput";
  }
  y << YAML::Key << "hardware.activation_reserve_gib" << YAML::Value
    << "engine.log: GPU memory x utilisation - weights - KV cache memory";
  y << YAML::EndMap;
}

// The largest |error| per metric over the runs `pick` selects.
template <typename Pick>
void emit_worst(YAML::Emitter& y, const std::vector<Scored>& scored, Pick pick) {
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

void emit_scored_runs(YAML::Emitter& y, const std::vector<Scored>& scored) {
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

void emit_validation(YAML::Emitter& y, const std::vector<Scored>& scored,
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
  emit_worst(y, scored, [&](const Scored& s) {
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
    emit_worst(y, scored, [&](const Scored& s) { return s.held_out && s.run->config_name == c; });
  }
  y << YAML::EndMap;
  emit_scored_runs(y, scored);
  y << YAML::EndMap;
}

// The calibration section of the written profile.
std::string calibration_yaml(const CalibrationRecord& r) {
  const auto& first = r.runs.fitted[0];
  YAML::Emitter y;
  y.SetDoublePrecision(6);
  y << YAML::BeginMap;
  y << YAML::Key << "tool" << YAML::Value
    << fmt::format("l4lab {} ({})", lab_version(), lab_git_sha());
  y << YAML::Key << "command" << YAML::Value << r.command_line;
  y << YAML::Key << "base_profile" << YAML::Value << r.args.base;
  y << YAML::Key << "fitted_config" << YAML::Value << first.config_name;
  if (!r.steps.fp8_config.empty())
    y << YAML::Key << "fp8_weights_config" << YAML::Value << r.steps.fp8_config;
  y << YAML::Key << "client_gap_ms" << YAML::Value << r.client_gap_ms;
  emit_sources(y, r.runs);
  emit_fit(y, r.cal.fit, r.args.window, r.request);
  if (r.cal.fp8_fit) emit_fp8_fit(y, *r.cal.fp8_fit, r.steps.fp8_config);
  emit_identifies(y, r.cal.fp8_fit.has_value());
  y << YAML::Key << "notes" << YAML::Value << r.cal.notes;
  emit_validation(y, r.scored, first.config_name);
  y << YAML::EndMap;
  return y.c_str();
}

void print_summary(const CalibrationRecord& r, const sim::SimProfile& prof, double secs) {
  const auto& f = r.cal.fit;
  std::cout << fmt::format(
      "calibrate: {} step intervals in {} windows from the {} run(s); window fit rms {:.2f} ms "
      "({:.1f}% of a window), r2 {:.4f}\n",
      f.intervals_used, f.windows, r.runs.fitted[0].config_name, f.window_fit.rms,
      100 * f.window_fit.rel_rms, f.window_fit.r2);
  std::cout << fmt::format(
      "calibrate: per_step {:.4f} ms, per_seq {:.5f} ms, per_kv_token {:.4g} ms, per_prefill_token "
      "{:.5f} ms, per_attn_pos {:.4g} ms; request_ms {:.2f}\n",
      f.per_step_ms, f.per_seq_ms, f.per_kv_token_ms, f.per_prefill_token_ms, f.per_attn_pos_ms,
      r.request.request_ms);
  if (f.decode_steps > 0)
    std::cout << fmt::format(
        "calibrate: decode-only check over {} steps: per_step {:.4f} ms, per_seq {:.5f} ms, "
        "per_kv_token {:.4g} ms, rms {:.3f} ms\n",
        f.decode_steps, f.decode_fit.coef[0], f.decode_fit.coef[1], f.decode_fit.coef[2],
        f.decode_fit.rms);
  std::cout << fmt::format(
      "calibrate: bandwidth_efficiency {:.3f}, step_ms {:.3f}, per_seq_ms {:.4f}, "
      "compute_efficiency {:.3f}, activation_reserve_gib {:.2f}\n",
      prof.hardware.bandwidth_efficiency, prof.overheads.step_ms, prof.overheads.per_seq_ms,
      prof.hardware.compute_efficiency, prof.hardware.activation_reserve_gib);
  if (const auto& f8 = r.cal.fp8_fit)
    std::cout << fmt::format(
        "calibrate: fp8 runs ({}): {} windows, rms {:.2f} ms ({:.1f}%), per_step {:.4f} ms, "
        "per_prefill_token {:.5f} ms\n",
        r.steps.fp8_config, f8->windows, f8->window_fit.rms, 100 * f8->window_fit.rel_rms,
        f8->per_step_ms, f8->per_prefill_token_ms);
  for (const auto& n : r.cal.notes) std::cout << "note: " << n << "\n";
  for (const auto& s : r.scored) print_table(s);
  std::cout << fmt::format("\ncalibrate: wrote {} in {:.2f} s\n", r.args.out, secs);
}

// The profile as written: a header that labels it, then the YAML.
std::string profile_text(const sim::SimProfile& prof) {
  return "# serve-sim profile CALIBRATED by `l4lab calibrate` from real runs (docs/TWIN.md).\n"
         "# Everything serve-sim or `l4lab predict` computes from it is PREDICTED, a model\n"
         "# fitted to measurements, never a measurement; its validation error is below.\n" +
         sim::sim_profile_yaml(prof);
}

void run_calibrate(const CalibrateArgs& a, const std::string& command_line) {
  const auto t0 = std::chrono::steady_clock::now();
  auto fail = [](const Error& e, int code) {
    std::cerr << "calibrate: " << e.message() << "\n";
    exit_code = code;
  };
  auto runs = load_runs(a);
  if (!runs) return fail(runs.error(), 2);
  auto base = sim::load_sim_profile(a.base);
  if (!base) return fail(base.error(), 2);
  sim::SimProfile p = *base;
  p.engine = sim::EngineArgs{};
  const auto& first = runs->fitted[0];
  auto flags = twin::apply_vllm_flags(p.engine, first.engine_argv);
  if (!flags) return fail(flags.error().context(first.dir), 2);
  auto steps = collect_steps(p.engine, runs->fitted);
  if (!steps) return fail(steps.error(), 2);
  auto cal = calibrate_steps(p, *steps, first, a.window);
  if (!cal) return fail(cal.error(), 1);
  sim::SimProfile& prof = cal->profile;
  prof.name = a.name.empty() ? fmt::format("{}-calibrated", first.config_name) : a.name;
  prof.approximates = fmt::format("{} serving {} (calibrated from {} run(s) of {}{})",
                                  first.gpu_name.empty() ? prof.hardware.name : first.gpu_name,
                                  "Mistral-7B shape", runs->fitted.size(), first.config_name,
                                  steps->fp8_config.empty() ? "" : " and " + steps->fp8_config);
  auto plans = replay_plans(runs->fitted);
  if (!plans) return fail(plans.error(), 2);
  auto request = fit_request_ms(prof, runs->fitted, *plans, steps->run_args);
  if (!request) return fail(request.error(), 1);
  prof.overheads.request_ms = request->request_ms;
  // The bench client's own gap between a response's end and its next send.
  std::vector<double> gaps;
  for (const auto& ev : runs->fitted) gaps.push_back(twin::client_gap_ms(ev.requests));
  auto scored = score_runs(prof, *runs);
  if (!scored) return fail(scored.error(), 1);
  const CalibrationRecord record{
      a, command_line, *runs, *steps, *cal, *request, metrics::percentile(gaps, 50), *scored};
  prof.calibration.present = true;
  prof.calibration.yaml = calibration_yaml(record);
  const std::string text = profile_text(prof);
  // It must read back.
  if (auto back = sim::parse_sim_profile(text, a.out); !back)
    return fail(Error("internal: the written profile does not parse: " + back.error().message()),
                1);
  if (auto st = write_file_atomic(a.out, text); !st.ok()) return fail(st.error(), 2);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  print_summary(record, prof, secs);
}

}  // namespace

void register_twin_commands(CLI::App& app) {
  auto a = std::make_shared<CalibrateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate",
      "Fit serve-sim's engine model to real runs; write a calibrated profile (docs/TWIN.md)");
  cmd->add_option("RUNS", a->runs,
                  "run folders (with traces.jsonl) or RUNS_DIRs holding <config>/trial-<k>/ "
                  "folders, all of one configuration")
      ->required();
  cmd->add_option("--out", a->out, "profile YAML to write")->required();
  cmd->add_option("--validate", a->validate,
                  "held-out run folders (any configuration) to predict and score, not fitted");
  cmd->add_option("--base", a->base, "datasheet profile to start from")->capture_default_str();
  cmd->add_option("--name", a->name, "profile name (default <config>-calibrated)");
  cmd->add_option("--window", a->window, "step intervals per fitting window")
      ->capture_default_str();
  cmd->callback([a, &app] {
    (void)app;
    std::string line = "l4lab calibrate";
    for (const auto& r : a->runs) line += " " + r;
    for (const auto& v : a->validate) line += " --validate " + v;
    if (!a->name.empty()) line += " --name " + a->name;
    if (a->base != CalibrateArgs{}.base) line += " --base " + a->base;
    if (a->window != CalibrateArgs{}.window) line += " --window " + std::to_string(a->window);
    line += " --out " + a->out;
    run_calibrate(*a, line);
  });
  register_predict_command(app);
  register_transfer_command(app);
}

}  // namespace l4lab::cli
