#include "matrix/matrix_runner.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "common/clock.h"
#include "common/files.h"
#include "engine/child_process.h"
#include "engine/engine_version.h"
#include "engine/flag_probe.h"
#include "engine/process_registry.h"
#include "matrix/matrix_state.h"
#include "matrix/run_executor.h"
#include "matrix/run_order.h"
#include "matrix/workload_ref.h"

namespace l4lab::matrix {

namespace fs = std::filesystem;

namespace {

// A group a killed matrix left running: stop it if it is still the engine
// the file names (the group leader's command matches).
void stop_leftover_engine(const std::string& run_dir) {
  auto t = read_file(run_dir + "/engine.pgid");
  if (!t.ok()) return;
  pid_t pgid = 0;
  std::string exe;
  std::istringstream in(*t);
  in >> pgid >> exe;
  if (pgid <= 1 || !engine::group_alive(pgid)) return;
  auto cmd = read_file("/proc/" + std::to_string(pgid) + "/cmdline");
  if (cmd.ok() && !exe.empty() && cmd->find(exe) == std::string::npos) return;
  std::cerr << "matrix: stopping engine group " << pgid << " left by an interrupted run in "
            << run_dir << "\n";
  kill(-pgid, SIGTERM);
  for (int i = 0; i < 100 && engine::group_alive(pgid); ++i) usleep(50000);
  if (engine::group_alive(pgid)) kill(-pgid, SIGKILL);
}

}  // namespace

Status ensure_workload(const Plan& plan, const std::string& l4lab_exe) {
  const std::string& path = plan.workload.path;
  if (fs::exists(path)) return Status::Ok();
  if (!plan.workload.build)
    return Error(plan.file + ": workload " + path + " does not exist (set workload.build: true)");
  const std::string out_dir =
      fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path().string();
  fs::create_directories(out_dir);
  std::vector<std::string> argv = {l4lab_exe, "workload", "build", "--out", path};
  argv.insert(argv.end(), plan.workload.build_args.begin(), plan.workload.build_args.end());
  std::cerr << "matrix: building the workload:";
  for (const auto& a : argv) std::cerr << " " << a;
  std::cerr << "\n";
  auto child = engine::ChildProcess::spawn({.argv = argv, .log_path = out_dir + "/build.log"});
  if (!child.ok()) return child.error();
  auto st = child->wait_for(-1);
  child->stop_group(1);
  if (!st || !st->success())
    return Error("`l4lab workload build` failed (" + (st ? st->describe() : "?") + "); see " +
                 out_dir + "/build.log:\n" + [&] {
                   auto t = read_file(out_dir + "/build.log");
                   return t.ok() ? t->substr(t->size() > 2000 ? t->size() - 2000 : 0) : "";
                 }());
  if (!fs::exists(path)) return Error("`l4lab workload build --out " + path + "` did not write it");
  return Status::Ok();
}

const engine::EngineConfig* PreparedMatrix::find(const std::string& name) const {
  for (const auto& c : configs)
    if (c.name == name) return &c;
  return nullptr;
}

Result<PreparedMatrix> prepare_matrix(const Plan& plan, const MatrixOptions& opts) {
  fs::create_directories(opts.runs_dir);
  PreparedMatrix prep;
  // Load every configuration first: a typo fails the plan before anything runs.
  auto& configs = prep.configs;
  for (const auto& path : plan.configs) {
    auto c = engine::load_engine_config(path);
    if (!c.ok()) return c.error().context(plan.file);
    *c = apply_overrides(*c, plan.overrides);
    for (const auto& prev : configs)
      if (prev.name == c->name)
        return Error(plan.file + ": two configurations are named " + c->name + " (" + prev.file +
                     ", " + path + ")");
    configs.push_back(std::move(*c));
  }
  for (const auto& name : opts.only) {
    bool known = false;
    for (const auto& c : configs) known = known || c.name == name;
    if (!known) return Error(plan.file + ": --only names " + name + ", which the plan has not");
  }
  L4_TRY_STATUS(ensure_workload(plan, opts.l4lab_exe));
  const int per_cell =
      opts.per_cell_override >= 0 ? opts.per_cell_override : plan.workload.per_cell;
  Result<WorkloadRef> wl =
      per_cell > 0 ? write_subset(plan.workload.path, per_cell, opts.runs_dir + "/workload.jsonl")
                   : describe_workload(plan.workload.path);
  if (!wl.ok()) return wl.error();
  if (wl->count == 0) return Error(plan.workload.path + ": the workload has no requests");
  // A runs folder belongs to one plan and one workload: resuming with another
  // would mix runs that are not comparable.
  const std::string plan_path = opts.runs_dir + "/plan.yaml";
  const std::string wl_path = opts.runs_dir + "/workload.sha256";
  if (auto old = read_file(plan_path); old.ok() && *old != plan.text)
    return Error(opts.runs_dir + " holds runs of another plan (" + plan_path + " differs from " +
                 plan.file + "); use another --out");
  if (auto old = read_file(wl_path); old.ok() && *old != wl->sha256 + "\n")
    return Error(opts.runs_dir + " holds runs of another workload (sha256 " + old->substr(0, 16) +
                 "..., now " + wl->sha256.substr(0, 16) + "...: a --full run needs another --out)");
  L4_TRY_STATUS(write_file_atomic(plan_path, plan.text));
  L4_TRY_STATUS(write_file_atomic(wl_path, wl->sha256 + "\n"));
  prep.workload = *wl;
  return prep;
}

namespace {

// What probes and version queries found, kept across the runs of one process.
struct ProbeMemo {
  std::map<std::string, engine::ProbeResult> probes;
  engine::ProbeCache probe_runs;
  std::map<std::string, std::string> versions;
};

// The one body of a run, shared by run_matrix and run_one.
Outcome run_cell(const Plan& plan, const MatrixOptions& opts, const PreparedMatrix& prep,
                 const engine::EngineConfig& cfg, int trial, const telemetry::HostInfo& host,
                 const std::optional<telemetry::CloudInfo>& cloud, ProbeMemo& memo,
                 const std::string& label, const nlohmann::json& scheduler,
                 engine::Applied* applied) {
  const std::string rel = cfg.name + "/trial-" + std::to_string(trial);
  const std::string dir = opts.runs_dir + "/" + rel;
  if (fs::exists(dir)) {
    stop_leftover_engine(dir);
    int n = 1;
    while (fs::exists(dir + ".interrupted-" + std::to_string(n))) ++n;
    fs::rename(dir, dir + ".interrupted-" + std::to_string(n));
  }
  fs::create_directories(dir);
  engine::ArgvContext actx{opts.l4lab_exe, dir, cfg.engine.port, plan.vars};
  if (!memo.probes.count(cfg.file)) {
    std::cerr << label << cfg.name
              << (memo.probe_runs.count(engine::probe_cache_key(engine::probe_argv(cfg, actx)))
                      ? ": the engine's probe ran before; judging this configuration's flags\n"
                      : ": probing the engine\n");
    auto pr = engine::probe_engine(cfg, actx, &memo.probe_runs);
    if (engine::interrupted()) {
      memo.probe_runs.clear();  // a probe cut short by the signal is not evidence
    } else {
      memo.probes[cfg.file] = pr;
    }
    memo.versions[cfg.file] = engine::installed_engine_version(cfg, actx);
  }
  std::cerr << label << rel << ": " << cfg.factor << "\n";
  RunContext ctx;
  ctx.plan = &plan;
  ctx.config = &cfg;
  ctx.trial = trial;
  ctx.run_dir = dir;
  ctx.l4lab_exe = opts.l4lab_exe;
  ctx.workload = prep.workload;
  ctx.host = host;
  ctx.cloud = cloud;
  engine::ProbeResult cut_short;
  ctx.probe = memo.probes.count(cfg.file) ? &memo.probes[cfg.file] : &cut_short;
  ctx.engine_version = memo.versions[cfg.file];
  ctx.scheduler = scheduler;
  return execute_run(ctx, applied);
}

}  // namespace

Result<Outcome> run_one(const Plan& plan, const MatrixOptions& opts, const PreparedMatrix& prep,
                        const std::string& config, int trial, const nlohmann::json& scheduler,
                        const std::string& slurm_task) {
  engine::install_stop_handlers();
  const engine::EngineConfig* cfg = prep.find(config);
  if (!cfg) return Error(plan.file + ": the plan has no configuration named " + config);
  if (trial < 1 || trial > plan.trials)
    return Error(plan.file + ": trial " + std::to_string(trial) + " is outside 1.." +
                 std::to_string(plan.trials));
  MatrixState state;
  L4_TRY_STATUS(state.open(opts.runs_dir + "/matrix_state.jsonl"));
  const std::string rel = config + "/trial-" + std::to_string(trial);
  if (state.finished(config, trial))
    return Error(opts.runs_dir + "/matrix_state.jsonl: " + rel + " is finished (" +
                 state.status(config, trial) + "); a run is never done twice");
  ProbeMemo memo;
  engine::Applied applied;
  const Outcome o =
      run_cell(plan, opts, prep, *cfg, trial, telemetry::read_host_info(),
               telemetry::read_cloud_info(0.3), memo, "[run-one] ", scheduler, &applied);
  std::cerr << "[run-one] " << rel << ": " << o.status
            << (o.reason.empty() ? "" : " (" + o.reason + ")") << ", applied=" << applied.value
            << "\n";
  if (o.status != "interrupted")
    L4_TRY_STATUS(state.record(config, trial, o.status, rel, iso8601_utc(wall_ns()), slurm_task));
  return o;
}

Result<MatrixSummary> run_matrix(const Plan& plan, const MatrixOptions& opts) {
  engine::install_stop_handlers();
  auto prepared = prepare_matrix(plan, opts);
  if (!prepared.ok()) return prepared.error();
  const PreparedMatrix& prep = *prepared;
  const auto& configs = prep.configs;

  MatrixState state;
  L4_TRY_STATUS(state.open(opts.runs_dir + "/matrix_state.jsonl"));
  const auto host = telemetry::read_host_info();
  const auto cloud = telemetry::read_cloud_info(0.3);
  ProbeMemo memo;

  MatrixSummary sum;
  const auto order =
      order_runs(static_cast<int>(configs.size()), plan.trials, plan.order, plan.order_seed);
  int index = 0;
  for (const auto& key : order) {
    ++index;
    if (engine::interrupted()) {
      sum.interrupted = true;
      break;
    }
    const auto& cfg = configs[key.config];
    const std::string rel = cfg.name + "/trial-" + std::to_string(key.trial);
    const std::string label =
        "[" + std::to_string(index) + "/" + std::to_string(order.size()) + "] ";
    if (state.finished(cfg.name, key.trial)) {
      ++sum.skipped;
      std::cerr << label << rel << ": finished before, skipped\n";
      continue;
    }
    if (!opts.only.empty() &&
        std::find(opts.only.begin(), opts.only.end(), cfg.name) == opts.only.end()) {
      ++sum.not_selected;
      continue;
    }
    if (opts.max_runs > 0 && sum.runs >= opts.max_runs) {
      ++sum.left;
      continue;
    }
    engine::Applied applied;
    const Outcome o =
        run_cell(plan, opts, prep, cfg, key.trial, host, cloud, memo, label, nullptr, &applied);
    ++sum.runs;
    std::cerr << label << rel << ": " << o.status << (o.reason.empty() ? "" : " (" + o.reason + ")")
              << ", applied=" << applied.value << "\n";
    if (o.status == "interrupted") {
      sum.interrupted = true;
      break;
    }
    o.status == "ok" ? ++sum.ok : ++sum.not_ok;
    if (o.status != "ok" && o.status != "unsupported") ++sum.failed;
    L4_TRY_STATUS(state.record(cfg.name, key.trial, o.status, rel, iso8601_utc(wall_ns())));
  }
  return sum;
}

}  // namespace l4lab::matrix
