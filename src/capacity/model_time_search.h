// The capacity search driven in model time (docs/CAPACITY.md#screening-with-
// the-twin): the same rate search (rate_search.h), step plans and step
// verdicts with their saturation check (capacity_step.h), and certainty
// statement (capacity_estimate.h) as `l4lab capacity`, with each step's
// traces made by a function (a model run in virtual time) instead of an
// `l4lab bench` child over HTTP. Pure apart from what `run` does.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "capacity/capacity_options.h"
#include "capacity/capacity_record.h"
#include "capacity/capacity_step.h"
#include "capacity/slo.h"
#include "common/result.h"
#include "traces/trace_record.h"

namespace l4lab::capacity {

// One step's traces, as `l4lab bench` would have written them for the plan
// (open-loop Poisson at plan.rate, plan.requests requests, those scheduled in
// the warm-up in phase warmup). An error stops the search with its message.
using ModelStepRunner = std::function<Result<std::vector<traces::TraceRecord>>(const StepPlan&)>;

struct ModelSearch {
  std::vector<StepRecord> steps;
  CapacityEstimate estimate;
  std::string stop_reason;
  bool failed = false;       // a step could not run (stop_reason says why)
  size_t most_requests = 0;  // the largest step's request count
};

// Runs the search to its end. The steps' `dir` is empty: no run folder.
// The model needs no distinct requests, so a step may ask for more requests
// than the workload holds (the runner decides what to send; `l4lab capacity`
// would stop there: see most_requests).
ModelSearch search_in_model_time(const CapacityOptions& o, const SloSet& slos,
                                 const ModelStepRunner& run);

}  // namespace l4lab::capacity
