// The metrics of one group of requests (a run, a pooled configuration, or a
// task/bucket slice of either). Definitions: docs/METRICS.md.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "analysis/analysis_options.h"
#include "analysis/run_data.h"

namespace l4lab::analysis {

// A latency distribution: sample count next to every percentile.
struct Dist {
  size_t n = 0;
  double mean = kNaN;
  double p50 = kNaN;
  double p95 = kNaN;
  double p99 = kNaN;
  double min = kNaN;
  double max = kNaN;
};
// Reorders `values` (partial selection, not a full sort).
Dist summarize(std::vector<double>& values);

struct GroupMetrics {
  size_t requests = 0;  // measured-phase requests (one per traces.jsonl line)
  size_t ok = 0;
  size_t failed = 0;
  double success_rate = kNaN;
  double window_s = kNaN;     // first measured send to last measured end
  int64_t prompt_tokens = 0;  // ok requests
  int64_t output_tokens = 0;  // ok requests
  double request_throughput = kNaN;
  double output_throughput = kNaN;
  double total_token_throughput = kNaN;
  Dist ttft_ms, tpot_ms, itl_ms, e2e_ms, ttft_sched_ms, e2e_sched_ms;
  size_t good = 0;  // ok and within every SLO given
  double goodput_rps = kNaN;
  double goodput_fraction = kNaN;  // good / requests
  size_t prompt_compared = 0;      // requests whose server prompt count was known
  size_t prompt_agree = 0;
  double prompt_agreement_rate = kNaN;
  // failure_class -> failure_detail -> count
  std::map<std::string, std::map<std::string, size_t>> failures;
};

// One request's SLO verdict, as vLLM does it: TPOT is taken as 0 for a
// request with at most one output token.
bool meets_slos(const RequestSample& r, const AnalysisOptions& o);

// Metrics over the measured requests among `reqs` with a given window (s).
// with_itl=false skips ITL (task/bucket slices: it pools every chunk gap and
// no slice table shows it).
GroupMetrics compute_group(std::span<const RequestSample* const> reqs, double window_s,
                           const AnalysisOptions& o, bool with_itl = true);

// The measurement window of a run in ns: [first measured t_sent, last
// measured t_end]; {0,0} when no measured request has both.
struct Window {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  double seconds() const { return static_cast<double>(end_ns - start_ns) / 1e9; }
  bool valid() const { return end_ns > start_ns; }
};
Window measurement_window(std::span<const RequestSample> reqs);

}  // namespace l4lab::analysis
