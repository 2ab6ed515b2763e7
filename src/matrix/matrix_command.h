// The `l4lab matrix ...` commands and `l4lab run` (the main job) as
// functions: src/cli/matrix_commands.cpp parses the command line into these
// options; each returns the exit status (0 ok, 1 a run failed, 2 nothing
// could be run, 128+signal interrupted).
#pragma once

#include <string>
#include <vector>

#include "matrix/slurm_executor.h"

namespace l4lab::matrix {

// `matrix run PLAN`.
struct MatrixRunOptions {
  std::string plan;
  std::string out;
  int per_cell = -1;
  std::vector<std::string> only;
  int max_runs = 0;
  std::string executor = "local";
  SlurmOptions slurm;
};
int matrix_run(const MatrixRunOptions& o);

// `matrix run-one PLAN`: one cell, as the local executor runs it; a Slurm
// task runs this. Exit 0 once an outcome is recorded (whatever it is: the
// outcome is data), 2 when nothing could be run, 128+signal when interrupted
// (no line: redone).
struct RunOneOptions {
  std::string plan;
  std::string run;
  std::string runs_list;
  std::string out;
  int per_cell = -1;
};
int matrix_run_one(const RunOneOptions& o);

// `matrix check PLAN`: parses the plan and every configuration and runs each
// probe: what `matrix run` would start and what it would mark unsupported,
// without starting an engine.
int matrix_check(const std::string& plan_path);

// `matrix cancel DIR`: scancel the Slurm jobs of a runs folder.
int matrix_cancel(const std::string& runs_dir);

// `l4lab run`: build the workload if missing, run the plan, report.
struct MainRunOptions {
  std::string plan = "plans/default-sim.yaml";
  std::string out;
  bool full = false;
};
int main_run(const MainRunOptions& o);

}  // namespace l4lab::matrix
