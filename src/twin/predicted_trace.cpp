#include "twin/predicted_trace.h"

namespace l4lab::twin {

traces::TraceRecord predicted_trace(const sim::RequestTimeline& tl,
                                    const workload::WorkloadRequest& w, bool measured) {
  traces::TraceRecord r;
  r.request_id = w.id;
  r.task = w.task;
  r.bucket = w.bucket;
  r.phase = measured ? traces::Phase::measured : traces::Phase::warmup;
  r.t_scheduled_ns = r.t_sent_ns = r.t_first_byte_ns = tl.arrival_ns;
  r.t_first_token_ns = tl.emits.front().first;
  r.t_last_token_ns = r.t_end_ns = tl.emits.back().first;
  int n = 0;
  for (const auto& [t, k] : tl.emits) {
    r.chunks.push_back({t, k});
    n += k;
  }
  r.prompt_tokens_pre_send = r.usage_prompt_tokens = w.request_prompt_tokens;
  r.max_tokens = w.max_new_tokens;
  r.usage_completion_tokens = n;
  r.prompt_count_mismatch = false;
  r.http_status = 200;
  r.finish_reason = "length";
  r.ok = true;
  return r;
}

}  // namespace l4lab::twin
