// `l4lab matrix run PLAN.yaml [--out RUNS_DIR]`, `l4lab run` (the main job)
// and `l4lab telemetry sample`.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "engine/child_process.h"
#include "engine/flag_probe.h"
#include "engine/process_registry.h"
#include "matrix/data_root.h"
#include "matrix/matrix_runner.h"
#include "matrix/slurm_executor.h"
#include "matrix/slurm_plan.h"
#include "matrix/summary_table.h"
#include "telemetry/telemetry_cli.h"

namespace l4lab::cli {

namespace {

namespace fs = std::filesystem;

std::string self_exe() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("l4lab") : p.string();
}

struct MatrixRunOpts {
  std::string plan;
  std::string out;
  int per_cell = -1;
  std::vector<std::string> only;
  int max_runs = 0;
  std::string executor = "local";
  matrix::SlurmOptions slurm;
};

int finish_code(const Result<matrix::MatrixSummary>& r) {
  if (!r.ok()) {
    std::cerr << "matrix: " << r.error().message() << "\n";
    return 2;
  }
  std::cerr << "matrix: " << r->runs << " run(s) done (" << r->ok << " ok, " << r->not_ok
            << " with another outcome), " << r->skipped << " finished before"
            << (r->not_selected ? ", " + std::to_string(r->not_selected) + " not selected (--only)"
                                : "")
            << "\n";
  if (r->left > 0)
    std::cerr << "matrix: stopped after --max-runs; " << r->left
              << " run(s) left: run the same command again to resume\n";
  if (r->interrupted) {
    std::cerr << "matrix: interrupted; run the same command again to resume\n";
    return 128 + (engine::interrupt_signal() ? engine::interrupt_signal() : 2);
  }
  if (r->failed > 0) {
    // unsupported is the probe's honest "not run", not a failure; every other
    // outcome but ok is (docs/MATRIX.md#outcomes).
    std::cerr << "matrix: " << r->failed
              << " run(s) failed (see each run_manifest.json outcome): exit 1\n";
    return 1;
  }
  return 0;
}

int matrix_run(const MatrixRunOpts& o) {
  auto plan = matrix::load_plan(o.plan);
  if (!plan.ok()) {
    std::cerr << "matrix: " << plan.error().message() << "\n";
    return 2;
  }
  matrix::MatrixOptions mo;
  mo.runs_dir = o.out.empty() ? "runs/" + plan->name : o.out;
  mo.l4lab_exe = self_exe();
  mo.per_cell_override = o.per_cell;
  mo.only = o.only;
  mo.max_runs = o.max_runs;
  if (o.executor == "slurm") {
    if (o.out.empty() && !plan->slurm.runs_dir.empty()) mo.runs_dir = plan->slurm.runs_dir;
    if (!o.slurm.flags.runs_dir.empty()) mo.runs_dir = o.slurm.flags.runs_dir;
    matrix::SlurmOptions so = o.slurm;
    so.plan_path = o.plan;
    return finish_code(matrix::run_matrix_slurm(*plan, mo, so));
  }
  return finish_code(matrix::run_matrix(*plan, mo));
}

struct RunOneOpts {
  std::string plan;
  std::string run;
  std::string runs_list;
  std::string out;
  int per_cell = -1;
};

// One cell, as the local executor runs it; a Slurm task runs this. Exit 0
// once an outcome is recorded (whatever it is: the outcome is data), 2 when
// nothing could be run, 128+signal when interrupted (no line: redone).
int matrix_run_one(const RunOneOpts& o) {
  auto plan = matrix::load_plan(o.plan);
  if (!plan.ok()) {
    std::cerr << "run-one: " << plan.error().message() << "\n";
    return 2;
  }
  if (o.run.empty() == o.runs_list.empty()) {
    std::cerr << "run-one: give exactly one of --run CONFIG/trial-N and --runs-list FILE\n";
    return 2;
  }
  auto id = o.run.empty() ? matrix::run_from_list(o.runs_list) : matrix::parse_run_id(o.run);
  if (!id.ok()) {
    std::cerr << "run-one: " << id.error().message() << "\n";
    return 2;
  }
  matrix::MatrixOptions mo;
  mo.runs_dir = o.out.empty() ? "runs/" + plan->name : o.out;
  mo.l4lab_exe = self_exe();
  mo.per_cell_override = o.per_cell;
  auto prep = matrix::prepare_matrix(*plan, mo);
  if (!prep.ok()) {
    std::cerr << "run-one: " << prep.error().message() << "\n";
    return 2;
  }
  const auto sched = matrix::slurm_task_info();
  std::string task;
  if (!sched.is_null() && !sched["array_job_id"].get<std::string>().empty())
    task =
        sched["array_job_id"].get<std::string>() + "_" + sched["array_task_id"].get<std::string>();
  auto r = matrix::run_one(*plan, mo, *prep, id->config, id->trial, sched, task);
  if (!r.ok()) {
    std::cerr << "run-one: " << r.error().message() << "\n";
    return 2;
  }
  if (r->status == "interrupted")
    return 128 + (engine::interrupt_signal() ? engine::interrupt_signal() : 2);
  return 0;
}

// Parses the plan and every configuration and runs each probe: what
// `matrix run` would start and what it would mark unsupported, without
// starting an engine.
int matrix_check(const std::string& plan_path) {
  auto plan = matrix::load_plan(plan_path);
  if (!plan.ok()) {
    std::cerr << "matrix check: " << plan.error().message() << "\n";
    return 2;
  }
  int bad = 0;
  engine::ProbeCache cache;
  for (const auto& path : plan->configs) {
    auto c = engine::load_engine_config(path);
    if (!c.ok()) {
      std::cout << path << ": INVALID: " << c.error().message() << "\n";
      ++bad;
      continue;
    }
    *c = matrix::apply_overrides(*c, plan->overrides);
    engine::ArgvContext ctx{self_exe(), "", c->engine.port, plan->vars};
    auto argv = engine::engine_argv(*c, ctx);
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
    auto p = engine::probe_engine(*c, ctx, &cache);
    const char* verdict = !p.ran ? "PROBE FAILED" : p.missing.empty() ? "runs" : "unsupported";
    if (!p.ran) ++bad;  // nothing of this plan could start here
    std::cout << c->name << " (" << path << "): " << verdict << "\n  argv: " << cmd << "\n  "
              << (p.reason.empty() ? p.evidence : p.reason + "\n  " + p.evidence) << "\n";
  }
  return bad ? 2 : 0;
}

struct MainRunOpts {
  std::string plan = "plans/default-sim.yaml";
  std::string out;
  bool full = false;
};

int report(const std::string& runs_dir) {
  const std::string self = self_exe();
  auto help = engine::run_capture({self, "report", "--help"}, 30);
  if (help.ok() && help->status.success()) {
    auto c = engine::ChildProcess::spawn({.argv = {self, "report", runs_dir}, .log_path = "-"});
    if (c.ok()) {
      auto st = c->wait_for(-1);
      c->stop_group(1);
      if (st && st->success()) return 0;
      std::cerr << "run: `l4lab report " << runs_dir << "` failed (" << (st ? st->describe() : "?")
                << "); the summary table follows\n";
    }
  } else {
    std::cerr << "run: `l4lab report` is not available in this build; the summary table follows\n";
  }
  auto t = matrix::summary_table(runs_dir);
  if (!t.ok()) {
    std::cerr << "run: " << t.error().message() << "\n";
    return 1;
  }
  std::cout << *t;
  return 0;
}

int main_run(const MainRunOpts& o_in) {
  namespace fs = std::filesystem;
  MainRunOpts o = o_in;
  const std::string root = matrix::find_data_root(o.plan, fs::path(self_exe()).parent_path());
  if (root.empty()) {
    std::cerr << "run: " << o.plan
              << ": not found here, above the l4lab executable, or in its share/l4lab\n";
    return 2;
  }
  if (root != ".") {
    // Outputs stay where the user asked (relative to their folder); the plan's
    // own paths resolve against the folder that holds it.
    std::error_code ec;
    const fs::path cwd = fs::current_path(ec);
    const std::string out = !o.out.empty() ? o.out : o.full ? "runs/full" : "runs/default";
    o.out = fs::path(out).is_absolute() ? out : (cwd / out).string();
    std::cerr << "run: using " << o.plan << " from " << root << "; results in " << o.out << "\n";
    fs::current_path(root, ec);
    if (ec) {
      std::cerr << "run: cannot enter " << root << ": " << ec.message() << "\n";
      return 2;
    }
  }
  auto plan = matrix::load_plan(o.plan);
  if (!plan.ok()) {
    std::cerr << "run: " << plan.error().message() << "\n";
    return 2;
  }
  matrix::MatrixOptions mo;
  mo.runs_dir = !o.out.empty() ? o.out : o.full ? "runs/full" : "runs/default";
  const std::string workload =
      matrix::main_job_workload_path(root, plan->workload.path, plan->workload.build, mo.runs_dir);
  if (workload != plan->workload.path) {
    std::cerr << "run: the workload is built beside the results: " << workload << "\n";
    plan->workload.path = workload;
  }
  mo.l4lab_exe = self_exe();
  if (o.full) mo.per_cell_override = 0;
  int code = finish_code(matrix::run_matrix(*plan, mo));
  if (code != 0 && code != 1) return code;  // no runs, or interrupted: nothing to report yet
  const int rep = report(mo.runs_dir);      // failed runs are reported too, then exit 1
  return code != 0 ? code : rep;
}

}  // namespace

void register_matrix_commands(CLI::App& app) {
  auto* m = app.add_subcommand("matrix", "Run an experiment plan: configurations x trials");
  m->require_subcommand(1);
  auto mo = std::make_shared<MatrixRunOpts>();
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
  run->callback([mo] { exit_code = matrix_run(*mo); });

  auto oo = std::make_shared<RunOneOpts>();
  auto* one = m->add_subcommand(
      "run-one", "Run one configuration x trial of a plan, as `matrix run` does (a Slurm task)");
  one->add_option("plan", oo->plan, "Plan file")->required()->check(CLI::ExistingFile);
  one->add_option("--run", oo->run, "CONFIG/trial-N");
  one->add_option("--runs-list", oo->runs_list,
                  "A file of CONFIG/trial-N lines; the run is line SLURM_ARRAY_TASK_ID");
  one->add_option("--out", oo->out, "Runs directory (default runs/<plan name>)");
  one->add_option("--per-cell", oo->per_cell, "As for `matrix run`");
  one->callback([oo] { exit_code = matrix_run_one(*oo); });

  auto cancel_dir = std::make_shared<std::string>();
  auto* cancel = m->add_subcommand(
      "cancel", "scancel the Slurm jobs of a runs folder that are still queued or running");
  cancel->add_option("dir", *cancel_dir, "Runs directory")->required();
  cancel->callback([cancel_dir] {
    auto r = matrix::cancel_matrix_slurm(*cancel_dir);
    if (!r.ok()) {
      std::cerr << "matrix cancel: " << r.error().message() << "\n";
      exit_code = 2;
      return;
    }
    std::cerr << "matrix cancel: " << *r << " job(s) cancelled\n";
    exit_code = 0;
  });

  auto check_plan = std::make_shared<std::string>();
  auto* check = m->add_subcommand(
      "check", "Parse a plan and its configurations and run each probe; start nothing");
  check->add_option("plan", *check_plan, "Plan file")->required()->check(CLI::ExistingFile);
  check->callback([check_plan] { exit_code = matrix_check(*check_plan); });

  auto ro = std::make_shared<MainRunOpts>();
  auto* main_cmd = app.add_subcommand(
      "run", "The main job: build the workload if missing, run the default plan, report");
  main_cmd->add_option("--plan", ro->plan, "Plan file")->capture_default_str();
  main_cmd->add_option("--out", ro->out,
                       "Runs directory (default runs/default, runs/full with --full)");
  main_cmd->add_flag("--full", ro->full,
                     "Every request of the workload (1800), not the quick subset");
  main_cmd->callback([ro] { exit_code = main_run(*ro); });

  telemetry::register_telemetry_commands(app);
}

}  // namespace l4lab::cli
