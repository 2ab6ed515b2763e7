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

void run_calibrate(const CalibrateArgs& a, const std::string& command_line) {
  const auto t0 = std::chrono::steady_clock::now();
  auto fail = [](const std::string& msg, int code) {
    std::cerr << "calibrate: " << msg << "\n";
    exit_code = code;
  };
  std::vector<twin::RunEvidence> fitted, held;
  for (const auto* list : {&a.runs, &a.validate}) {
    for (const auto& arg : *list) {
      auto dirs = twin::find_run_folders(arg);
      if (!dirs) return fail(dirs.error().message(), 2);
      for (const auto& d : *dirs) {
        auto ev = twin::load_run_evidence(d);
        if (!ev) return fail(ev.error().message(), 2);
        (list == &a.runs ? fitted : held).push_back(std::move(*ev));
      }
    }
  }
  auto base = sim::load_sim_profile(a.base);
  if (!base) return fail(base.error().message(), 2);
  sim::SimProfile p = *base;
  p.engine = sim::EngineArgs{};
  auto flags = twin::apply_vllm_flags(p.engine, fitted[0].engine_argv);
  if (!flags) return fail(flags.error().context(fitted[0].dir).message(), 2);
  // The first run's configuration is the base; runs that differ from it only
  // by --quantization fp8 fit the fp8-weights knob; any other difference is
  // refused (no fit rule for it yet).
  std::vector<twin::StepInterval> intervals, fp8_intervals;
  std::vector<sim::EngineArgs> run_args;
  std::string fp8_config;
  for (const auto& ev : fitted) {
    sim::EngineArgs e{};
    auto f = twin::apply_vllm_flags(e, ev.engine_argv);
    if (!f) return fail(f.error().context(ev.dir).message(), 2);
    const bool same_rest = e.max_num_batched_tokens == p.engine.max_num_batched_tokens &&
                           e.kv_cache_dtype == p.engine.kv_cache_dtype &&
                           e.enforce_eager == p.engine.enforce_eager &&
                           e.enable_chunked_prefill == p.engine.enable_chunked_prefill &&
                           e.speculative_config == p.engine.speculative_config &&
                           e.max_num_seqs == p.engine.max_num_seqs;
    const bool fp8_knob = same_rest && e.quantization == "fp8" && p.engine.quantization.empty();
    if (!same_rest || (e.quantization != p.engine.quantization && !fp8_knob))
      return fail(ev.dir +
                      ": its engine flags differ from the first run's by more than "
                      "--quantization fp8 (the one knob calibrate fits); give it with --validate",
                  2);
    auto iv = twin::reconstruct_steps(ev.requests, {1'000'000, e.max_num_batched_tokens});
    auto& into = fp8_knob ? fp8_intervals : intervals;
    into.insert(into.end(), iv.begin(), iv.end());
    into.push_back({});  // idle marker: no window spans two runs
    if (fp8_knob) fp8_config = ev.config_name;
    run_args.push_back(e);
  }
  auto fit = twin::fit_step_costs(intervals, a.window);
  if (!fit) return fail(fit.error().message(), 1);
  twin::CalibrationInputs in{p, *fit, fitted[0].facts, fitted[0].gpu_memory_total_mib};
  auto cal = twin::calibrate_profile(in);
  if (!cal) return fail(cal.error().message(), 1);
  sim::SimProfile prof = cal->profile;
  std::optional<twin::StepCostFit> fp8_fit;
  if (!fp8_intervals.empty()) {
    auto f8 = twin::fit_step_costs(fp8_intervals, a.window,
                                   twin::FixedDecodeSlopes{fit->per_seq_ms, fit->per_kv_token_ms});
    if (!f8) return fail(f8.error().context("the fp8 runs").message(), 1);
    if (auto st = twin::calibrate_fp8_weights(prof, *f8, cal->notes); !st.ok())
      return fail(st.error().message(), 1);
    fp8_fit = *f8;
  }
  prof.name = a.name.empty() ? fmt::format("{}-calibrated", fitted[0].config_name) : a.name;
  prof.approximates = fmt::format(
      "{} serving {} (calibrated from {} run(s) of {}{})",
      fitted[0].gpu_name.empty() ? prof.hardware.name : fitted[0].gpu_name, "Mistral-7B shape",
      fitted.size(), fitted[0].config_name, fp8_config.empty() ? "" : " and " + fp8_config);
  // Per-request overhead: the value at which the replayed runs' median TTFT
  // equals the measured median (bisection; each step replays every run).
  std::vector<double> meas_ttft;
  std::vector<twin::ReplayPlan> plans;
  for (const auto& ev : fitted) {
    if (ev.concurrency < 1) return fail(ev.dir + "/bench.json: not a closed-loop run", 2);
    plans.push_back(
        twin::replay_plan(ev.requests, ev.concurrency, twin::client_gap_ms(ev.requests)));
    for (const auto& r : ev.requests)
      if (r.measured) meas_ttft.push_back(double(r.t_first_token_ns - r.t_sent_ns) / 1e6);
  }
  const double meas_median = metrics::percentile(meas_ttft, 50);
  std::string replay_error;
  int replays = 0;
  auto model_median = [&](double request_ms) {
    sim::SimProfile q = prof;
    q.overheads.request_ms = request_ms;
    std::vector<double> ttft;
    for (size_t r = 0; r < plans.size(); ++r) {
      const auto& plan = plans[r];
      q.engine = run_args[r];
      auto v = sim::run_virtual(q, plan.requests, plan.client);
      ++replays;
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
  const double request_ms =
      twin::fit_request_overhead_ms(model_median, meas_median, meas_median, 0.1);
  if (!replay_error.empty()) return fail(replay_error, 1);
  prof.overheads.request_ms = request_ms;
  // The bench client's own gap between a response's end and its next send.
  std::vector<double> gaps;
  for (const auto& ev : fitted) gaps.push_back(twin::client_gap_ms(ev.requests));
  const double client_gap = metrics::percentile(gaps, 50);
  // Score: every fitted run (in sample) and every --validate run (held out).
  std::vector<Scored> scored;
  for (const auto& ev : fitted) {
    auto s = score_run(prof, ev, false);
    if (!s) return fail(s.error().message(), 1);
    scored.push_back(std::move(*s));
  }
  for (const auto& ev : held) {
    auto s = score_run(prof, ev, true);
    if (!s) return fail(s.error().message(), 1);
    scored.push_back(std::move(*s));
  }
  // The calibration section.
  YAML::Emitter y;
  y.SetDoublePrecision(6);
  y << YAML::BeginMap;
  y << YAML::Key << "tool" << YAML::Value
    << fmt::format("l4lab {} ({})", lab_version(), lab_git_sha());
  y << YAML::Key << "command" << YAML::Value << command_line;
  y << YAML::Key << "base_profile" << YAML::Value << a.base;
  y << YAML::Key << "fitted_config" << YAML::Value << fitted[0].config_name;
  if (!fp8_config.empty()) y << YAML::Key << "fp8_weights_config" << YAML::Value << fp8_config;
  y << YAML::Key << "client_gap_ms" << YAML::Value << client_gap;
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
  const auto& f = *fit;
  y << YAML::Key << "fit" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "model" << YAML::Value
    << "step_ms = per_step + per_seq*decode_seqs + per_kv_token*kv_tokens + "
       "per_prefill_token*prefill_tokens + per_attn_pos*attn_positions, least squares over "
       "windows of consecutive steps";
  y << YAML::Key << "window_intervals" << YAML::Value << a.window;
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
    << YAML::Value << request_ms << YAML::Key << "from" << YAML::Value
    << fmt::format(
           "bisection ({} replays) to the measured median TTFT {:.2f} ms of {} measured requests",
           replays, meas_median, meas_ttft.size());
  y << YAML::EndMap << YAML::EndMap;
  if (fp8_fit) {
    y << YAML::Key << "fp8_weights_fit" << YAML::Value << YAML::BeginMap << YAML::Key << "config"
      << YAML::Value << fp8_config << YAML::Key << "held" << YAML::Value
      << "per_seq_ms and per_kv_token_ms held at the base fit's values" << YAML::Key << "windows"
      << YAML::Value << fp8_fit->windows << YAML::Key << "coefficients" << YAML::Value
      << YAML::BeginMap << YAML::Key << "per_step_ms" << YAML::Value << fp8_fit->per_step_ms
      << YAML::Key << "per_seq_ms" << YAML::Value << fp8_fit->per_seq_ms << YAML::Key
      << "per_kv_token_ms" << YAML::Value << fp8_fit->per_kv_token_ms << YAML::Key
      << "per_prefill_token_ms" << YAML::Value << fp8_fit->per_prefill_token_ms << YAML::Key
      << "per_attn_pos_ms" << YAML::Value << fp8_fit->per_attn_pos_ms << YAML::EndMap << YAML::Key
      << "residuals" << YAML::Value << YAML::BeginMap << YAML::Key << "window_rms_ms" << YAML::Value
      << fp8_fit->window_fit.rms << YAML::Key << "window_rel_rms" << YAML::Value
      << fp8_fit->window_fit.rel_rms << YAML::Key << "r2" << YAML::Value << fp8_fit->window_fit.r2
      << YAML::EndMap << YAML::EndMap;
  }
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
  if (fp8_fit) {
    y << YAML::Key << "overheads.fp8_weights_step_ms" << YAML::Value
      << "the fp8 runs' per-step intercept less the step overhead and the halved weight read";
    y << YAML::Key << "hardware.compute_efficiency_fp8" << YAML::Value
      << "the fp8 runs' per_prefill_token_ms, over the datasheet FP8 tensor throughput";
  }
  y << YAML::Key << "hardware.activation_reserve_gib" << YAML::Value
    << "engine.log: GPU memory x utilisation - weights - KV cache memory";
  y << YAML::EndMap;
  y << YAML::Key << "notes" << YAML::Value << cal->notes;
  y << YAML::Key << "validation" << YAML::Value << YAML::BeginMap;
  const std::string fitted_config = fitted[0].config_name;
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
  // The largest |error| per metric over the runs `pick` selects.
  auto worst = [&](auto pick) {
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
  };
  y << YAML::Key << "relative_error" << YAML::Value;
  worst([&](const Scored& s) {
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
    worst([&](const Scored& s) { return s.held_out && s.run->config_name == c; });
  }
  y << YAML::EndMap;
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
  y << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
  prof.calibration.present = true;
  prof.calibration.yaml = y.c_str();
  const std::string text =
      "# serve-sim profile CALIBRATED by `l4lab calibrate` from real runs (docs/TWIN.md).\n"
      "# Everything serve-sim or `l4lab predict` computes from it is PREDICTED, a model\n"
      "# fitted to measurements, never a measurement; its validation error is below.\n" +
      sim::sim_profile_yaml(prof);
  // It must read back.
  auto back = sim::parse_sim_profile(text, a.out);
  if (!back)
    return fail("internal: the written profile does not parse: " + back.error().message(), 1);
  if (auto st = write_file_atomic(a.out, text); !st.ok()) return fail(st.error().message(), 2);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << fmt::format(
      "calibrate: {} step intervals in {} windows from the {} run(s); window fit rms {:.2f} ms "
      "({:.1f}% of a window), r2 {:.4f}\n",
      f.intervals_used, f.windows, fitted[0].config_name, f.window_fit.rms,
      100 * f.window_fit.rel_rms, f.window_fit.r2);
  std::cout << fmt::format(
      "calibrate: per_step {:.4f} ms, per_seq {:.5f} ms, per_kv_token {:.4g} ms, per_prefill_token "
      "{:.5f} ms, per_attn_pos {:.4g} ms; request_ms {:.2f}\n",
      f.per_step_ms, f.per_seq_ms, f.per_kv_token_ms, f.per_prefill_token_ms, f.per_attn_pos_ms,
      request_ms);
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
  if (fp8_fit)
    std::cout << fmt::format(
        "calibrate: fp8 runs ({}): {} windows, rms {:.2f} ms ({:.1f}%), per_step {:.4f} ms, "
        "per_prefill_token {:.5f} ms\n",
        fp8_config, fp8_fit->windows, fp8_fit->window_fit.rms, 100 * fp8_fit->window_fit.rel_rms,
        fp8_fit->per_step_ms, fp8_fit->per_prefill_token_ms);
  for (const auto& n : cal->notes) std::cout << "note: " << n << "\n";
  for (const auto& s : scored) print_table(s);
  std::cout << fmt::format("\ncalibrate: wrote {} in {:.2f} s\n", a.out, secs);
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
