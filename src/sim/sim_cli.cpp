// `l4lab serve-sim`: flags named as vLLM's, so a matrix configuration can
// treat serve-sim as an engine whose configurations differ by one flag.
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "sim/engine_model.h"
#include "sim/profile_provenance.h"
#include "sim/python_repr.h"
#include "sim/sim_profile.h"
#include "sim/sim_server.h"

namespace l4lab::cli {

namespace {

struct SimFlags {
  std::string config, host = "127.0.0.1", tokenizer, served_model_name;
  int port = 8000;
  uint64_t seed = 0;
  double time_scale = 1.0;
  int max_model_len = 0, max_num_seqs = 0, max_num_batched_tokens = 0;
  bool chunked_prefill = true, enforce_eager = false;
  std::string kv_cache_dtype, speculative_config, quantization;
  double gpu_memory_utilization = 0, cpu_offload_gb = 0;
  double exact_ttft_ms = -1, exact_itl_ms = -1;
  int workers = 1;
  sim::ServerLimits limits;
};

int run_serve_sim(const SimFlags& f, const CLI::App& cmd) {
  sim::SimProfile profile;
  if (!f.config.empty()) {
    auto p = sim::load_sim_profile(f.config);
    if (!p) {
      std::cerr << "serve-sim: " << p.error().message() << "\n";
      return 2;
    }
    profile = std::move(*p);
  }
  auto given = [&](const char* name) { return cmd.get_option(name)->count() > 0; };
  auto& e = profile.engine;
  const bool chunked_given = given("--enable-chunked-prefill");
  if (given("--max-model-len")) e.max_model_len = f.max_model_len;
  if (given("--max-num-seqs")) e.max_num_seqs = f.max_num_seqs;
  if (chunked_given) e.enable_chunked_prefill = f.chunked_prefill;
  if (given("--max-num-batched-tokens")) {
    e.max_num_batched_tokens = f.max_num_batched_tokens;
  } else if (!e.enable_chunked_prefill) {
    // vLLM without chunked prefill defaults the budget to max_model_len.
    e.max_num_batched_tokens = std::max(e.max_num_batched_tokens, e.max_model_len);
  }
  if (given("--enforce-eager")) e.enforce_eager = f.enforce_eager;
  if (given("--kv-cache-dtype")) e.kv_cache_dtype = f.kv_cache_dtype;
  if (given("--speculative-config")) e.speculative_config = f.speculative_config;
  if (given("--quantization")) e.quantization = f.quantization == "none" ? "" : f.quantization;
  if (given("--gpu-memory-utilization")) e.gpu_memory_utilization = f.gpu_memory_utilization;
  if (given("--cpu-offload-gb")) e.cpu_offload_gb = f.cpu_offload_gb;
  if (f.exact_ttft_ms >= 0 || f.exact_itl_ms >= 0) {
    profile.mode = sim::SimMode::kExact;
    if (f.exact_ttft_ms >= 0) profile.exact.ttft_ms = f.exact_ttft_ms;
    if (f.exact_itl_ms >= 0) profile.exact.itl_ms = f.exact_itl_ms;
  }

  // What was asked for, as vLLM prints it: "non-default args: {...}".
  std::string args;
  for (const CLI::Option* opt : cmd.get_options()) {
    if (opt->count() == 0 || opt->get_single_name() == "help") continue;
    std::string key = opt->get_single_name();
    for (auto& c : key)
      if (c == '-') c = '_';
    std::string value;
    if (key == "enable_chunked_prefill") {
      value = f.chunked_prefill ? "True" : "False";
    } else if (opt->get_expected_min() == 0) {
      value = "True";
    } else if (key == "speculative_config") {
      value = sim::python_repr_of_json(f.speculative_config);
    } else {
      value = sim::python_repr_of_scalar(opt->as<std::string>());
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

}  // namespace

void register_sim_commands(CLI::App& app) {
  auto f = std::make_shared<SimFlags>();
  CLI::App* cmd = app.add_subcommand(
      "serve-sim",
      "A SIMULATED OpenAI-compatible engine (vLLM's API, metrics and batching behaviour, modelled "
      "from a profile; never a measurement)");
  cmd->add_option("--config", f->config,
                  "Profile YAML (configs/sim-profiles/); default: the built-in l4-mistral7b");
  cmd->add_option("--host", f->host, "IPv4 address to listen on")->capture_default_str();
  cmd->add_option("--port", f->port, "Port (0: an ephemeral one, printed)")->capture_default_str();
  cmd->add_option("--tokenizer", f->tokenizer,
                  "Tokenizer spec (workload/tokenizer_locator.h); default: the study's Mistral v3");
  cmd->add_option("--seed", f->seed, "Seed of every random choice")->capture_default_str();
  cmd->add_option("--served-model-name", f->served_model_name,
                  "Model id to serve (default serve-sim/<profile>)");
  cmd->add_option(
         "--time-scale", f->time_scale,
         "Divide all modelled times by this (smoke runs); shown in /metrics and the model id")
      ->capture_default_str();
  cmd->add_option("--max-model-len", f->max_model_len, "Context length (vLLM)");
  cmd->add_option("--max-num-seqs", f->max_num_seqs, "Max concurrent sequences (vLLM)");
  cmd->add_option("--max-num-batched-tokens", f->max_num_batched_tokens,
                  "Token budget per engine step (vLLM)");
  cmd->add_flag("--enable-chunked-prefill,!--no-enable-chunked-prefill", f->chunked_prefill,
                "Chunked prefill on/off (vLLM)");
  cmd->add_flag("--enforce-eager", f->enforce_eager,
                "No CUDA graphs: adds the profile's eager per-step overhead (vLLM)");
  cmd->add_option("--kv-cache-dtype", f->kv_cache_dtype,
                  "auto | fp8 | fp8_e4m3 | fp8_e5m2: fp8 halves KV bytes per token (vLLM)");
  cmd->add_option("--speculative-config", f->speculative_config,
                  "JSON; method ngram: num_speculative_tokens drafts, the profile's mean accepted "
                  "tokens per step (vLLM)");
  cmd->add_option("--quantization", f->quantization,
                  "fp8: one byte per weight, FP8 tensor throughput (vLLM)");
  cmd->add_option("--gpu-memory-utilization", f->gpu_memory_utilization,
                  "Fraction of GPU memory for weights + KV (vLLM)");
  cmd->add_option("--cpu-offload-gb", f->cpu_offload_gb,
                  "GiB of weights kept in CPU memory, read over PCIe every step (vLLM)");
  cmd->add_option("--exact-ttft-ms", f->exact_ttft_ms,
                  "Exact mode: fixed time to first token (overrides the profile's mode)");
  cmd->add_option("--exact-itl-ms", f->exact_itl_ms, "Exact mode: fixed inter-token gap");
  cmd->add_option("--workers", f->workers,
                  "Exact mode: event loops on as many threads, sharing the port (one core "
                  "sends ~150k chunks/s on loopback; docs/perf/sim.md)")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes", f->limits.max_body_bytes,
                  "Largest request body; larger ones get 413")
      ->capture_default_str();
  cmd->add_option("--max-header-bytes", f->limits.max_header_bytes,
                  "Largest request line + headers; larger ones get 400 and a close")
      ->capture_default_str();
  cmd->add_option("--header-timeout", f->limits.header_timeout_s,
                  "Seconds a connection has to send a whole request (slowloris guard)")
      ->capture_default_str();
  cmd->add_option("--idle-timeout", f->limits.idle_timeout_s,
                  "Seconds without a byte from the client before its connection is closed, "
                  "while it is not being answered")
      ->capture_default_str();
  cmd->add_option("--max-connections", f->limits.max_connections,
                  "Open connections per worker; beyond, new ones wait in the listen backlog")
      ->capture_default_str();
  cmd->callback([f, cmd] { exit_code = run_serve_sim(*f, *cmd); });
}

}  // namespace l4lab::cli
