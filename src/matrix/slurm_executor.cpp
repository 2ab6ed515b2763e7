#include "matrix/slurm_executor.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "common/clock.h"
#include "common/files.h"
#include "common/jsonl_writer.h"
#include "engine/child_process.h"
#include "engine/process_registry.h"
#include "matrix/matrix_state.h"
#include "matrix/run_order.h"
#include "matrix/slurm_plan.h"

namespace l4lab::matrix {

namespace fs = std::filesystem;

namespace {

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string env_or(const char* name, const std::string& dflt = "") {
  const char* v = std::getenv(name);
  return v ? std::string(v) : dflt;
}

// The states of the given jobs' tasks. sacct is Slurm's record of finished
// jobs; it needs accounting storage (slurmdbd). Without it, squeue --states=all
// still lists a finished job for MinJobAge seconds (the local test cluster
// keeps them an hour), so it is the fallback.
Result<std::map<std::string, SlurmTaskState>> query_states(const std::set<std::string>& jobs) {
  std::map<std::string, SlurmTaskState> out;
  if (jobs.empty()) return out;
  const std::string ids = join(std::vector<std::string>(jobs.begin(), jobs.end()), ",");
  auto add = [&](const std::string& text) -> Status {
    auto rows = parse_slurm_states(text);
    if (!rows.ok()) return rows.error();
    for (auto& r : *rows) out[r.task_id] = r;
    return Status::Ok();
  };
  std::string why_not_sacct;
  auto sacct = engine::run_capture(
      {"sacct", "--parsable2", "--noheader", "--jobs=" + ids, "--format=JobID,State,NodeList"}, 60);
  if (sacct.ok() && sacct->status.success() && add(sacct->output).ok()) {
    // sacct lists what the database has; squeue adds what is only queued.
  } else {
    why_not_sacct = sacct.ok() ? sacct->output : sacct.error().message();
  }
  auto sq = engine::run_capture(
      {"squeue", "--noheader", "--array", "--states=all", "--jobs=" + ids, "--format=%i|%T|%N"},
      60);
  if (!sq.ok()) return sq.error().context("squeue");
  if (!sq->status.success()) {
    // squeue refuses a list where every job is unknown (purged): nothing known.
    if (sq->output.find("Invalid job id") == std::string::npos)
      return Error("squeue failed (" + sq->status.describe() + "): " + sq->output +
                   (why_not_sacct.empty() ? "" : "; sacct: " + why_not_sacct));
    return out;
  }
  auto rows = parse_slurm_states(sq->output);
  if (!rows.ok()) return rows.error().context("squeue");
  for (auto& r : *rows)
    if (!out.count(r.task_id) || !slurm_verdict(out[r.task_id].state).terminal) out[r.task_id] = r;
  return out;
}

Status append_line(const std::string& path, const std::string& line) {
  JsonlWriter w;
  L4_TRY_STATUS(w.open(path, true));
  L4_TRY_STATUS(w.write_line(line));
  return w.sync();
}

Result<std::vector<SubmittedTask>> read_jobs(const std::string& runs_dir) {
  const std::string path = runs_dir + "/slurm_jobs.jsonl";
  if (!fs::exists(path)) return std::vector<SubmittedTask>{};
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  return parse_jobs_file(*text, path);
}

}  // namespace

nlohmann::json slurm_task_info() {
  if (env_or("SLURM_JOB_ID").empty()) return nullptr;
  nlohmann::json j = {{"kind", "slurm"},
                      {"job_id", env_or("SLURM_JOB_ID")},
                      {"array_job_id", env_or("SLURM_ARRAY_JOB_ID")},
                      {"array_task_id", env_or("SLURM_ARRAY_TASK_ID")},
                      {"node", env_or("SLURMD_NODENAME")},
                      {"partition", env_or("SLURM_JOB_PARTITION")},
                      {"cluster", env_or("SLURM_CLUSTER_NAME")},
                      {"cpus_on_node", env_or("SLURM_CPUS_ON_NODE")},
                      {"cpus_per_task", env_or("SLURM_CPUS_PER_TASK")},
                      {"gpus_on_node", env_or("SLURM_GPUS_ON_NODE")},
                      {"job_gpus", env_or("SLURM_JOB_GPUS")},
                      {"cuda_visible_devices", env_or("CUDA_VISIBLE_DEVICES")},
                      {"mem_per_node_mb", env_or("SLURM_MEM_PER_NODE")},
                      {"mem_per_cpu_mb", env_or("SLURM_MEM_PER_CPU")}};
  auto v = engine::run_capture({"sinfo", "--version"}, 10);
  std::string ver = v.ok() && v->status.success() ? v->output : "";
  while (!ver.empty() && (ver.back() == '\n' || ver.back() == ' ')) ver.pop_back();
  j["slurm_version"] = ver;
  return j;
}

Result<RunId> run_from_list(const std::string& list_path) {
  const std::string idx = env_or("SLURM_ARRAY_TASK_ID");
  if (idx.empty())
    return Error(list_path + ": --runs-list needs SLURM_ARRAY_TASK_ID (run it as a Slurm task)");
  auto text = read_file(list_path);
  if (!text.ok()) return text.error();
  const int want = std::atoi(idx.c_str());
  int i = 0;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    if (i == want) {
      auto id = parse_run_id(text->substr(pos, nl - pos));
      if (!id.ok()) return id.error().context(list_path + ":" + std::to_string(i + 1));
      return id;
    }
    ++i;
    pos = nl + 1;
  }
  return Error(list_path + ": no line " + std::to_string(want + 1) + " for array task " + idx);
}

namespace {

// One poll of the runs this folder's jobs cover: each run's latest task,
// and which are still queued or running.
struct Poll {
  std::vector<SubmittedTask> tasks;       // slurm_jobs.jsonl, every submission
  std::map<RunId, SubmittedTask> latest;  // per run, its latest task
  std::set<RunId> live;                   // runs whose latest task is not terminal
  int running = 0, pending = 0;
};

// Reads the job records, asks Slurm for the unrecorded tasks' states, and
// records the ends the tasks did not record themselves.
Result<Poll> poll_tasks(const std::string& runs_dir, MatrixState& state,
                        std::set<std::string>& followed) {
  Poll poll;
  auto tasks = read_jobs(runs_dir);
  if (!tasks.ok()) return tasks.error();
  poll.tasks = std::move(*tasks);
  for (const auto& t : poll.tasks) poll.latest[t.run] = t;
  std::set<std::string> jobs;
  for (const auto& [run, t] : poll.latest)
    if (!state.task_recorded(t.task_id())) jobs.insert(t.job_id);
  auto states = query_states(jobs);
  if (!states.ok()) return states.error();
  // After the query: a task Slurm calls COMPLETED has written its line.
  L4_TRY_STATUS(state.reload());
  for (const auto& [run, t] : poll.latest) {
    const std::string tid = t.task_id();
    if (state.task_recorded(tid)) continue;
    auto it = states->find(tid);
    const std::optional<SlurmTaskState> slurm =
        it == states->end() ? std::nullopt : std::optional<SlurmTaskState>(it->second);
    const TaskFollow f = follow_task(slurm, state.status(run.config, run.trial));
    if (f.action == TaskFollow::kLive) {
      poll.live.insert(run);
      followed.insert(tid);
      slurm->state == "RUNNING" ? ++poll.running : ++poll.pending;
      continue;
    }
    if (f.action == TaskFollow::kNothing) continue;
    if (slurm)
      std::cerr << "[slurm] " << run.rel() << ": task " << tid << " ended " << slurm->state
                << (slurm->node.empty() ? "" : " on " + slurm->node) << ": " << f.reason << "\n";
    L4_TRY_STATUS(
        state.record(run.config, run.trial, f.status, run.rel(), iso8601_utc(wall_ns()), tid));
  }
  return poll;
}

// Jobs are submitted held and released once recorded. A submitter killed
// after sbatch but before the record left a held job nothing knows of:
// cancel it (it never ran). One killed after the record but before the
// release left a recorded held job: release it.
Status settle_held_jobs(const std::string& job_name, const std::vector<SubmittedTask>& tasks) {
  std::set<std::string> recorded;
  for (const auto& t : tasks) recorded.insert(t.job_id);
  auto sq = engine::run_capture(
      {"squeue", "--noheader", "--name=" + job_name, "--format=%F|%A|%T|%r"}, 60);
  if (!sq.ok() || !sq->status.success()) return Status::Ok();
  auto orphans = orphan_jobs(sq->output, recorded);
  if (!orphans.ok()) return orphans.error().context("squeue --name=" + job_name);
  for (const auto& id : *orphans) {
    std::cerr << "[slurm] job " << id << " (" << job_name
              << ") is not recorded in slurm_jobs.jsonl: its submitter was killed before "
                 "recording it; cancelling it (it was held, nothing ran)\n";
    (void)engine::run_capture({"scancel", id}, 60);
  }
  if (sq->output.find("JobHeldUser") != std::string::npos)
    for (const auto& id : recorded) (void)engine::run_capture({"scontrol", "release", id}, 60);
  return Status::Ok();
}

// Where the submission's files go and what its tasks run.
struct Submitter {
  const MatrixOptions& opts;
  const SlurmOptions& sopts;
  SlurmSpec res;
  std::string sdir, script, jobs_path, job_name;
};

// One array job for `todo`: its runs list, sbatch (held), the record in
// slurm_jobs.jsonl, then the release. Returns the job id.
Result<std::string> submit(const Submitter& s, const std::vector<RunId>& todo) {
  int k = 1;
  while (fs::exists(s.sdir + "/submit-" + std::to_string(k) + ".runs")) ++k;
  const std::string list = s.sdir + "/submit-" + std::to_string(k) + ".runs";
  std::string text;
  for (const auto& r : todo) text += r.rel() + "\n";
  L4_TRY_STATUS(write_file_atomic(list, text));
  std::vector<std::string> task_args = {
      s.opts.l4lab_exe, "matrix",        "run-one",     fs::absolute(s.sopts.plan_path).string(),
      "--out",          s.opts.runs_dir, "--runs-list", list};
  if (s.opts.per_cell_override >= 0) {
    task_args.push_back("--per-cell");
    task_args.push_back(std::to_string(s.opts.per_cell_override));
  }
  const auto argv = sbatch_argv(s.res, s.job_name, static_cast<int>(todo.size()),
                                s.sdir + "/%A_%a.log", s.script, task_args);
  std::cerr << "[slurm] submitting " << todo.size() << " run(s): " << join(argv, " ") << "\n";
  auto out = engine::run_capture(argv, 120);
  if (!out.ok()) return out.error().context("sbatch");
  if (!out->status.success())
    return Error("sbatch failed (" + out->status.describe() + "): " + out->output);
  auto job = parse_sbatch_output(out->output);
  if (!job.ok()) return job.error();
  // Recorded before waiting: a submitter killed from here on is started
  // again and follows this job instead of submitting twice.
  L4_TRY_STATUS(append_line(s.jobs_path, jobs_file_line(*job, todo)));
  auto rel = engine::run_capture({"scontrol", "release", *job}, 60);
  if (!rel.ok() || !rel->status.success())
    return Error("job " + *job + " is recorded but `scontrol release " + *job +
                 "` failed: " + (rel.ok() ? rel->output : rel.error().message()) +
                 "; `l4lab matrix run` again releases it");
  std::cerr << "[slurm] job " << *job << ": array of " << todo.size() << " task(s)\n";
  return *job;
}

// The first poll's work: settle held jobs, then submit the runs neither
// finished nor live (the summary counts what --only and --max-runs left
// out); the new job's tasks join `followed`. True when a job was submitted.
Result<bool> submit_remaining(const Submitter& sub, const Poll& poll,
                              const std::vector<RunId>& order, const MatrixState& state,
                              MatrixSummary& sum, std::set<std::string>& followed) {
  L4_TRY_STATUS(settle_held_jobs(sub.job_name, poll.tasks));
  std::set<RunId> finished;
  for (const auto& r : order)
    if (state.finished(r.config, r.trial)) finished.insert(r);
  const SubmitPlan todo =
      plan_submission(order, finished, poll.live, sub.opts.only, sub.opts.max_runs);
  sum.not_selected = todo.not_selected;
  sum.left = todo.left;
  sum.skipped = static_cast<int>(finished.size());
  if (!poll.live.empty())
    std::cerr << "[slurm] " << poll.live.size()
              << " run(s) already queued or running from an earlier submission: followed, "
                 "not submitted again\n";
  if (todo.todo.empty()) return false;
  auto job = submit(sub, todo.todo);
  if (!job.ok()) return job.error();
  for (size_t i = 0; i < todo.todo.size(); ++i) followed.insert(*job + "_" + std::to_string(i));
  return true;
}

// The summary once nothing followed is live: one line per followed run.
MatrixSummary tally(MatrixSummary sum, const Poll& poll, const MatrixState& state,
                    const std::set<std::string>& followed) {
  for (const auto& [run, t] : poll.latest) {
    if (!followed.count(t.task_id())) continue;
    const std::string s = state.status(run.config, run.trial);
    ++sum.runs;
    s == "ok" ? ++sum.ok : ++sum.not_ok;
    if (s != "ok" && s != "unsupported") ++sum.failed;
    std::cerr << "[slurm] " << run.rel() << ": " << (s.empty() ? "?" : s) << " (task "
              << t.task_id() << ")\n";
  }
  return sum;
}

}  // namespace

Result<MatrixSummary> run_matrix_slurm(const Plan& plan, const MatrixOptions& opts_in,
                                       const SlurmOptions& sopts) {
  engine::install_stop_handlers();
  MatrixOptions opts = opts_in;
  opts.runs_dir = fs::absolute(opts.runs_dir).lexically_normal().string();
  auto prepared = prepare_matrix(plan, opts);
  if (!prepared.ok()) return prepared.error();
  const auto& configs = prepared->configs;
  const std::string sdir = opts.runs_dir + "/slurm";
  const Submitter sub{opts,
                      sopts,
                      merge_slurm(plan.slurm, sopts.flags),
                      sdir,
                      sdir + "/task.sh",
                      opts.runs_dir + "/slurm_jobs.jsonl",
                      slurm_job_name(plan.name, opts.runs_dir)};
  fs::create_directories(sdir);
  // The batch script only execs its arguments: what a task runs is argv
  // data handed to sbatch, never a shell string.
  L4_TRY_STATUS(
      write_file_atomic(sub.script, "#!/bin/sh\n# l4lab: runs its arguments\nexec \"$@\"\n"));
  chmod(sub.script.c_str(), 0755);
  std::vector<RunId> order;
  for (const auto& k :
       order_runs(static_cast<int>(configs.size()), plan.trials, plan.order, plan.order_seed))
    order.push_back({configs[k.config].name, k.trial});

  MatrixState state;
  L4_TRY_STATUS(state.open(opts.runs_dir + "/matrix_state.jsonl"));
  MatrixSummary sum;
  std::set<std::string> followed;  // task ids whose end this invocation reports
  bool submitted = false;
  std::string last_progress;
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    auto poll = poll_tasks(opts.runs_dir, state, followed);
    if (!poll.ok()) return poll.error();
    if (!submitted) {
      submitted = true;
      auto sent = submit_remaining(sub, *poll, order, state, sum, followed);
      if (!sent.ok()) return sent.error();
      if (*sent) continue;  // read the new job's tasks back and follow them
    }
    int ended = 0;
    for (const auto& tid : followed) ended += state.task_recorded(tid) ? 1 : 0;
    const std::string progress = std::to_string(ended) + "/" + std::to_string(followed.size()) +
                                 " ended, " + std::to_string(poll->running) + " running, " +
                                 std::to_string(poll->pending) + " pending";
    if (progress != last_progress) {
      const double el =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::cerr << "[slurm] " << static_cast<int>(el) << " s: " << progress << "\n";
      last_progress = progress;
    }
    if (poll->live.empty()) return tally(sum, *poll, state, followed);
    if (engine::interrupted()) {
      std::cerr << "[slurm] stopped following; the jobs keep running. `l4lab matrix run` again "
                   "follows them, `l4lab matrix cancel "
                << opts.runs_dir << "` cancels them\n";
      sum.interrupted = true;
      return sum;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(sopts.poll_s));
  }
}

Result<int> cancel_matrix_slurm(const std::string& runs_dir) {
  auto tasks = read_jobs(runs_dir);
  if (!tasks.ok()) return tasks.error();
  std::set<std::string> jobs;
  for (const auto& t : *tasks) jobs.insert(t.job_id);
  auto states = query_states(jobs);
  if (!states.ok()) return states.error();
  std::set<std::string> live;
  for (const auto& [tid, s] : *states)
    if (!slurm_verdict(s.state).terminal) live.insert(tid.substr(0, tid.find('_')));
  if (live.empty()) return 0;
  std::vector<std::string> argv = {"scancel"};
  argv.insert(argv.end(), live.begin(), live.end());
  auto r = engine::run_capture(argv, 60);
  if (!r.ok()) return r.error().context("scancel");
  if (!r->status.success())
    return Error("scancel " + join({live.begin(), live.end()}, " ") + " failed (" +
                 r->status.describe() + "): " + r->output);
  std::cerr << "matrix cancel: scancel " << join({live.begin(), live.end()}, " ") << "\n";
  return static_cast<int>(live.size());
}

}  // namespace l4lab::matrix
