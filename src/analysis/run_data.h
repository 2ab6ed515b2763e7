// Plain structs for one run folder (docs/FORMATS.md), filled at the edge by
// run_loader; everything downstream works on these and never sees JSON.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/analysis_options.h"
#include "analysis/engine_log_facts.h"

namespace l4lab::analysis {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One traces.jsonl line reduced to what analysis needs, with the per-request
// latencies derived once (request_sample.cpp defines each).
struct RequestSample {
  std::string request_id;
  std::string task;
  std::string bucket;
  bool measured = true;            // phase == "measured"
  std::string phase = "measured";  // warmup | measured | cooldown, as traced
  bool ok = false;
  std::string failure_class;  // "" when ok
  std::string failure_detail;
  std::string error;
  int http_status = 0;  // 0: no response
  std::optional<int64_t> t_scheduled_ns;
  std::optional<int64_t> t_sent_ns;
  std::optional<int64_t> t_first_token_ns;
  std::optional<int64_t> t_end_ns;
  int64_t prompt_tokens_pre_send = 0;
  std::optional<int64_t> usage_prompt_tokens;
  int64_t completion_tokens = 0;  // usage_completion_tokens, 0 when absent
  std::optional<bool> prompt_count_mismatch;
  std::vector<double> itl_ms;  // gaps between successive content chunks
  // Derived (NaN when not defined for this request).
  double ttft_ms = kNaN;
  double e2e_ms = kNaN;
  double tpot_ms = kNaN;
  double ttft_sched_ms = kNaN;
  double e2e_sched_ms = kNaN;

  // The prompt size counted in token throughput: the server's count when it
  // reported one, else the lab's pre-send count.
  int64_t prompt_tokens() const { return usage_prompt_tokens.value_or(prompt_tokens_pre_send); }
};

struct RunManifest {
  bool present = false;
  std::string schema;
  std::string config_name;
  std::string config_intent;
  std::string config_factor;
  std::string config_file;
  std::string config_sha256;
  int trial = 0;
  bool simulated = false;
  bool dummy_weights = false;  // engine ran random weights: speed real, text random
  // `l4lab predict` wrote it: serve-sim's model in virtual time with a
  // calibrated profile (docs/TWIN.md); the profile's validation error, per
  // metric, as recorded in the manifest.
  bool predicted = false;
  std::string prediction_profile;
  std::vector<std::pair<std::string, double>> prediction_error;
  std::string engine_name;
  std::string engine_version;
  std::string model;
  std::string tokenizer_id;
  std::string workload_path;
  std::string workload_sha256;
  int64_t workload_count = 0;
  std::string outcome_status;  // ok, unsupported, start_failed, ..., "" if absent
  std::string outcome_reason;
  std::string outcome_evidence;
  std::string applied_value;  // true | false | unknown | ""
  std::string applied_evidence;
  std::optional<double> gpu_mem_total_mib;
  std::string gpu_name;  // gpu.name; "" when gpu is null (no GPU)
  int gpu_count = 0;     // gpu.count; 0 when not recorded
  std::string gpu_reason;
  std::string machine_type;  // cloud.machine_type, "" when not recorded
  // Where it ran: host.hostname, or for a Slurm task (lab_run.scheduler,
  // docs/DISTRIBUTED.md) "node n1, Slurm job 12_3"; "" when not recorded.
  std::string ran_on;
  // lab_run (written by the matrix): its warm-up requests, whether they
  // failed, and whether the /metrics "before" scrape came after them
  // (lab_run.metrics_before == "after_warmup"; older runs scraped first).
  bool has_lab_run = false;
  int lab_warmup_requests = 0;
  bool lab_warmup_error = false;
  bool metrics_before_after_warmup = false;
  // `price`: the plan's price for the machine it was meant for, if it gave one.
  std::optional<MachinePrice> plan_price;
  std::string started_at;
  std::string ended_at;
};

struct BenchInfo {
  bool present = false;
  std::string schedule_kind;  // e.g. closed, constant, poisson (as written)
  std::optional<double> concurrency;
  std::optional<double> rate;
  std::string model;
  bool open_loop = false;
  // client_cpu: the bench process's own CPU use (cores = CPU s / run wall s).
  std::optional<double> client_cores;
  std::optional<double> client_max_rss_mib;
  // timing_quality: the client's self-audit (docs/METRICS.md#timing-quality);
  // empty verdict when bench.json has none (older runs, other clients).
  std::string timing_verdict;
  std::optional<double> timing_canary_p99_ms, timing_canary_max_ms;
};

struct GpuSample {
  int64_t t_ns = 0;
  double mem_used_mib = kNaN;
  double mem_total_mib = kNaN;
  double power_w = kNaN;
  double util_pct = kNaN;
};

// One engine_metrics.jsonl scrape, keeping only the series analysis uses.
struct EngineSample {
  std::string name;
  std::string le;  // histogram bucket bound as written ("+Inf" included), else ""
  double value = 0;
};
struct EngineScrape {
  int64_t t_ns = 0;
  std::string phase;
  std::vector<EngineSample> samples;
};

struct RunData {
  std::string dir;      // absolute or as given
  std::string rel_dir;  // relative to RUNS_DIR, e.g. C2/trial-1
  std::string config_name;
  int trial = 0;
  RunManifest manifest;
  BenchInfo bench;
  bool has_traces = false;
  std::vector<RequestSample> requests;
  std::vector<GpuSample> gpu;
  std::vector<EngineScrape> engine;
  EngineLogFacts engine_facts;        // from engine.log, when the engine printed them
  std::vector<std::string> warnings;  // each names file:line and what was wrong
  size_t trace_lines_skipped = 0;
};

}  // namespace l4lab::analysis
