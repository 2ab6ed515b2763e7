#include "metrics/latency.h"

#include <cmath>

namespace l4lab::metrics {

double ms_between(int64_t from_ns, int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e6;
}

double tpot_ms(double e2e_ms, double ttft_ms, int64_t completion_tokens) {
  if (completion_tokens <= 1 || std::isnan(e2e_ms) || std::isnan(ttft_ms)) return kNaN;
  return (e2e_ms - ttft_ms) / static_cast<double>(completion_tokens - 1);
}

void append_itl_ms(std::span<const int64_t> chunk_t_ns, std::vector<double>& out) {
  if (chunk_t_ns.size() < 2) return;
  // No reserve(size + n) here: it reallocates to the exact size on every
  // call, which copies the whole vector per request when `out` collects a
  // run's gaps (BenchStats); push_back's geometric growth stays amortised.
  for (size_t i = 1; i < chunk_t_ns.size(); ++i)
    out.push_back(ms_between(chunk_t_ns[i - 1], chunk_t_ns[i]));
}

}  // namespace l4lab::metrics
