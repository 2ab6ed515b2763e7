// run_manifest.json (docs/FORMATS.md): what ran, where, on what, and how it
// ended. Written when a run starts (outcome "interrupted" until it ends, so a
// killed run reads truthfully) and rewritten at the end.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine_config.h"
#include "engine/engine_log.h"
#include "telemetry/gpu_source.h"
#include "telemetry/host_info.h"

namespace l4lab::matrix {

struct Outcome {
  std::string status = "interrupted";
  std::string reason = "the run started and has not finished (or l4lab was killed)";
  std::string evidence;
  std::optional<int> exit_code;
};

struct WorkloadRef {
  std::string path;
  std::string sha256;
  long count = 0;
  std::string source_path;  // the full workload a subset was taken from
  std::string source_sha256;
  int per_cell = 0;
  std::string tokenizer_id, tokenizer_sha256;
  std::optional<long> seed;
};

struct ManifestInput {
  const engine::EngineConfig* config = nullptr;
  int trial = 1;
  std::vector<std::string> engine_argv;
  std::map<std::string, std::string> engine_env;  // the config's env (redacted on write)
  std::string engine_version;
  std::string served_model;
  WorkloadRef workload;
  std::optional<long> schedule_seed;
  std::vector<std::string> bench_argv;
  telemetry::HostInfo host;
  std::optional<telemetry::GpuInfo> gpu;
  std::string gpu_reason;
  std::optional<telemetry::CloudInfo> cloud;
  int64_t anchor_wall_ns = 0, anchor_mono_ns = 0;
  std::string started_at, ended_at;
  Outcome outcome;
  engine::Applied applied;
  nlohmann::json extra;             // lab-side details: probe, port, startup_s, telemetry stats
  nlohmann::json price;             // the plan's price for its machine, or null
  nlohmann::json engine_overrides;  // what the plan's engine_overrides changed, or null
};

// Env names containing KEY, TOKEN, SECRET or PASSWORD (any case) -> "<redacted>".
std::map<std::string, std::string> redact_env(const std::map<std::string, std::string>& env);
// Redacts the values of argv flags with a secret word (--api-key X,
// --hf-token=X; not --max-num-batched-tokens).
std::vector<std::string> redact_argv(const std::vector<std::string>& argv);
nlohmann::json build_manifest(const ManifestInput& in);
// A manifest's "gpu" object (name, count, memory, driver, CUDA, uuid, source);
// also capacity's engine.json.
nlohmann::json gpu_json(const telemetry::GpuInfo& g);
// A manifest's "host" object (CPU model and identity, the CPU probe, cores,
// memory, OS, kernel, hostname); also capacity's engine.json.
nlohmann::json host_json(const telemetry::HostInfo& h);

}  // namespace l4lab::matrix
