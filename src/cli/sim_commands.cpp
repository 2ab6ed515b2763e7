// `l4lab serve-sim`: options into sim/serve_sim_command.h.
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "sim/serve_sim_command.h"

namespace l4lab::cli {

void register_sim_commands(CLI::App& app, int& status) {
  auto f = std::make_shared<sim::ServeSimOptions>();
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
  cmd->callback([f, cmd, &status] {
    f->given.clear();
    for (const CLI::Option* opt : cmd->get_options()) {
      if (opt->count() == 0 || opt->get_single_name() == "help") continue;
      f->given.push_back(
          {opt->get_single_name(), opt->get_expected_min() == 0
                                       ? std::nullopt
                                       : std::optional<std::string>(opt->as<std::string>())});
    }
    status = sim::run_serve_sim(*f);
  });
}

}  // namespace l4lab::cli
