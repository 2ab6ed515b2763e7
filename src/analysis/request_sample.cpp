#include "analysis/request_sample.h"

#include "metrics/latency.h"

namespace l4lab::analysis {

void derive_latencies(RequestSample& s, std::span<const int64_t> chunk_t_ns) {
  s.ttft_ms = s.e2e_ms = s.tpot_ms = s.ttft_sched_ms = s.e2e_sched_ms = kNaN;
  s.itl_ms.clear();
  if (s.t_sent_ns && s.t_first_token_ns)
    s.ttft_ms = metrics::ttft_ms(*s.t_sent_ns, *s.t_first_token_ns);
  if (s.t_sent_ns && s.t_end_ns) s.e2e_ms = metrics::e2e_ms(*s.t_sent_ns, *s.t_end_ns);
  if (s.t_scheduled_ns && s.t_first_token_ns)
    s.ttft_sched_ms = metrics::ttft_ms(*s.t_scheduled_ns, *s.t_first_token_ns);
  if (s.t_scheduled_ns && s.t_end_ns)
    s.e2e_sched_ms = metrics::e2e_ms(*s.t_scheduled_ns, *s.t_end_ns);
  s.tpot_ms = metrics::tpot_ms(s.e2e_ms, s.ttft_ms, s.completion_tokens);
  metrics::append_itl_ms(chunk_t_ns, s.itl_ms);
}

}  // namespace l4lab::analysis
