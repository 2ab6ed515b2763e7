// Per-request latencies, each defined once here and in docs/METRICS.md (the
// anchor named beside each function). bench.json (client/bench_stats), the
// analysis (analysis/request_sample), the report and `verify` all call these,
// so one number has one definition and one implementation.
//
// Inputs are CLOCK_MONOTONIC stamps in ns from a trace line; outputs are ms.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace l4lab::metrics {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// (to - from) in ms.
double ms_between(int64_t from_ns, int64_t to_ns);

// docs/METRICS.md#ttft: t_first_token - t_sent (first content-bearing chunk).
inline double ttft_ms(int64_t t_sent_ns, int64_t t_first_token_ns) {
  return ms_between(t_sent_ns, t_first_token_ns);
}

// docs/METRICS.md#e2e: t_end - t_sent.
inline double e2e_ms(int64_t t_sent_ns, int64_t t_end_ns) {
  return ms_between(t_sent_ns, t_end_ns);
}

// docs/METRICS.md#tpot: (E2E - TTFT) / (completion_tokens - 1), from the two
// latencies above (not from the last chunk's stamp); NaN when the request has
// at most one output token or either latency is NaN.
double tpot_ms(double e2e_ms, double ttft_ms, int64_t completion_tokens);

// docs/METRICS.md#itl: the gaps between successive content chunks (per chunk,
// not per token), appended to `out` in order.
void append_itl_ms(std::span<const int64_t> chunk_t_ns, std::vector<double>& out);

}  // namespace l4lab::metrics
