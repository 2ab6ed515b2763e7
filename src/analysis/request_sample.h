// Per-request latencies, defined once (docs/METRICS.md):
//   TTFT  = t_first_token - t_sent            (first content chunk)
//   E2E   = t_end - t_sent                    (request complete)
//   TPOT  = (E2E - TTFT) / (completion_tokens - 1), only when tokens > 1
//   ITL   = gaps between successive content chunks (per chunk, not per token)
//   *_sched: the same measured from t_scheduled (the schedule's send time),
//            which keeps time queued in the client (no coordinated omission).
#pragma once

#include <span>

#include "analysis/run_data.h"

namespace l4lab::analysis {

// Fills ttft_ms, e2e_ms, tpot_ms, ttft_sched_ms, e2e_sched_ms and itl_ms
// (from the chunk arrival times, in order) of a sample whose raw fields are set.
void derive_latencies(RequestSample& s, std::span<const int64_t> chunk_t_ns);

}  // namespace l4lab::analysis
