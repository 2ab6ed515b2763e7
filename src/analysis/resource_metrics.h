// GPU and engine-side figures of a run, limited to its measurement window.
// Definitions: docs/METRICS.md#vram, #energy, #kv-cache, #engine-histograms.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analysis/group_metrics.h"
#include "analysis/run_data.h"

namespace l4lab::analysis {

struct GpuSummary {
  size_t samples = 0;  // inside the window
  double vram_peak_mib = kNaN;
  double mem_total_mib = kNaN;
  double headroom_mib = kNaN;  // total - peak
  double mean_power_w = kNaN;  // time-weighted (energy / covered time)
  double energy_j = kNaN;      // trapezoid rule over power samples in the window
  double covered_s = kNaN;     // time between first and last sample used
  std::string missing_reason;  // why there is nothing, when samples == 0
  // (t_ns, mem_used_mib) of every sample, for the chart.
  std::vector<std::pair<int64_t, double>> vram_series;
};
GpuSummary summarize_gpu(std::span<const GpuSample> samples, Window w,
                         const std::string& gpu_reason);

// One bucket of a cumulative Prometheus histogram, counts as deltas over the
// window (last scrape minus first).
struct HistBucket {
  double le = 0;  // +inf for the last
  double count = 0;
};
struct EngineHistogram {
  std::string name;
  double count = 0;
  double sum = 0;
  std::vector<HistBucket> buckets;  // ascending le, cumulative counts
  bool present() const { return count > 0 && !buckets.empty(); }
};
// Where the lab's value sits in the engine's histogram, and which bucket the
// engine's own q-quantile falls in.
struct HistPlacement {
  double q = 0;
  double lab_value_s = kNaN;
  double lab_lo_s = kNaN, lab_hi_s = kNaN;  // bucket (lo, hi] holding the lab's value
  double engine_frac_le_lo = kNaN, engine_frac_le_hi = kNaN;
  double engine_q_lo_s = kNaN, engine_q_hi_s = kNaN;  // bucket holding engine's quantile
};
HistPlacement place_in_histogram(const EngineHistogram& h, double q, double lab_value_s);

struct EngineSummary {
  size_t scrapes = 0;
  size_t kv_samples = 0;
  double kv_usage_max = kNaN;         // fraction 0-1
  double kv_usage_mean = kNaN;        // mean over scrapes in the window
  std::optional<double> preemptions;  // delta of vllm:num_preemptions_total
  EngineHistogram ttft, e2e;
  // Phases of the first and last scrape the deltas use: "before" and "after"
  // when they cover the whole bench run.
  std::string first_phase, last_phase;
  // (t_ns, kv fraction) for the chart
  std::vector<std::pair<int64_t, double>> kv_series;
};
EngineSummary summarize_engine(std::span<const EngineScrape> scrapes, Window w);

// Which requests a run's engine histograms count, beside those the lab's
// percentiles use (docs/METRICS.md#engine-histograms). The engine counts what
// it served between the first and last scrape: the bench's warm-up and
// cool-down requests too, and failed requests that got far enough; the lab's
// percentiles use successful measured requests only.
struct RequestAccount {
  size_t lab_ok = 0;                            // measured and ok: the lab's percentiles
  size_t measured_failed = 0;                   // the engine may or may not count a failed request
  size_t warmup_ok = 0, warmup_failed = 0;      // the bench's warm-up phase (traces)
  size_t cooldown_ok = 0, cooldown_failed = 0;  // the bench's cool-down phase (traces)
  // The matrix's own warm-up requests inside the delta: only in runs whose
  // "before" scrape preceded them (recorded before lab_run.metrics_before).
  int matrix_warmup = 0;
  bool matrix_warmup_failed = false;
  double expected_lo() const;  // requests that succeeded: the engine counts each
  double expected_hi() const;  // plus the failed ones, which it may count
};
RequestAccount account_requests(std::span<const RequestSample> reqs, const RunManifest& m);

struct HistCoverage {
  bool present = false;        // the engine exposed this histogram with a count
  double engine_count = kNaN;  // count delta over the scrapes
  double expected_lo = kNaN, expected_hi = kNaN;
  bool whole_run = false;  // first scrape "before", last "after"
  bool adds_up = false;    // whole_run and expected_lo <= engine_count <= expected_hi
  std::string note;        // the account in words; says why when it does not add up
};
HistCoverage cover_histogram(const EngineHistogram& h, const EngineSummary& e,
                             const RequestAccount& a);

}  // namespace l4lab::analysis
