// Predicting a measured load and scoring the prediction (pure).
// replay_plan: the run's own requests in the order they were sent (warm-up
// included, as it loaded the engine), their prompt and output sizes, sent by
// a closed-loop client at the run's concurrency with the client's own gap
// between a response's end and the next send (measured from the traces).
// load_metrics_*: the figures the validation table compares, each defined as
// in docs/METRICS.md (TTFT, TPOT, E2E from src/metrics; output throughput
// over the measurement window; KV usage from /metrics scrapes inside the
// window), over measured requests only.
#pragma once

#include <string>
#include <vector>

#include "sim/virtual_run.h"
#include "twin/measured_request.h"

namespace l4lab::twin {

struct LoadMetrics {
  size_t requests = 0;
  double ttft_p50 = 0, ttft_p95 = 0, ttft_p99 = 0;
  double tpot_p50 = 0, tpot_p95 = 0, tpot_p99 = 0;
  double e2e_p50 = 0, e2e_p95 = 0, e2e_p99 = 0;
  double output_tok_s = 0;
  double kv_usage_mean = 0;  // 0-1, NaN when no scrape fell in the window
  double kv_usage_max = 0;
  double preemptions = 0;
};

struct ReplayPlan {
  std::vector<sim::VirtualRequest> requests;  // in send order
  std::vector<bool> measured;                 // per request
  sim::VirtualClient client;
};

// Median gap from the latest response end to each send that followed one
// (closed-loop think time of the client), in ms; 0 with too few requests.
double client_gap_ms(const std::vector<MeasuredRequest>& requests);

ReplayPlan replay_plan(const std::vector<MeasuredRequest>& requests, int concurrency,
                       double client_gap_ms);

// kv_usage: (t_ns, usage 0-1) scrapes of the run; preemptions as counted.
LoadMetrics measured_load_metrics(const std::vector<MeasuredRequest>& requests,
                                  const std::vector<std::pair<int64_t, double>>& kv_usage,
                                  double preemptions);
LoadMetrics predicted_load_metrics(const sim::VirtualRunResult& run,
                                   const std::vector<bool>& measured);

struct ErrorRow {
  std::string metric;  // e.g. ttft_p50_ms
  double measured = 0;
  double predicted = 0;
  double rel_error = 0;  // (predicted - measured) / measured; NaN when measured is 0
};
std::vector<ErrorRow> compare_loads(const LoadMetrics& measured, const LoadMetrics& predicted);

}  // namespace l4lab::twin
