// What a vLLM engine says about itself at start-up, read from a run's
// engine.log: KV-cache capacity, memory given to weights and to the KV cache,
// the attention backend, start-up and compile time. Each fact keeps the line
// it came from, so a reader can check it (docs/METRICS.md#engine-facts).
// Pure: text in, facts out; an engine that prints none of these lines (another
// engine, another version) gives empty facts, never a guess.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace l4lab::analysis {

struct EngineFact {
  double value = 0;
  std::string line;  // the log line it was read from (trimmed)
};

struct EngineLogFacts {
  std::optional<EngineFact> kv_cache_tokens;      // "GPU KV cache size: 915,744 tokens"
  std::optional<EngineFact> kv_cache_memory_gib;  // "Available KV cache memory: 111.79 GiB"
  std::optional<EngineFact> weights_gib;          // "Model loading took 13.51 GiB and ..."
  std::optional<EngineFact> max_concurrency;  // "Maximum concurrency for 8,192 tokens ...: 111.79x"
  std::optional<EngineFact> init_engine_s;    // "init engine (...) took 54.66 s (compilation: ...)"
  std::optional<EngineFact> compile_s;        // "... (compilation: 29.56 s)"
  // Speculative decoding, from vLLM's periodic "SpecDecoding metrics: ...
  // Avg Draft acceptance rate: 100.0%" line (the last one logged: an
  // interval's rate, not the run's). Present only when drafts were proposed.
  std::optional<EngineFact> draft_acceptance_pct;
  std::string attention_backend;  // "Using FLASH_ATTN attention backend"
  std::string attention_backend_line;
  // serve-sim: where its profile's numbers come from and their known error
  // ("INFO serve-sim profile source: ...", sim/profile_provenance.h).
  std::string sim_profile_source;
  bool any() const {
    return kv_cache_tokens || kv_cache_memory_gib || weights_gib || !attention_backend.empty();
  }
};

// The last occurrence of each line wins (an engine restarted in one log).
EngineLogFacts read_engine_log_facts(std::string_view log);

}  // namespace l4lab::analysis
