// `l4lab serve-sim`: the profile with the flags given on top, the
// "non-default args" line, then the server until it stops.
#include "sim/serve_sim_command.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "sim/engine_model.h"
#include "sim/profile_provenance.h"
#include "sim/python_repr.h"
#include "sim/sim_profile.h"
#include "sim/sim_server.h"

namespace l4lab::sim {

int run_serve_sim(const ServeSimOptions& f) {
  sim::SimProfile profile;
  if (!f.config.empty()) {
    auto p = sim::load_sim_profile(f.config);
    if (!p) {
      std::cerr << "serve-sim: " << p.error().message() << "\n";
      return 2;
    }
    profile = std::move(*p);
  }
  auto given = [&](const std::string& name) {
    return std::any_of(f.given.begin(), f.given.end(),
                       [&](const GivenOption& g) { return g.name == name; });
  };
  auto& e = profile.engine;
  const bool chunked_given = given("enable-chunked-prefill");
  if (given("max-model-len")) e.max_model_len = f.max_model_len;
  if (given("max-num-seqs")) e.max_num_seqs = f.max_num_seqs;
  if (chunked_given) e.enable_chunked_prefill = f.chunked_prefill;
  if (given("max-num-batched-tokens")) {
    e.max_num_batched_tokens = f.max_num_batched_tokens;
  } else if (!e.enable_chunked_prefill) {
    // vLLM without chunked prefill defaults the budget to max_model_len.
    e.max_num_batched_tokens = std::max(e.max_num_batched_tokens, e.max_model_len);
  }
  if (given("enforce-eager")) e.enforce_eager = f.enforce_eager;
  if (given("kv-cache-dtype")) e.kv_cache_dtype = f.kv_cache_dtype;
  if (given("speculative-config")) e.speculative_config = f.speculative_config;
  if (given("quantization")) e.quantization = f.quantization == "none" ? "" : f.quantization;
  if (given("gpu-memory-utilization")) e.gpu_memory_utilization = f.gpu_memory_utilization;
  if (given("cpu-offload-gb")) e.cpu_offload_gb = f.cpu_offload_gb;
  if (f.exact_ttft_ms >= 0 || f.exact_itl_ms >= 0) {
    profile.mode = sim::SimMode::kExact;
    if (f.exact_ttft_ms >= 0) profile.exact.ttft_ms = f.exact_ttft_ms;
    if (f.exact_itl_ms >= 0) profile.exact.itl_ms = f.exact_itl_ms;
  }

  // What was asked for, as vLLM prints it: "non-default args: {...}".
  std::string args;
  for (const GivenOption& opt : f.given) {
    std::string key = opt.name;
    for (auto& c : key)
      if (c == '-') c = '_';
    std::string value;
    if (key == "enable_chunked_prefill") {
      value = f.chunked_prefill ? "True" : "False";
    } else if (!opt.value) {
      value = "True";
    } else if (key == "speculative_config") {
      value = python_repr_of_json(f.speculative_config);
    } else {
      value = python_repr_of_scalar(*opt.value);
    }
    if (!args.empty()) args += ", ";
    args += "'" + key + "': " + value;
  }
  std::printf("INFO serve-sim non-default args: {%s}\n", args.c_str());
  std::fflush(stdout);

  sim::SimServerOptions o;
  o.profile = profile;
  o.host = f.host;
  o.port = f.port;
  o.tokenizer_spec = f.tokenizer;
  o.seed = f.seed;
  o.time_scale = f.time_scale;
  o.served_model_name = f.served_model_name;
  o.handle_signals = true;
  o.workers = f.workers;
  o.limits = f.limits;
  auto server = sim::SimServer::create(o);
  if (!server) {
    std::cerr << "serve-sim: " << server.error().message() << "\n";
    return 2;
  }
  auto costs = sim::derive_costs(profile);
  if (profile.mode == sim::SimMode::kQueue) {
    std::printf(
        "INFO serve-sim profile '%s' mode queue (SIMULATED, M/M/c known-answer server): slots=%d "
        "service_mean_ms=%g ttft_ms=%g itl_ms=%g time_scale=%g\n",
        profile.name.c_str(), profile.queue.slots, profile.queue.service_mean_ms,
        profile.queue.ttft_ms, profile.queue.itl_ms, f.time_scale);
  } else if (profile.mode == sim::SimMode::kExact) {
    std::printf(
        "INFO serve-sim profile '%s' mode exact (SIMULATED): ttft_ms=%g itl_ms=%g time_scale=%g\n",
        profile.name.c_str(), profile.exact.ttft_ms, profile.exact.itl_ms, f.time_scale);
  } else {
    std::printf(
        "INFO serve-sim profile '%s' mode modelled (SIMULATED, a model of %s, never a "
        "measurement): kv_capacity_tokens=%ld decode_base_ms=%.3f kv_read_ms_per_1k_tokens=%.3f "
        "prefill_ms_per_token=%.4f step_overhead_ms=%.2f num_speculative_tokens=%d time_scale=%g\n",
        profile.name.c_str(), profile.hardware.name.c_str(), costs->kv_capacity_tokens,
        costs->decode_base_ms, costs->kv_read_ms_per_token * 1000, costs->compute_ms_per_token,
        costs->step_overhead_ms, costs->num_speculative_tokens, f.time_scale);
  }
  std::printf("%s%s\n", sim::kProfileSourcePrefix, sim::profile_provenance(profile).c_str());
  std::printf("INFO serve-sim model id: %s\n", (*server)->model_id().c_str());
  std::printf("INFO serve-sim ready on http://%s:%d\n", f.host.c_str(), (*server)->port());
  std::fflush(stdout);
  auto st = (*server)->run();
  if (!st.ok()) {
    std::cerr << "serve-sim: " << st.error().message() << "\n";
    return 1;
  }
  std::printf("INFO serve-sim stopped\n");
  std::fflush(stdout);
  return 0;
}

}  // namespace l4lab::sim
