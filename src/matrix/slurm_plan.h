// Planning for the Slurm executor, pure (no processes, no files): which runs
// to submit, the sbatch argv, the job records kept in the runs folder, and
// what Slurm's job states mean for the matrix state. slurm_executor.h does
// the launching and polling; docs/DISTRIBUTED.md explains the choices.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "matrix/plan.h"

namespace l4lab::matrix {

struct RunId {
  std::string config;
  int trial = 1;
  auto operator<=>(const RunId&) const = default;
  std::string rel() const { return config + "/trial-" + std::to_string(trial); }
};

// "C1/trial-2" -> {C1, 2}; an error naming the text otherwise.
Result<RunId> parse_run_id(const std::string& text);

// One array task as recorded in RUNS_DIR/slurm_jobs.jsonl: the submitter
// appends a line per sbatch right after sbatch answers and before it waits,
// so a submitter killed and started again follows the jobs already queued.
struct SubmittedTask {
  std::string job_id;  // the array's job id, e.g. "12"
  int index = 0;       // SLURM_ARRAY_TASK_ID
  RunId run;
  std::string task_id() const { return job_id + "_" + std::to_string(index); }
};

// Parses slurm_jobs.jsonl (one {"job_id", "runs": ["C1/trial-1", ...]} per
// line; task i of the array runs runs[i]). A torn last line (a submitter
// killed mid-write) is ignored; other bad lines are errors naming file:line.
Result<std::vector<SubmittedTask>> parse_jobs_file(const std::string& text,
                                                   const std::string& file);
std::string jobs_file_line(const std::string& job_id, const std::vector<RunId>& runs);

// A Slurm job state as sacct/squeue print it ("CANCELLED by 0" -> CANCELLED).
struct SlurmTaskState {
  std::string task_id;  // "12_3"
  std::string state;    // COMPLETED, FAILED, TIMEOUT, CANCELLED, NODE_FAIL, ...
  std::string node;     // NodeList, "" or "None assigned" while pending
};

// Parses `sacct --parsable2 --noheader --format=JobID,State,NodeList` or
// `squeue --noheader --format=%i|%T|%N` (same three columns). Step lines
// (12_3.batch, 12_3.extern) are skipped; a pending array range such as
// 12_[4-7%2] is expanded to its tasks. Errors name the line.
Result<std::vector<SlurmTaskState>> parse_slurm_states(const std::string& text);

// What a Slurm state means for a run.
struct SlurmVerdict {
  bool terminal = false;  // the task will not run any more
  // For a terminal task that did not record its own outcome (a task that
  // ran to its end records the lab's outcome itself and exits 0): the
  // matrix-state status to record. "" for COMPLETED.
  std::string status;
  std::string reason;
};
SlurmVerdict slurm_verdict(const std::string& state);

// Statuses of the matrix state that a later `matrix run` does again: the
// run did not end by its own rule (signal, Slurm cancelled/timed out/lost
// the node, the task failed before recording).
bool redo_status(const std::string& status);

// The runs to submit now, in plan order: not finished in the matrix state,
// and not covered by a task Slurm still has queued or running. `live` is
// the set of runs whose latest task is not terminal.
std::vector<RunId> runs_to_submit(const std::vector<RunId>& plan_order,
                                  const std::set<RunId>& finished, const std::set<RunId>& live);

// runs_to_submit narrowed to --only's configurations (empty: all) and
// capped at --max-runs (0: no cap), with what was left out counted.
struct SubmitPlan {
  std::vector<RunId> todo;
  int not_selected = 0;  // not in --only
  int left = 0;          // past --max-runs
};
SubmitPlan plan_submission(const std::vector<RunId>& plan_order, const std::set<RunId>& finished,
                           const std::set<RunId>& live, const std::vector<std::string>& only,
                           int max_runs);

// What following one run's latest (unrecorded) task does on a poll.
struct TaskFollow {
  enum Action { kNothing, kLive, kRecord } action = kNothing;
  std::string status;  // kRecord: the matrix-state status to record
  std::string reason;  // kRecord of an ended task: why ("" when purged)
};
// `slurm`: the task's state from sacct/squeue (nullopt: neither knows it,
// purged with no accounting); `own`: the run's status in the matrix state.
// The task's own line (written before it exited) wins over Slurm's word,
// unless it is a status a later run does again.
TaskFollow follow_task(const std::optional<SlurmTaskState>& slurm, const std::string& own);

// Resources asked of Slurm: the plan's `slurm:` with flags laid over it.
SlurmSpec merge_slurm(const SlurmSpec& plan, const SlurmSpec& flags);

// sbatch argv: one array task per run (--array=0-(n-1)), --parsable so
// stdout is the job id, --hold so nothing runs before the job is recorded in
// the runs folder (the submitter then releases it), resources as separate
// argv elements, then the script and its arguments (passed by sbatch to the
// script untouched).
std::vector<std::string> sbatch_argv(const SlurmSpec& res, const std::string& job_name, int n_tasks,
                                     const std::string& log_pattern, const std::string& script,
                                     const std::vector<std::string>& script_args);

// The job name of a runs folder's jobs: the plan's name and a hash of the
// folder's absolute path, so jobs of this folder that the folder does not
// record (a submitter killed between sbatch and the record) can be found.
std::string slurm_job_name(const std::string& plan_name, const std::string& runs_dir);

// Held jobs named like this folder's that slurm_jobs.jsonl does not record:
// `squeue --noheader --name=NAME --format=%F|%A|%T|%r` lines in (%F: an
// array's base job id, the one recorded; %A: each task's own id), job ids out.
Result<std::vector<std::string>> orphan_jobs(const std::string& squeue_out,
                                             const std::set<std::string>& recorded);

// The job id in `sbatch --parsable` output ("12" or "12;cluster"); an error
// quoting the output if there is none.
Result<std::string> parse_sbatch_output(const std::string& out);

}  // namespace l4lab::matrix
