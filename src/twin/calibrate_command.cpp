// `l4lab calibrate RUNS_DIR... --out profile.yaml`: fits serve-sim's engine
// model to real runs (docs/TWIN.md). The executor: it reads the runs
// (run_evidence), calls the pure fitting functions (step_timeline, step_fit,
// profile_calibration), predicts each run in virtual time (virtual_run) to
// fit the per-request overhead and to score the profile on the runs given
// with --validate (held out), and writes the profile with its sources, fit
// residuals, identification and validation error.
#include "twin/calibrate_command.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <optional>

#include "common/files.h"
#include "common/version.h"
#include "metrics/percentile.h"
#include "sim/virtual_run.h"
#include "twin/calibration_section.h"
#include "twin/engine_flags.h"
#include "twin/load_comparison.h"
#include "twin/profile_calibration.h"
#include "twin/run_evidence.h"
#include "twin/run_folders.h"
#include "twin/step_fit.h"
#include "twin/step_timeline.h"

namespace l4lab::twin {
namespace {

namespace fs = std::filesystem;

using twin::RequestOverheadFit;
using twin::ScoredRun;

// The request_ms at which `p` (the run's engine flags set) predicts the
// replayed run's median TTFT at `measured_p50` (fit_request_overhead_ms's
// bisection); `replays` counts the virtual runs.
Result<double> implied_request_ms(const sim::SimProfile& p, const twin::ReplayPlan& plan,
                                  double measured_p50, int& replays) {
  std::string replay_error;
  auto median_at = [&](double request_ms) {
    sim::SimProfile q = p;
    q.overheads.request_ms = request_ms;
    auto r = sim::run_virtual(q, plan.requests, plan.client);
    ++replays;
    if (!r) {
      replay_error = r.error().message();
      return 1e300;
    }
    return twin::predicted_load_metrics(*r, plan.measured).ttft_p50;
  };
  const double x = twin::fit_request_overhead_ms(median_at, measured_p50, measured_p50, 0.1);
  if (!replay_error.empty()) return Error(replay_error);
  return x;
}

// The profile with the run's own engine flags, then its predicted load.
Result<ScoredRun> score_run(const sim::SimProfile& calibrated, const twin::RunEvidence& ev,
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
  int replays = 0;
  auto implied = implied_request_ms(p, plan, measured.ttft_p50, replays);
  if (!implied) return implied.error().context(ev.dir);
  return ScoredRun{&ev,
                   held_out,
                   twin::compare_loads(measured, predicted),
                   flags->unmodelled,
                   costs->kv_capacity_tokens,
                   ev.facts.kv_cache_tokens ? ev.facts.kv_cache_tokens->value : 0.0,
                   *implied};
}

std::string pct(double x) { return std::isnan(x) ? "n/a" : fmt::format("{:+.1f}%", 100 * x); }

void print_table(const ScoredRun& s) {
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
  std::cout << fmt::format(
      "request_ms at which this run's TTFT p50 alone would be matched: {:.2f} ms\n\n",
      s.implied_request_ms);
  std::cout << "| metric | measured | PREDICTED | error |\n|---|---:|---:|---:|\n";
  for (const auto& r : s.rows)
    std::cout << fmt::format("| {} | {:.4g} | {:.4g} | {} |\n", r.metric, r.measured, r.predicted,
                             pct(r.rel_error));
}

struct RunSets {
  std::vector<twin::RunEvidence> fitted;  // the positional RUNS
  std::vector<twin::RunEvidence> held;    // --validate
};

Result<RunSets> load_runs(const CalibrateOptions& a) {
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
// the knobs calibrate fits (fp8 weights, eager mode), with each run's own
// engine arguments.
struct StepData {
  std::vector<twin::StepInterval> intervals, fp8_intervals, eager_intervals;
  std::vector<sim::EngineArgs> run_args;  // per fitted run
  std::string fp8_config;                 // empty when no run fits the knob
  std::string eager_config;               // likewise
  std::vector<int> eager_concurrencies;   // distinct, of the eager runs
  std::vector<bool> eager_run;            // per fitted run: it fits the eager knob
};

// The first run's configuration is the base; runs that differ from it only
// by --quantization fp8 fit the fp8-weights knob, runs that differ only by
// --enforce-eager the eager knob; any other difference is refused (no fit
// rule for it yet).
Result<StepData> collect_steps(const sim::EngineArgs& base,
                               const std::vector<twin::RunEvidence>& fitted) {
  StepData d;
  // An eager base would fit the eager step cost into the base slopes and then
  // add the profile's eager constant on top of it (docs/TWIN.md): refused.
  if (base.enforce_eager && !fitted.empty())
    return Error(fitted.front().dir +
                 ": the first run (the base of the fit) ran with --enforce-eager; give a run with "
                 "CUDA graphs first and the eager runs after it (their difference fits "
                 "eager_extra_ms)");
  for (const auto& ev : fitted) {
    sim::EngineArgs e{};
    auto f = twin::apply_vllm_flags(e, ev.engine_argv);
    if (!f) return f.error().context(ev.dir);
    const bool same_rest = e.max_num_batched_tokens == base.max_num_batched_tokens &&
                           e.kv_cache_dtype == base.kv_cache_dtype &&
                           e.enable_chunked_prefill == base.enable_chunked_prefill &&
                           e.speculative_config == base.speculative_config &&
                           e.max_num_seqs == base.max_num_seqs;
    const bool same_quant = e.quantization == base.quantization;
    const bool same_eager = e.enforce_eager == base.enforce_eager;
    // One knob at a time: a run that is both fp8 and eager is neither.
    const bool fp8_knob =
        same_rest && same_eager && e.quantization == "fp8" && base.quantization.empty();
    const bool eager_knob = same_rest && same_quant && e.enforce_eager && !base.enforce_eager;
    if (!(same_rest && same_quant && same_eager) && !fp8_knob && !eager_knob)
      return Error(ev.dir +
                   ": its engine flags differ from the first run's by more than one of "
                   "--quantization fp8 or --enforce-eager (the knobs calibrate fits); give it "
                   "with --validate");
    auto iv = twin::reconstruct_steps(ev.requests, {1'000'000, e.max_num_batched_tokens});
    auto& into = fp8_knob ? d.fp8_intervals : eager_knob ? d.eager_intervals : d.intervals;
    into.insert(into.end(), iv.begin(), iv.end());
    into.push_back({});  // idle marker: no window spans two runs
    if (fp8_knob) d.fp8_config = ev.config_name;
    if (eager_knob) {
      d.eager_config = ev.config_name;
      auto& cs = d.eager_concurrencies;
      if (std::find(cs.begin(), cs.end(), ev.concurrency) == cs.end()) cs.push_back(ev.concurrency);
    }
    d.run_args.push_back(e);
    d.eager_run.push_back(eager_knob);
  }
  return d;
}

// The step-cost fits and the profile calibrated from them (request_ms not
// yet fitted).
struct StepCalibration {
  twin::StepCostFit fit;
  std::optional<twin::StepCostFit> fp8_fit;
  std::optional<twin::StepCostFit> eager_fit;
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
  StepCalibration c{*fit, std::nullopt, std::nullopt, cal->profile, cal->notes};
  if (!d.fp8_intervals.empty()) {
    auto f8 = twin::fit_step_costs(d.fp8_intervals, window,
                                   twin::FixedDecodeSlopes{fit->per_seq_ms, fit->per_kv_token_ms});
    if (!f8) return f8.error().context("the fp8 runs");
    if (auto st = twin::calibrate_fp8_weights(c.profile, *f8, c.notes); !st.ok()) return st.error();
    c.fp8_fit = *f8;
  }
  if (!d.eager_intervals.empty()) {
    // Every slope held at the base fit's: the model changes only the per-step
    // overhead in eager mode, so the intercept is all there is to fit.
    auto eg = twin::fit_step_intercept(
        d.eager_intervals, window,
        twin::FixedSlopes{fit->per_seq_ms, fit->per_kv_token_ms, fit->per_prefill_token_ms,
                          fit->per_attn_pos_ms});
    if (!eg) return eg.error().context("the eager runs (" + d.eager_config + ")");
    if (auto st = twin::calibrate_eager(c.profile, *fit, *eg, c.notes); !st.ok())
      return st.error().context("the eager runs (" + d.eager_config + ")");
    if (d.eager_concurrencies.size() == 1)
      c.notes.push_back(fmt::format(
          "eager mode: the eager runs are all at concurrency {}, one load, at which a per-step "
          "and a per-sequence eager cost cannot be told apart (the batch barely varies): "
          "eager_extra_ms is per step, and at other loads it is an extrapolation",
          d.eager_concurrencies[0]));
    // A check the model does not use: with the prefill terms free (fp8's
    // rule), where the eager runs put their prefill cost.
    auto split = twin::fit_step_costs(
        d.eager_intervals, window, twin::FixedDecodeSlopes{fit->per_seq_ms, fit->per_kv_token_ms});
    if (split)
      c.notes.push_back(fmt::format(
          "eager mode, check (not used): with the prefill terms free and only the decode slopes "
          "held, the eager runs give a per-step intercept of {:.3f} ms and {:.5f} ms per prefill "
          "token (base {:.5f}), window rms {:.1f}%; the model keeps the base prefill cost in "
          "eager mode, so that split would charge prefill twice",
          split->per_step_ms, split->per_prefill_token_ms, fit->per_prefill_token_ms,
          100 * split->window_fit.rel_rms));
    c.notes.push_back(
        "request_ms is fitted on the runs of the base configuration (and fp8 runs) only: the "
        "eager runs fit eager_extra_ms and nothing else");
    c.eager_fit = *eg;
  }
  return c;
}

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
// equals the measured median (bisection; each step replays every run but
// the `skip` ones: the eager runs, which fit their knob only).
Result<RequestOverheadFit> fit_request_ms(const sim::SimProfile& prof,
                                          const std::vector<twin::RunEvidence>& fitted,
                                          const std::vector<twin::ReplayPlan>& plans,
                                          const std::vector<sim::EngineArgs>& run_args,
                                          const std::vector<bool>& skip) {
  std::vector<double> meas_ttft;
  for (size_t k = 0; k < fitted.size(); ++k)
    if (!skip[k])
      for (const auto& r : fitted[k].requests)
        if (r.measured) meas_ttft.push_back(double(r.t_first_token_ns - r.t_sent_ns) / 1e6);
  RequestOverheadFit out;
  out.measured_median_ms = metrics::percentile(meas_ttft, 50);
  out.measured_requests = meas_ttft.size();
  std::string replay_error;
  double per_inflight_ms = 0;
  auto model_median = [&](double request_ms) {
    sim::SimProfile q = prof;
    q.overheads.request_ms = request_ms;
    q.overheads.request_per_inflight_ms = per_inflight_ms;
    std::vector<double> ttft;
    for (size_t r = 0; r < plans.size(); ++r) {
      if (skip[r]) continue;
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
  // Each run's own constant first; runs at two or more concurrencies then give
  // the hand-off's slope, and the intercept is bisected to the pooled median
  // with that slope held.
  for (size_t r = 0; r < plans.size(); ++r) {
    if (skip[r]) continue;
    sim::SimProfile q = prof;
    q.engine = run_args[r];
    q.overheads.request_per_inflight_ms = 0;  // each run's own constant, no slope
    const auto& ev = fitted[r];
    const double m = twin::measured_load_metrics(ev.requests, ev.kv_usage, ev.preemptions).ttft_p50;
    auto x = implied_request_ms(q, plans[r], m, out.replays);
    if (!x) return x.error().context(ev.dir);
    out.implied_by_run.emplace_back(ev.concurrency, *x);
  }
  if (auto slope = twin::fit_inflight_slope(out.implied_by_run))
    per_inflight_ms = out.per_inflight_ms = slope->per_inflight_ms;
  out.request_ms = twin::fit_request_overhead_ms(model_median, out.measured_median_ms,
                                                 out.measured_median_ms, 0.1);
  if (!replay_error.empty()) return Error(replay_error);
  return out;
}

// Score: every fitted run (in sample) and every --validate run (held out).
Result<std::vector<ScoredRun>> score_runs(const sim::SimProfile& prof, const RunSets& sets) {
  std::vector<ScoredRun> scored;
  for (const auto* list : {&sets.fitted, &sets.held})
    for (const auto& ev : *list) {
      auto s = score_run(prof, ev, list == &sets.held);
      if (!s) return s.error();
      scored.push_back(std::move(*s));
    }
  return scored;
}

void print_summary(const twin::CalibrationSection& r, const sim::SimProfile& prof,
                   const std::string& out, double secs) {
  const auto& f = r.fit;
  std::cout << fmt::format(
      "calibrate: {} step intervals in {} windows from the {} run(s); window fit rms {:.2f} ms "
      "({:.1f}% of a window), r2 {:.4f}\n",
      f.intervals_used, f.windows, r.fitted[0].config_name, f.window_fit.rms,
      100 * f.window_fit.rel_rms, f.window_fit.r2);
  std::cout << fmt::format(
      "calibrate: per_step {:.4f} ms, per_seq {:.5f} ms, per_kv_token {:.4g} ms, per_prefill_token "
      "{:.5f} ms, per_attn_pos {:.4g} ms; request_ms {:.2f} + {:.3f} per request in the engine\n",
      f.per_step_ms, f.per_seq_ms, f.per_kv_token_ms, f.per_prefill_token_ms, f.per_attn_pos_ms,
      r.request.request_ms, r.request.per_inflight_ms);
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
  if (const auto& f8 = r.fp8_fit)
    std::cout << fmt::format(
        "calibrate: fp8 runs ({}): {} windows, rms {:.2f} ms ({:.1f}%), per_step {:.4f} ms, "
        "per_prefill_token {:.5f} ms\n",
        r.fp8_config, f8->windows, f8->window_fit.rms, 100 * f8->window_fit.rel_rms,
        f8->per_step_ms, f8->per_prefill_token_ms);
  if (const auto& eg = r.eager_fit)
    std::cout << fmt::format(
        "calibrate: eager runs ({}): {} windows, rms {:.2f} ms ({:.1f}%), per_step {:.4f} ms "
        "(every slope held at the base fit's); eager_extra_ms {:.3f} (fitted: eager per_step - "
        "base per_step)\n",
        r.eager_config, eg->windows, eg->window_fit.rms, 100 * eg->window_fit.rel_rms,
        eg->per_step_ms, prof.overheads.eager_extra_ms);
  for (const auto& n : r.notes) std::cout << "note: " << n << "\n";
  for (const auto& s : r.scored) print_table(s);
  std::cout << fmt::format("\ncalibrate: wrote {} in {:.2f} s\n", out, secs);
}

// The profile as written: a header that labels it, then the YAML.
std::string profile_text(const sim::SimProfile& prof) {
  return "# serve-sim profile CALIBRATED by `l4lab calibrate` from real runs (docs/TWIN.md).\n"
         "# Everything serve-sim or `l4lab predict` computes from it is PREDICTED, a model\n"
         "# fitted to measurements, never a measurement; its validation error is below.\n" +
         sim::sim_profile_yaml(prof);
}

}  // namespace

std::string calibrate_command_line(const CalibrateOptions& a) {
  std::string line = "l4lab calibrate";
  for (const auto& r : a.runs) line += " " + r;
  for (const auto& v : a.validate) line += " --validate " + v;
  if (!a.name.empty()) line += " --name " + a.name;
  if (a.base != CalibrateOptions{}.base) line += " --base " + a.base;
  if (a.window != CalibrateOptions{}.window) line += " --window " + std::to_string(a.window);
  line += " --out " + a.out;
  return line;
}

int run_calibrate(const CalibrateOptions& a) {
  const std::string command_line = calibrate_command_line(a);
  const auto t0 = std::chrono::steady_clock::now();
  auto fail = [](const Error& e, int code) {
    std::cerr << "calibrate: " << e.message() << "\n";
    return code;
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
  prof.approximates = fmt::format("{} serving {} (calibrated from {} run(s) of {}{}{})",
                                  first.gpu_name.empty() ? prof.hardware.name : first.gpu_name,
                                  "Mistral-7B shape", runs->fitted.size(), first.config_name,
                                  steps->fp8_config.empty() ? "" : " and " + steps->fp8_config,
                                  steps->eager_config.empty() ? "" : " and " + steps->eager_config);
  auto plans = replay_plans(runs->fitted);
  if (!plans) return fail(plans.error(), 2);
  auto request = fit_request_ms(prof, runs->fitted, *plans, steps->run_args, steps->eager_run);
  if (!request) return fail(request.error(), 1);
  prof.overheads.request_ms = request->request_ms;
  prof.overheads.request_per_inflight_ms = request->per_inflight_ms;
  // The bench client's own gap between a response's end and its next send.
  std::vector<double> gaps;
  for (const auto& ev : runs->fitted) gaps.push_back(twin::client_gap_ms(ev.requests));
  auto scored = score_runs(prof, *runs);
  if (!scored) return fail(scored.error(), 1);
  const twin::CalibrationSection record{command_line,
                                        a.base,
                                        a.window,
                                        runs->fitted,
                                        runs->held,
                                        steps->fp8_config,
                                        cal->fit,
                                        cal->fp8_fit,
                                        steps->eager_config,
                                        cal->eager_fit,
                                        cal->notes,
                                        *request,
                                        metrics::percentile(gaps, 50),
                                        *scored};
  prof.calibration.present = true;
  prof.calibration.yaml = twin::calibration_section_yaml(record);
  const std::string text = profile_text(prof);
  // It must read back.
  if (auto back = sim::parse_sim_profile(text, a.out); !back)
    return fail(Error("internal: the written profile does not parse: " + back.error().message()),
                1);
  if (auto st = write_file_atomic(a.out, text); !st.ok()) return fail(st.error(), 2);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  print_summary(record, prof, a.out, secs);
  return 0;
}

}  // namespace l4lab::twin
