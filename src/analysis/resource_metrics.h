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
  // (t_ns, kv fraction) for the chart
  std::vector<std::pair<int64_t, double>> kv_series;
};
EngineSummary summarize_engine(std::span<const EngineScrape> scrapes, Window w);

}  // namespace l4lab::analysis
