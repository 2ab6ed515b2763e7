// One request's model times as `l4lab bench` would have traced them: the
// trace line `l4lab predict` writes and the capacity screen judges, so both
// read the engine model's timings the same way. Pure.
#pragma once

#include "sim/engine_driver.h"
#include "traces/trace_record.h"
#include "workload/workload_request.h"

namespace l4lab::twin {

// Sent at its arrival (no client lag), every token as the model emitted it,
// finish_reason "length" (the model emits max_new_tokens). measured: false
// gives phase warmup.
traces::TraceRecord predicted_trace(const sim::RequestTimeline& tl,
                                    const workload::WorkloadRequest& w, bool measured);

}  // namespace l4lab::twin
