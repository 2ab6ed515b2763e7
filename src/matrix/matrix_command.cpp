// `l4lab matrix run|run-one|check|cancel` and `l4lab run` (the main job):
// each command's work, given its options; returns the exit status.
#include "matrix/matrix_command.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "engine/child_process.h"
#include "engine/flag_probe.h"
#include "engine/process_registry.h"
#include "matrix/data_root.h"
#include "matrix/matrix_runner.h"
#include "matrix/slurm_executor.h"
#include "matrix/slurm_plan.h"
#include "matrix/summary_table.h"

namespace l4lab::matrix {

namespace {

namespace fs = std::filesystem;

std::string self_exe() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("l4lab") : p.string();
}

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

}  // namespace

int matrix_run(const MatrixRunOptions& o) {
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

int matrix_run_one(const RunOneOptions& o) {
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

namespace {

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

}  // namespace

int main_run(const MainRunOptions& o_in) {
  namespace fs = std::filesystem;
  MainRunOptions o = o_in;
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

int matrix_cancel(const std::string& runs_dir) {
  auto r = cancel_matrix_slurm(runs_dir);
  if (!r.ok()) {
    std::cerr << "matrix cancel: " << r.error().message() << "\n";
    return 2;
  }
  std::cerr << "matrix cancel: " << *r << " job(s) cancelled\n";
  return 0;
}

}  // namespace l4lab::matrix
