// The whole analysis of a RUNS_DIR: per run, per configuration (trials pooled
// and per trial), intervals, deltas against the baseline with a verdict, SLO
// breaks and comparability flags. Pure: StudyData in, numbers out; the report
// and `verify` both call summarize_study(), so verify recomputes exactly what
// the report wrote.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "analysis/analysis_options.h"
#include "analysis/bootstrap.h"
#include "analysis/group_metrics.h"
#include "analysis/machine_price.h"
#include "analysis/resource_metrics.h"
#include "analysis/run_loader.h"

namespace l4lab::analysis {

double stat_value(const GroupMetrics& g, Stat s);

struct RunSummary {
  std::string rel_dir;
  std::string config;
  int trial = 0;
  bool simulated = false;
  bool dummy_weights = false;
  bool predicted = false;
  std::string status;  // manifest outcome.status, "unknown" without a manifest
  std::string reason;
  std::string applied;
  std::string applied_evidence;
  std::string ran_on;  // host, or Slurm node and job (RunData's manifest.ran_on)
  std::string schedule_kind;
  bool open_loop = false;
  bool has_traces = false;
  size_t lines_skipped = 0;
  // The client's timing self-audit (docs/METRICS.md#timing-quality): "ok",
  // "timing degraded", "not measured", "too short to judge", or "" when
  // bench.json has none.
  std::string timing_verdict;
  double timing_canary_p99_ms = kNaN, timing_canary_max_ms = kNaN;
  Window window;
  GroupMetrics all;
  std::map<std::string, GroupMetrics> by_task, by_bucket;
  GpuSummary gpu;
  EngineSummary engine;
  EngineLogFacts engine_facts;  // start-up facts from engine.log (docs/METRICS.md#engine-facts)
  RunPrice price;               // the price charged, or why none (docs/METRICS.md#cost)
  double cost_per_mtok = kNaN;  // NaN when not priced
  double energy_per_output_token_j = kNaN;
  std::array<HistPlacement, 3> ttft_engine{}, e2e_engine{};  // p50, p95, p99
  // Which requests the engine's histograms count against the lab's
  // (docs/METRICS.md#engine-histograms).
  RequestAccount account;
  HistCoverage ttft_coverage, e2e_coverage;
  std::vector<std::string> warnings;
};

// A change against the baseline (docs/METRICS.md#deltas). The interval is
// the percentile interval of the paired ratios config_b / baseline_b of the
// two bootstraps, so a relative change never falls below -100%; the absolute
// interval is base * (ratio - 1).
inline constexpr const char* kNoVariance = "no variance measured";
// An interval that excludes 0 when the configuration or the baseline has a
// single trial with data: the interval holds request-to-request variation
// only, not run-to-run (engine start, host), so it is not a verdict.
inline constexpr const char* kOneTrial = "indicative (1 trial)";
// A configuration whose speed depends on the generated text (speculative
// decoding: how often drafts are accepted) run with dummy weights: the random
// text makes the change an artefact of the weights, not of the factor, so it
// is shown but no verdict (docs/METRICS.md#deltas).
inline constexpr const char* kDummyText = "artefact (dummy weights)";
struct Delta {
  Stat stat = Stat::request_throughput;
  double base = kNaN, value = kNaN;
  double delta = kNaN, lo = kNaN, hi = kNaN;  // value - base and its interval
  double rel_pct = kNaN, rel_lo_pct = kNaN, rel_hi_pct = kNaN;
  // better | worse | within noise | indicative (1 trial) | no variance measured |
  // artefact (dummy weights) | not comparable | n/a
  std::string verdict;
  std::string reason;  // why there is no interval or no verdict; "" otherwise
};

struct Spread {
  std::vector<double> per_trial;
  double min = kNaN, max = kNaN, sd = kNaN;
};

struct SloCheck {
  std::string slo;  // ttft | tpot | e2e
  double limit_ms = kNaN;
  double p95_ms = kNaN;
  double miss_fraction = kNaN;  // ok requests over the limit / ok requests
  bool broken = false;          // p95 above the limit
};

struct ConfigSummary {
  std::string name;
  std::string intent;
  std::string factor;
  bool simulated = false;
  bool dummy_weights = false;
  bool predicted = false;
  std::string prediction_profile;
  std::vector<std::pair<std::string, double>> prediction_error;  // metric -> relative error
  bool is_baseline = false;
  std::vector<size_t> runs;          // indices into StudySummary::runs
  bool has_data = false;             // at least one ok measured request
  std::vector<std::string> not_run;  // "trial-2: oom (reason)" for trials without data
  // Trials whose manifest says the configuration's flag was not applied
  // (applied.value == "false"): their numbers measure something else.
  std::vector<std::string> not_applied;
  GroupMetrics pooled;
  std::map<std::string, GroupMetrics> by_task, by_bucket;
  double vram_peak_mib = kNaN, headroom_mib = kNaN, mean_power_w = kNaN;
  double energy_per_output_token_j = kNaN;
  double kv_usage_max = kNaN;
  double preemptions = kNaN;
  // From the engine logs of its trials (docs/METRICS.md#engine-facts): the
  // smallest and largest KV capacity, and the weights' memory. NaN when no log said.
  double kv_cache_tokens_min = kNaN, kv_cache_tokens_max = kNaN;
  double weights_gib = kNaN, kv_cache_memory_gib = kNaN;
  std::string attention_backend;
  // The highest draft acceptance rate any trial's engine log reported (NaN:
  // no speculative decoding seen), with its line.
  double draft_acceptance_pct = kNaN;
  std::string draft_acceptance_line;
  // serve-sim's profile and its known error, as its trials' engine logs state
  // them (each distinct one once, in trial order).
  std::vector<std::string> sim_profile_sources;
  // The lab's load generator beside the engine: the largest CPU use (cores)
  // and resident memory over its trials (bench.json client_cpu).
  double client_cores_max = kNaN, client_rss_mib_max = kNaN;
  double cost_per_mtok = kNaN;  // NaN unless every trial with data is priced
  std::string cost_basis;       // the prices charged, when priced
  std::string cost_reason;      // why not priced
  std::array<double, kStatCount> point{};
  BootstrapResult boot;
  std::array<Spread, kStatCount> spread;
  std::vector<Delta> deltas;  // empty for the baseline
  std::vector<SloCheck> slos;
  std::vector<std::string> flags;  // comparability vs baseline, mixed trials
};

struct StudySummary {
  AnalysisOptions options;
  std::string runs_dir;
  std::string baseline;
  bool baseline_found = false;
  std::vector<RunSummary> runs;
  std::vector<ConfigSummary> configs;
  std::vector<std::string> warnings;
  bool any_simulated = false;
  bool all_simulated = false;  // every configuration (with runs) is simulated
  bool any_dummy_weights = false;
  bool any_predicted = false;
  bool all_dummy_weights = false;
};

StudySummary summarize_study(const StudyData& data, const AnalysisOptions& o);

// Stats the headline ranks configurations by.
inline constexpr std::array<Stat, 3> kHeadlineStats = {Stat::output_throughput, Stat::ttft_p95,
                                                       Stat::e2e_p99};
// Stats that get deltas and intervals in the tables.
inline constexpr std::array<Stat, 9> kDeltaStats = {
    Stat::request_throughput, Stat::output_throughput, Stat::goodput_rps,
    Stat::success_rate,       Stat::ttft_p95,          Stat::ttft_p99,
    Stat::tpot_p95,           Stat::e2e_p95,           Stat::e2e_p99};

}  // namespace l4lab::analysis
