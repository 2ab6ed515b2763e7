// One step of the capacity screen (docs/CAPACITY.md#screening-with-the-twin):
// the open-loop Poisson schedule `l4lab capacity` would send at the step's
// rate, run on serve-sim's engine model in virtual time (sim/virtual_run.h,
// the engine model the HTTP serve-sim runs), and traced as `l4lab bench`
// would have traced it (predicted_trace.h), so the capacity search judges
// it with its own code. Pure: inputs in, traces out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "schedule/schedule.h"
#include "sim/sim_profile.h"
#include "sim/virtual_run.h"
#include "traces/trace_record.h"
#include "workload/workload_request.h"

namespace l4lab::twin {

// What `l4lab bench --arrival poisson --rate RATE --seed SEED --limit N`
// sends: the first N of a seeded shuffle of the workload, Poisson gaps.
// When N exceeds the workload, the shuffle is over the workload's ids
// repeated enough times (the model sees token counts only, never an id);
// entry.request is then an index into that repeated list (modulo the
// workload's size: the workload request).
Result<schedule::Schedule> screen_schedule(const std::vector<std::string>& ids, double rate,
                                           uint64_t seed, size_t n);

// The schedule's requests for the virtual run: open loop at each entry's
// offset, output = max_new_tokens (as --ignore-eos), every request seeded
// with the step's seed (its id is its index).
std::vector<sim::VirtualRequest> screen_requests(
    const schedule::Schedule& s, const std::vector<workload::WorkloadRequest>& workload,
    uint64_t seed);

struct ScreenStep {
  double rate = 0;
  size_t requests = 0;  // the step's --limit
  uint64_t seed = 0;    // the step's schedule seed (search seed * 1000 + step index)
  double warmup_s = 0;  // requests scheduled before it are in phase warmup
};

// The step's traces in schedule order. Errors name the step and the request
// the model refused.
Result<std::vector<traces::TraceRecord>> run_screen_step(
    const sim::SimProfile& profile, const std::vector<workload::WorkloadRequest>& workload,
    const ScreenStep& step);

}  // namespace l4lab::twin
