// A serve-sim profile: everything the simulated engine's behaviour depends on,
// read from YAML (configs/sim-profiles/*.yaml) and then overridden by
// vLLM-named command-line flags. The struct defaults are the l4-mistral7b
// profile's physical quantities; docs/SERVE_SIM.md derives them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "sim/fault_spec.h"
#include "sim/queue_engine_timing.h"

namespace l4lab::sim {

enum class SimMode { kModelled, kExact, kQueue };

struct ModelShape {
  double params = 7.248e9;
  int layers = 32;
  int hidden_size = 4096;
  int kv_heads = 8;
  int head_dim = 128;
  double dtype_bytes = 2;  // BF16 weights and KV
};

struct HardwareShape {
  std::string name = "NVIDIA L4";
  double memory_gib = 22.49;  // 23034 MiB reported by nvidia-smi
  double memory_bandwidth_gbps = 300;
  double bandwidth_efficiency = 0.85;
  double tensor_tflops_bf16 = 121;
  double tensor_tflops_fp8 = 242;
  double compute_efficiency = 0.6;
  double activation_reserve_gib = 1.4;
  double pcie_gbps = 25;
};

// vLLM's engine arguments, by their vLLM names.
struct EngineArgs {
  int max_model_len = 8192;
  double gpu_memory_utilization = 0.9;
  int max_num_seqs = 256;
  int max_num_batched_tokens = 2048;
  bool enable_chunked_prefill = true;
  bool enforce_eager = false;
  std::string kv_cache_dtype = "auto";  // auto | fp8 | fp8_e4m3 | fp8_e5m2
  std::string quantization;             // "" | fp8
  std::string speculative_config;       // JSON text, "" when off
  double cpu_offload_gb = 0;
  int block_size = 16;
  bool preemption = true;  // false: reserve prompt+max_tokens at admission
};

struct Overheads {
  double step_ms = 2.0;
  double eager_extra_ms = 4.0;
  double per_seq_ms = 0.02;
};

struct ExactTiming {
  double ttft_ms = 50;
  double itl_ms = 10;
};

// Optional explicit values that replace the derived ones (small test profiles).
struct CostOverrides {
  std::optional<long> kv_capacity_tokens;
  std::optional<double> prefill_ms_per_token;
  std::optional<double> decode_base_ms;
};

struct SimProfile {
  std::string name = "l4-mistral7b";
  std::string approximates;
  std::string source_path;  // "" when built in code
  SimMode mode = SimMode::kModelled;
  ModelShape model;
  HardwareShape hardware;
  EngineArgs engine;
  Overheads overheads;
  ExactTiming exact;
  QueueTiming queue;  // mode: queue (sim/queue_engine.h)
  CostOverrides costs;
  double ngram_mean_accepted_tokens = 0.6;
  double eos_probability = 0.5;
  std::vector<FaultRule> faults;
};

// The numbers the engine model uses, derived from a profile (docs/SERVE_SIM.md).
struct DerivedCosts {
  double weight_bytes_on_gpu = 0;
  double kv_bytes_per_token = 0;
  long kv_capacity_tokens = 0;
  double decode_base_ms = 0;         // weights read once per step
  double kv_read_ms_per_token = 0;   // per context token resident in the batch
  double compute_ms_per_token = 0;   // dense FLOPs of one token
  double attn_ms_per_token_pos = 0;  // attention FLOPs of one token per prior position
  double step_overhead_ms = 0;       // incl. eager extra
  double per_seq_ms = 0;
  int num_speculative_tokens = 0;
  double mean_accepted_tokens = 0;
};

Result<SimProfile> parse_sim_profile(const std::string& yaml_text, const std::string& where);
Result<SimProfile> load_sim_profile(const std::string& path);
Result<DerivedCosts> derive_costs(const SimProfile& p);
// Checks the engine arguments the way vLLM refuses to start (e.g. a token
// budget below max_model_len without chunked prefill).
Status validate_profile(const SimProfile& p);

}  // namespace l4lab::sim
