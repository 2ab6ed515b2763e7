// Goodput (docs/METRICS.md#goodput): requests that succeeded and met every
// SLO given, per second of the measurement window.
#pragma once

#include <cstddef>
#include <optional>

namespace l4lab::metrics {

struct Slos {
  std::optional<double> ttft_ms, tpot_ms, e2e_ms;
  bool any() const { return ttft_ms || tpot_ms || e2e_ms; }
};

// One request's SLO verdict, as vLLM does it: a request with at most one
// output token (TPOT NaN) counts as TPOT 0. A NaN TTFT or E2E never meets an
// SLO on it.
bool meets_slos(bool ok, double ttft_ms, double tpot_ms, double e2e_ms, const Slos& slos);

// good / window_s; NaN when the window is not positive.
double goodput_rps(size_t good, double window_s);

}  // namespace l4lab::metrics
