// `l4lab matrix run|run-one|check|cancel`, `l4lab run` (the main job) and,
// after them, `l4lab telemetry sample`: options into matrix/matrix_command.h.
#include <memory>
#include <string>

#include "cli/commands.h"
#include "matrix/matrix_command.h"

namespace l4lab::cli {

void register_matrix_commands(CLI::App& app, int& status) {
  auto* m = app.add_subcommand("matrix", "Run an experiment plan: configurations x trials");
  m->require_subcommand(1);
  auto mo = std::make_shared<matrix::MatrixRunOptions>();
  auto* run = m->add_subcommand("run", "Run (or resume) every configuration and trial of a plan");
  run->add_option("plan", mo->plan, "Plan file (plans/*.yaml)")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_option("--out", mo->out, "Runs directory (default runs/<plan name>)");
  run->add_option("--per-cell", mo->per_cell,
                  "Requests per task x bucket cell (overrides the plan; 0 = all)");
  run->add_option("--only", mo->only,
                  "Run only these configurations (names, comma-separated); the rest wait for "
                  "a later resume")
      ->delimiter(',');
  run->add_option("--max-runs", mo->max_runs,
                  "Stop after this many runs (a resumable piece that fits a time slot); 0 = all")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--executor", mo->executor,
                  "local (this machine, one run at a time) or slurm (one Slurm array task per "
                  "run; docs/DISTRIBUTED.md)")
      ->check(CLI::IsMember({"local", "slurm"}))
      ->capture_default_str();
  run->add_option("--partition", mo->slurm.flags.partition, "slurm: partition (sbatch)");
  run->add_option("--gres", mo->slurm.flags.gres, "slurm: generic resources, e.g. gpu:1");
  run->add_option("--time", mo->slurm.flags.time, "slurm: time limit per run, e.g. 01:00:00");
  run->add_option("--account", mo->slurm.flags.account, "slurm: account to charge");
  run->add_option("--mem", mo->slurm.flags.mem, "slurm: memory per node, e.g. 32G");
  run->add_option("--cpus-per-task", mo->slurm.flags.cpus_per_task, "slurm: CPUs per run");
  run->add_option("--sbatch-arg", mo->slurm.flags.sbatch_args,
                  "slurm: one more sbatch argument, as is (repeat the flag for more)");
  run->add_option("--poll", mo->slurm.poll_s, "slurm: seconds between state queries")
      ->capture_default_str();
  run->callback([mo, &status] { status = matrix::matrix_run(*mo); });

  auto oo = std::make_shared<matrix::RunOneOptions>();
  auto* one = m->add_subcommand(
      "run-one", "Run one configuration x trial of a plan, as `matrix run` does (a Slurm task)");
  one->add_option("plan", oo->plan, "Plan file")->required()->check(CLI::ExistingFile);
  one->add_option("--run", oo->run, "CONFIG/trial-N");
  one->add_option("--runs-list", oo->runs_list,
                  "A file of CONFIG/trial-N lines; the run is line SLURM_ARRAY_TASK_ID");
  one->add_option("--out", oo->out, "Runs directory (default runs/<plan name>)");
  one->add_option("--per-cell", oo->per_cell, "As for `matrix run`");
  one->callback([oo, &status] { status = matrix::matrix_run_one(*oo); });

  auto cancel_dir = std::make_shared<std::string>();
  auto* cancel = m->add_subcommand(
      "cancel", "scancel the Slurm jobs of a runs folder that are still queued or running");
  cancel->add_option("dir", *cancel_dir, "Runs directory")->required();
  cancel->callback([cancel_dir, &status] { status = matrix::matrix_cancel(*cancel_dir); });

  auto check_plan = std::make_shared<std::string>();
  auto* check = m->add_subcommand(
      "check", "Parse a plan and its configurations and run each probe; start nothing");
  check->add_option("plan", *check_plan, "Plan file")->required()->check(CLI::ExistingFile);
  check->callback([check_plan, &status] { status = matrix::matrix_check(*check_plan); });

  auto ro = std::make_shared<matrix::MainRunOptions>();
  auto* main_cmd = app.add_subcommand(
      "run", "The main job: build the workload if missing, run the default plan, report");
  main_cmd->add_option("--plan", ro->plan, "Plan file")->capture_default_str();
  main_cmd->add_option("--out", ro->out,
                       "Runs directory (default runs/default, runs/full with --full)");
  main_cmd->add_flag("--full", ro->full,
                     "Every request of the workload (1800), not the quick subset");
  main_cmd->callback([ro, &status] { status = matrix::main_run(*ro); });

  register_telemetry_commands(app, status);
}

}  // namespace l4lab::cli
