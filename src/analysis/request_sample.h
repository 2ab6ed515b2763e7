// Fills a RequestSample's derived latencies with the lab's one set of
// definitions (metrics/latency.h, docs/METRICS.md#ttft .. #itl); the *_sched
// variants measure the same from t_scheduled (the schedule's send time),
// which keeps time queued in the client (no coordinated omission).
#pragma once

#include <span>

#include "analysis/run_data.h"

namespace l4lab::analysis {

// Fills ttft_ms, e2e_ms, tpot_ms, ttft_sched_ms, e2e_sched_ms and itl_ms
// (from the chunk arrival times, in order) of a sample whose raw fields are set.
void derive_latencies(RequestSample& s, std::span<const int64_t> chunk_t_ns);

}  // namespace l4lab::analysis
