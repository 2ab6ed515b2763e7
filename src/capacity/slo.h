// The service-level objectives a capacity search holds a step to, parsed
// from `--slo` texts (docs/CAPACITY.md#slos):
//   ttft_p95_ms=2000   the 95th percentile of TTFT is at most 2000 ms
//   tpot_p99_ms=100    (metrics: ttft, tpot, e2e; any percentile 50-99.9)
//   goodput=0.9        at least 90% of requests succeed and meet every
//                      latency limit above taken per request (vLLM-style
//                      goodput; needs at least one latency SLO)
// Latencies are the lab's one definition (metrics/latency.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace l4lab::capacity {

enum class SloMetric { ttft, tpot, e2e };
std::string_view slo_metric_name(SloMetric m);

struct LatencySlo {
  SloMetric metric = SloMetric::ttft;
  double percentile = 95;  // in (0, 100)
  double limit_ms = 0;
  // The allowed fraction of requests beyond the limit: the percentile
  // holds at the limit exactly when at most this fraction lies beyond it.
  double allowed_fraction() const { return 1 - percentile / 100; }
  std::string text() const;  // "ttft_p95_ms=2000"
};

struct SloSet {
  std::vector<LatencySlo> latency;
  std::optional<double> goodput_fraction;
  bool empty() const { return latency.empty() && !goodput_fraction; }
  std::vector<std::string> texts() const;
};

// One `--slo` value; the error names the text and what is wrong with it.
Result<LatencySlo> parse_latency_slo(std::string_view text);
// Every `--slo` value; at least one; goodput needs a latency SLO.
Result<SloSet> parse_slos(const std::vector<std::string>& texts);

}  // namespace l4lab::capacity
