// Runs a plan: every (configuration, trial) in the plan's order, skipping
// runs matrix_state.jsonl says are finished and redoing interrupted ones
// (their folder is moved aside, and an engine group a killed matrix left
// behind is stopped first).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "engine/engine_config.h"
#include "matrix/plan.h"
#include "matrix/run_manifest.h"

namespace l4lab::matrix {

struct MatrixOptions {
  std::string runs_dir;
  std::string l4lab_exe;          // /proc/self/exe resolved
  int per_cell_override = -1;     // >= 0 replaces the plan's workload.per_cell
  std::vector<std::string> only;  // non-empty: run only these configuration names
  int max_runs = 0;               // > 0: stop after this many runs (resume later)
};

struct MatrixSummary {
  int runs = 0, skipped = 0, ok = 0, not_ok = 0;
  int not_selected = 0;  // left out by --only
  int left = 0;          // not started because --max-runs was reached
  // Runs that ended in a failure outcome (anything but ok and unsupported:
  // start_failed, start_timeout, crashed, oom, failure_budget, bench_failed).
  int failed = 0;
  bool interrupted = false;
};

Result<MatrixSummary> run_matrix(const Plan& plan, const MatrixOptions& opts);

// What every run of a plan shares: its configurations (engine_overrides
// applied, names unique) and the workload the runs send.
struct PreparedMatrix {
  std::vector<engine::EngineConfig> configs;
  WorkloadRef workload;
  const engine::EngineConfig* find(const std::string& name) const;
};

// Loads the configurations, builds the workload if the plan allows, writes
// RUNS_DIR/plan.yaml, workload.jsonl (a subset) and workload.sha256, and
// refuses a runs folder that holds another plan or workload. Run by
// run_matrix, by the Slurm submitter before it submits, and by each Slurm
// task (which finds the same bytes and rewrites them atomically).
Result<PreparedMatrix> prepare_matrix(const Plan& plan, const MatrixOptions& opts);

// Exactly one run, as run_matrix does each one: an earlier folder of the run
// moved aside, the probe, execute_run, and the matrix-state line (none when
// interrupted). `scheduler` (e.g. the Slurm job, node, allocation) goes into
// the manifest's lab_run.scheduler.
Result<Outcome> run_one(const Plan& plan, const MatrixOptions& opts, const PreparedMatrix& prep,
                        const std::string& config, int trial,
                        const nlohmann::json& scheduler = nullptr,
                        const std::string& slurm_task = "");

// Ensures plan.workload.path exists, building it with the workload builder
// (`l4lab workload build --out PATH`) if the plan allows.
Status ensure_workload(const Plan& plan, const std::string& l4lab_exe);

}  // namespace l4lab::matrix
