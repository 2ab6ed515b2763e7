// `l4lab matrix run PLAN --executor slurm`: the runs of a plan as one Slurm
// job array (one task per run, each task `l4lab matrix run-one`), followed
// with sacct (or squeue where there is no accounting storage) until every
// task has ended, each end recorded in the matrix state. The decisions are
// slurm_plan.h's pure functions; this file only launches sbatch, sacct,
// squeue and scancel (argv, through engine/child_process.h, never a shell)
// and reads and appends the files of the runs folder. Tested against a real
// Slurm by tests/slurm/slurm_matrix_test.sh.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"
#include "matrix/matrix_runner.h"
#include "matrix/plan.h"
#include "matrix/slurm_plan.h"

namespace l4lab::matrix {

struct SlurmOptions {
  SlurmSpec flags;        // --partition --gres --time --account --mem --sbatch-arg
  double poll_s = 2;      // between sacct/squeue queries
  std::string plan_path;  // the plan file the tasks load (made absolute)
};

Result<MatrixSummary> run_matrix_slurm(const Plan& plan, const MatrixOptions& opts,
                                       const SlurmOptions& sopts);

// scancel every job recorded in RUNS_DIR/slurm_jobs.jsonl that Slurm still
// has queued or running. Returns how many jobs were asked to cancel.
Result<int> cancel_matrix_slurm(const std::string& runs_dir);

// Inside a Slurm task: the job, array index, node, allocation (CPUs, GPUs,
// memory, from SLURM_* variables) and the Slurm version; null outside Slurm.
nlohmann::json slurm_task_info();

// The run a task of an array runs: line SLURM_ARRAY_TASK_ID of the runs
// list the submitter wrote (RUNS_DIR/slurm/submit-K.runs).
Result<RunId> run_from_list(const std::string& list_path);

}  // namespace l4lab::matrix
