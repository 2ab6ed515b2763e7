// `l4lab serve-sim` as a function: flags named as vLLM's, so a matrix
// configuration can treat serve-sim as an engine whose configurations differ
// by one flag. src/cli/sim_commands.cpp parses the command line into
// ServeSimOptions; run_serve_sim returns the exit status (0 stopped, 1 the
// server failed, 2 bad input).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/server_limits.h"

namespace l4lab::sim {

// An option given on the command line, in the order the command declares
// them: its long name without dashes ("max-model-len") and its value as
// typed (none for a flag).
struct GivenOption {
  std::string name;
  std::optional<std::string> value;
};

struct ServeSimOptions {
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
  ServerLimits limits;
  // What was given: the profile's values are overridden only by these, and
  // they are echoed as vLLM does ("non-default args: {...}").
  std::vector<GivenOption> given;
};

int run_serve_sim(const ServeSimOptions& o);

}  // namespace l4lab::sim
