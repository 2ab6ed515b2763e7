// One step of the capacity search, pure: planned before it runs (its folder
// and the `l4lab bench` argv at the search's rate) and judged after it ends
// (from its traces and how the executor saw the bench end). The executor,
// capacity_command.cpp, runs and watches the bench between the two.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "capacity/capacity_options.h"
#include "capacity/capacity_record.h"
#include "capacity/saturation.h"
#include "capacity/slo.h"
#include "common/result.h"
#include "traces/trace_record.h"

namespace l4lab::capacity {

struct StepPlan {
  int index = 0;  // 1-based
  double rate = 0;
  size_t requests = 0;  // --limit: the warm-up and the measured part at this rate
  uint64_t seed = 0;    // the step's schedule seed: --seed x 1000 + index
  std::string name;     // step-NN-rate-R
  std::string rel;      // name/trial-1, relative to --out
  std::string dir;      // --out/rel: the bench's run folder
  std::string log;      // --out/name/bench.log
  std::vector<std::string> bench_argv;
};

// The search's and the steps' options, checked; the error names the flag.
Status check_search_options(const CapacityOptions& o);

// Error: the workload holds fewer requests than the step sends; the message
// is the search's stop reason.
Result<StepPlan> plan_step(const CapacityOptions& o, int index, double rate,
                           size_t workload_requests);

// How the step's bench ended, as the executor watched it.
struct StepEnd {
  Saturation online;         // saturation seen while it ran (ended_early)
  bool ended_early = false;  // stopped on saturation
  bool overran = false;      // stopped at the step's time limit
  double wall_s = 0;
  int bench_exit = 0;        // exit code, or minus the signal
  std::string bench_status;  // bench.json outcome.status
};

// The step's record: its verdict against the SLOs, and saturation judged
// over the whole step when the online watch did not end it early. `counted`
// is false when the load was not offered (the step says nothing about the
// server).
StepRecord judge_step_record(const CapacityOptions& o, const SloSet& slos, const StepPlan& plan,
                             const StepEnd& end, const std::vector<traces::TraceRecord>& traces);

}  // namespace l4lab::capacity
