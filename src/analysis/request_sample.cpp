#include "analysis/request_sample.h"

namespace l4lab::analysis {

namespace {
double ms_between(int64_t from_ns, int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e6;
}
}  // namespace

void derive_latencies(RequestSample& s, std::span<const int64_t> chunk_t_ns) {
  s.ttft_ms = s.e2e_ms = s.tpot_ms = s.ttft_sched_ms = s.e2e_sched_ms = kNaN;
  s.itl_ms.clear();
  if (s.t_sent_ns && s.t_first_token_ns) s.ttft_ms = ms_between(*s.t_sent_ns, *s.t_first_token_ns);
  if (s.t_sent_ns && s.t_end_ns) s.e2e_ms = ms_between(*s.t_sent_ns, *s.t_end_ns);
  if (s.t_scheduled_ns && s.t_first_token_ns)
    s.ttft_sched_ms = ms_between(*s.t_scheduled_ns, *s.t_first_token_ns);
  if (s.t_scheduled_ns && s.t_end_ns) s.e2e_sched_ms = ms_between(*s.t_scheduled_ns, *s.t_end_ns);
  if (s.completion_tokens > 1 && !std::isnan(s.e2e_ms) && !std::isnan(s.ttft_ms))
    s.tpot_ms = (s.e2e_ms - s.ttft_ms) / static_cast<double>(s.completion_tokens - 1);
  if (chunk_t_ns.size() > 1) {
    s.itl_ms.reserve(chunk_t_ns.size() - 1);
    for (size_t i = 1; i < chunk_t_ns.size(); ++i)
      s.itl_ms.push_back(ms_between(chunk_t_ns[i - 1], chunk_t_ns[i]));
  }
}

}  // namespace l4lab::analysis
