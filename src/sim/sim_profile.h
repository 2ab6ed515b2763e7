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
  // FP8 GEMMs (--quantization fp8) reach a different share of their peak;
  // absent: the same as compute_efficiency (fitted from an fp8 run).
  std::optional<double> compute_efficiency_fp8;
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
  // From a request's arrival to the scheduler seeing it (tokenisation,
  // hand-off to the engine core); 0 in the first-principles profiles.
  double request_ms = 0;
  // Added to request_ms per request already in the engine when one arrives
  // (waiting, running or still being handed off): the API server tokenises a
  // new request on the same event loop that detokenises and streams every
  // running one, so the hand-off slows as streams grow (fitted by
  // `l4lab calibrate` from runs at two or more concurrencies; 0 otherwise).
  double request_per_inflight_ms = 0;
  // Per step with --quantization fp8, beyond the halved weight read
  // (activation quantisation at every linear layer; fitted from an fp8 run).
  double fp8_weights_step_ms = 0;
};

// Where a calibrated profile came from (`l4lab calibrate`): kept as text so
// predicted reports can quote it; absent in hand-written profiles.
struct CalibrationInfo {
  bool present = false;
  std::string yaml;           // the profile's `calibration:` section, as written
  std::string fitted_config;  // calibration.fitted_config, e.g. "C1"
  double client_gap_ms = 0;   // calibration.client_gap_ms: the bench's send-after-end gap
  // calibration.eager_config: the configuration whose runs fitted
  // overheads.eager_extra_ms, e.g. "C3"; "" when it is the base profile's guess.
  std::string eager_config;
  using Errors = std::vector<std::pair<std::string, double>>;  // metric -> relative error
  // calibration.validation.relative_error: held-out runs of the fitted
  // configuration (e.g. "ttft_p50_ms" -> 0.07), printed beside predicted figures.
  Errors validation_error;
  // calibration.validation.relative_error_by_config: held-out configurations
  // the profile predicts through its mechanisms (e.g. C8 through fp8 weights).
  std::vector<std::pair<std::string, Errors>> validation_error_by_config;
  std::string validation_note;  // what was held out
  // The errors that apply to a configuration: its own held-out ones, else the
  // fitted configuration's when it is that one; nullptr when never validated.
  const Errors* errors_for(const std::string& config) const {
    for (const auto& [c, e] : validation_error_by_config)
      if (c == config) return &e;
    if (config == fitted_config && !validation_error.empty()) return &validation_error;
    return nullptr;
  }
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
  std::optional<double>
      attn_ms_per_token_pos;  // fitted: attention does not follow the weights' dtype
};

// How a step's costs combine (docs/SERVE_SIM.md#engine-model):
//   roofline: overhead + max(memory time, compute time) + per_seq * seqs
//             (the first-principles profiles);
//   additive: overhead + memory time + compute time + per_seq * seqs
//             (what `l4lab calibrate` fits: linear in the step's work).
enum class StepModel { kRoofline, kAdditive };

struct SimProfile {
  std::string name = "l4-mistral7b";
  std::string approximates;
  std::string source_path;  // "" when built in code
  SimMode mode = SimMode::kModelled;
  StepModel step_model = StepModel::kRoofline;
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
  CalibrationInfo calibration;
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
  double request_overhead_ms = 0;               // arrival -> scheduler
  double request_overhead_per_inflight_ms = 0;  // + this x requests already in the engine
  int num_speculative_tokens = 0;
  double mean_accepted_tokens = 0;
};

Result<SimProfile> parse_sim_profile(const std::string& yaml_text, const std::string& where);
Result<SimProfile> load_sim_profile(const std::string& path);
// The profile as YAML that parse_sim_profile reads back to the same values
// (calibration copied as written; faults are not written: calibrated
// profiles have none).
std::string sim_profile_yaml(const SimProfile& p);
Result<DerivedCosts> derive_costs(const SimProfile& p);
// Checks the engine arguments the way vLLM refuses to start (e.g. a token
// budget below max_model_len without chunked prefill).
Status validate_profile(const SimProfile& p);

}  // namespace l4lab::sim
