#include "twin/predict_setup.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <iostream>

#include "common/files.h"
#include "twin/engine_flags.h"
#include "twin/profile_transfer.h"
#include "workload/workload_io.h"

namespace l4lab::twin {

namespace fs = std::filesystem;

BenchModel bench_model(const std::vector<std::string>& args) {
  BenchModel b;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_next = i + 1 < args.size();
    if (a == "--concurrency" && has_next) b.concurrency = std::stoi(args[++i]);
    if (a == "--seed" && has_next) b.seed = std::stoull(args[++i]);
    if (a == "--warmup-requests" && has_next) b.warmup_requests = std::stoi(args[++i]);
    if (a == "--ignore-eos") b.ignore_eos = true;
  }
  return b;
}

std::string resolve(const std::string& path, const std::string& plan_file) {
  if (fs::exists(path)) return path;
  const fs::path alt = fs::path(plan_file).parent_path() / path;
  return fs::exists(alt) ? alt.string() : path;
}

std::string err_label(const sim::CalibrationInfo::Errors* errors, const std::string& metric) {
  if (errors)
    for (const auto& [k, v] : *errors)
      if (k == metric) return fmt::format("±{:.1f}%", 100 * std::abs(v));
  return "error unknown";
}

std::vector<std::string> unvalidated_mechanisms(const sim::EngineArgs& e, const sim::SimProfile& p,
                                                bool held_out) {
  std::vector<std::string> out;
  // A fitted eager extra is no guess; until a run of the configuration was
  // held out it is checked only in sample, and only at the fitted load.
  if (e.enforce_eager && p.calibration.eager_config.empty())
    out.push_back(fmt::format("eager mode: +{} ms per step is the base profile's guess",
                              p.overheads.eager_extra_ms));
  else if (e.enforce_eager && !held_out)
    out.push_back(fmt::format(
        "eager mode: +{:.3f} ms per step fitted to the {} runs, checked in sample only (no "
        "per-sequence eager term)",
        p.overheads.eager_extra_ms, p.calibration.eager_config));
  if (!e.speculative_config.empty())
    out.push_back(fmt::format("ngram speculation: {} accepted tokens per step is a guess",
                              p.ngram_mean_accepted_tokens));
  if (e.kv_cache_dtype != "auto") out.push_back("fp8 KV cache: KV bytes halved, not fitted");
  if (!e.enable_chunked_prefill) out.push_back("chunked prefill off: whole-prompt steps");
  if (e.cpu_offload_gb > 0) out.push_back("CPU offload: PCIe figure from the datasheet");
  return out;
}

Result<PredictInputs> load_inputs(const PredictOptions& a) {
  auto plan = matrix::load_plan(a.plan);
  if (!plan) return plan.error();
  auto base = sim::load_sim_profile(a.profile);
  if (!base) return base.error();
  if (!base->calibration.present)
    std::cerr << "predict: warning: " << a.profile
              << " is not a calibrated profile (no calibration section): its error is unknown\n";
  auto profile_sha = sha256_file(a.profile);
  if (!profile_sha) return profile_sha.error();
  // --hardware: carry the profile to another GPU by its published figures.
  std::vector<std::string> assumptions;
  if (!a.hardware.empty()) {
    auto hw = sim::load_sim_profile(a.hardware);
    if (!hw) return hw.error();
    auto t = twin::transfer_profile(*base, hw->hardware);
    assumptions = t.assumptions;
    base = std::move(t.profile);
  }
  const std::string wl_path =
      a.workload.empty() ? resolve(plan->workload.path, plan->file) : a.workload;
  auto wl = workload::read_workload(wl_path);
  if (!wl) return wl.error().context("workload");
  auto wl_sha = sha256_file(wl_path);
  if (!wl_sha) return wl_sha.error();
  const BenchModel bm = bench_model(plan->bench_args);
  return PredictInputs{
      std::move(*plan), std::move(*base),   std::move(*profile_sha), std::move(assumptions),
      wl_path,          std::move(*wl_sha), std::move(*wl),          bm};
}

Result<ConfigModel> config_model(const std::string& cfg_path_raw, const PredictInputs& in) {
  ConfigModel c;
  c.cfg_path = resolve(cfg_path_raw, in.plan.file);
  auto cfg = engine::load_engine_config(c.cfg_path);
  if (!cfg) return cfg.error();
  c.cfg = std::move(*cfg);
  c.profile = in.base;
  c.profile.engine = sim::EngineArgs{};
  auto flags = apply_vllm_flags(c.profile.engine, c.cfg.engine.args);
  if (!flags) return flags.error().context(c.cfg_path);
  c.unmodelled = flags->unmodelled;
  c.error_list = in.base.calibration.errors_for(c.cfg.name);
  c.unvalidated = unvalidated_mechanisms(c.profile.engine, c.profile, c.error_list != nullptr);
  if (!c.error_list)
    c.unvalidated.insert(c.unvalidated.begin(), in.assumptions.empty()
                                                    ? "no held-out run of this configuration"
                                                    : "transferred to an unmeasured GPU");
  return c;
}

}  // namespace l4lab::twin
