// The plan of one `l4lab bench` run, decided before anything is sent, and
// pure: the checks of the options and the workload, the send schedule
// (generated, a replay file, or on --resume the run's own), what a resumed
// run skips and which attempt it retries, and the failure budget. The
// executor (bench_command.cpp) gathers the files the plan reads (BenchFiles),
// then follows the plan: writes schedule.jsonl, builds the bodies, runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "client/bench_options.h"
#include "common/result.h"
#include "schedule/schedule.h"
#include "traces/trace_record.h"
#include "workload/workload_request.h"

namespace l4lab::client {

// What plan_bench reads from disk, gathered by the executor beforehand.
struct BenchFiles {
  bool traces_nonempty = false;  // <out>/traces.jsonl exists and has bytes
  bool schedule_exists = false;  // <out>/schedule.jsonl exists
  // The schedule replay_schedule_path() named, read against the workload's ids.
  std::optional<schedule::Schedule> replay;
  // <out>/traces.jsonl when --resume finds one (nullopt: nothing to resume).
  std::optional<std::vector<traces::TraceRecord>> prior_traces;
};

struct BenchPlan {
  schedule::ScheduleOptions options;  // the load as asked (bench.json's schedule section)
  schedule::Schedule schedule;        // the whole schedule, as schedule.jsonl holds it
  bool write_schedule = true;         // false: a resumed run keeps its own schedule.jsonl
  schedule::Schedule to_send;         // the schedule less what a resumed run already finished
  size_t resumed_skipped = 0;
  // Request id -> attempt number for requests a resumed run redoes after
  // they were cancelled.
  std::unordered_map<std::string, int> next_attempt;
  std::vector<bool> needs_body;      // per workload request: in to_send
  size_t failure_budget = SIZE_MAX;  // SIZE_MAX: no budget
};

// The checks that need only the options and the workload: every request
// sendable, and the load options consistent. Errors name path:line and the
// request.
Status check_bench_request(const BenchOptions& o,
                           const std::vector<workload::WorkloadRequest>& workload);

// The schedule file the run replays: --schedule-file, or on --resume of an
// open-loop run its own <out>/schedule.jsonl; nullopt when the schedule is
// generated. Errors are those plan_bench reports before it needs the file
// (traces already there without --resume, a bad --arrival).
Result<std::optional<std::string>> replay_schedule_path(const BenchOptions& o,
                                                        const BenchFiles& files);

Result<BenchPlan> plan_bench(const BenchOptions& o,
                             const std::vector<workload::WorkloadRequest>& workload,
                             const BenchFiles& files);

}  // namespace l4lab::client
