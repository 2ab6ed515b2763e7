// `l4lab capacity`: a thin executor around the planning core. Each step is an
// ordinary `l4lab bench` run (a child process, argv, never a shell) in
// OUT/step-NN-rate-R/trial-1/, watched for saturation while it runs and
// judged from its traces when it ends; capacity.json is rewritten after
// every step. At the end `l4lab report OUT` makes the steps' report (and so
// `l4lab verify OUT` recomputes every step).
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "capacity/capacity_options.h"
#include "capacity/capacity_record.h"
#include "common/clock.h"
#include "common/files.h"
#include "engine/child_process.h"
#include "schedule/schedule_file.h"
#include "traces/trace_reader.h"
#include "workload/workload_io.h"

namespace l4lab::capacity {
namespace fs = std::filesystem;

namespace {

int bad_input(const std::string& msg) {
  std::fprintf(stderr, "l4lab capacity: %s\n", msg.c_str());
  return 2;
}

struct StepRun {
  Saturation saturation;
  bool ended_early = false;
  bool overran = false;
  double wall_s = 0;
  engine::ExitStatus exit;
  std::string error;  // the step could not run at all
};

// Watches a running bench: every 0.5 s, the in-flight count from the
// schedule (known in advance) and the traces written so far.
StepRun run_step(const CapacityOptions& o, const std::vector<std::string>& argv,
                 const std::string& dir, const std::string& log, double rate,
                 const std::vector<std::string>& ids) {
  StepRun sr;
  engine::SpawnOptions so;
  so.argv = argv;
  so.log_path = log;
  auto child = engine::ChildProcess::spawn(so);
  if (!child) {
    sr.error = child.error().message();
    return sr;
  }
  const int64_t begin = mono_ns();
  const double limit_s = 2 * (o.warmup_s + o.step_s) + 120;
  const int64_t block_ns = int64_t(saturation_block_s(rate) * 1e9);
  const int64_t warm_ns = int64_t(o.warmup_s * 1e9);
  std::unordered_map<std::string, int64_t> offset;
  std::vector<int64_t> offsets;
  while (true) {
    if (auto st = child->wait_for(0.5)) {
      sr.exit = *st;
      break;
    }
    if (double(mono_ns() - begin) * 1e-9 > limit_s) {
      sr.overran = true;
      sr.exit = child->stop_group(10);
      break;
    }
    if (offsets.empty() && fs::exists(dir + "/schedule.jsonl")) {
      auto s = read_replay_schedule(dir + "/schedule.jsonl", ids);
      if (s.ok())
        for (const auto& e : s->entries)
          if (e.t_offset_ns) {
            offset[e.id] = *e.t_offset_ns;
            offsets.push_back(*e.t_offset_ns);
          }
    }
    if (offsets.empty() || !fs::exists(dir + "/traces.jsonl")) continue;
    auto tf = read_traces(dir + "/traces.jsonl");
    if (!tf.ok() || tf->records.empty()) continue;
    // The run's start on this host's monotonic clock: any trace's scheduled
    // time less its schedule offset.
    int64_t t0 = 0;
    std::vector<int64_t> ended;
    for (const auto& r : tf->records) {
      if (auto it = offset.find(r.request_id); it != offset.end() && r.t_scheduled_ns)
        t0 = *r.t_scheduled_ns - it->second;
      if (r.t_end_ns) ended.push_back(*r.t_end_ns);
    }
    if (t0 == 0) continue;
    std::vector<int64_t> sched;
    for (int64_t off : offsets) sched.push_back(t0 + off);
    auto means = in_flight_block_means(sched, ended, t0 + warm_ns, block_ns, mono_ns());
    auto sat = detect_saturation(means, rate * double(block_ns) * 1e-9);
    if (sat.saturated) {
      sr.saturation = sat;
      sr.saturation.why += fmt::format(" after the {:.0f} s warm-up, blocks of {:.2f} s",
                                       o.warmup_s, double(block_ns) * 1e-9);
      sr.ended_early = true;
      sr.exit = child->stop_group(10);  // SIGTERM: bench ends the run and writes bench.json
      break;
    }
  }
  sr.wall_s = double(mono_ns() - begin) * 1e-9;
  return sr;
}

std::string bench_status(const std::string& dir) {
  auto t = read_file(dir + "/bench.json");
  if (!t.ok()) return "missing";
  auto j = nlohmann::json::parse(*t, nullptr, false);
  if (j.is_discarded()) return "unreadable";
  return j.value("/outcome/status"_json_pointer, std::string("unknown"));
}

}  // namespace

int run_capacity(const CapacityOptions& o) {
  auto slos = parse_slos(o.slos);
  if (!slos) return bad_input(slos.error().message());
  if (!(o.step_s > 0)) return bad_input("--step-s must be > 0");
  if (!(o.warmup_s >= 0)) return bad_input("--warmup-s must be >= 0");
  if (!(o.search.start_rate > 0)) return bad_input("--start-rate must be > 0");
  if (!(o.search.factor > 1)) return bad_input("--factor must be > 1");
  if (!(o.search.resolution > 0)) return bad_input("--resolution must be > 0");
  auto workload = read_workload(o.workload);
  if (!workload) return bad_input(workload.error().message());
  std::vector<std::string> ids;
  for (const auto& w : *workload) ids.push_back(w.id);
  if (ids.empty()) return bad_input(o.workload + ": no requests");
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) return bad_input(o.out_dir + ": cannot create: " + ec.message());
  const std::string json_path = (fs::path(o.out_dir) / "capacity.json").string();
  if (fs::exists(json_path))
    return bad_input(json_path + " already exists: give another --out (a search is not resumed)");

  nlohmann::json header = {
      {"argv", o.argv},
      {"url", o.url},
      {"workload", {{"path", o.workload}, {"count", ids.size()}}},
      {"options",
       {{"start_rate", o.search.start_rate},
        {"factor", o.search.factor},
        {"resolution", o.search.resolution},
        {"max_steps", o.search.max_steps},
        {"max_rate",
         std::isfinite(o.search.max_rate) ? nlohmann::json(o.search.max_rate) : nlohmann::json()},
        {"step_s", o.step_s},
        {"warmup_s", o.warmup_s},
        {"pause_s", o.pause_s},
        {"seed", o.seed},
        {"arrival", "poisson"}}},
      {"started_at", iso8601_utc(wall_ns())}};

  RateSearch rs(o.search);
  std::vector<StepRecord> steps;
  std::vector<StepSummary> summaries;
  std::string stop;
  int exit_code = 0;
  bool retried = false;  // the last step was a repeat after a load not offered
  auto save = [&] {
    auto est = estimate_capacity(summaries);
    const std::string why = stop.empty() ? rs.stop_reason() : stop;
    auto j = capacity_json(header, *slos, steps, est, why);
    if (auto st = write_file_atomic(json_path, j.dump(2) + "\n"); !st.ok())
      std::fprintf(stderr, "l4lab capacity: %s\n", st.error().message().c_str());
    const std::string md_path = (fs::path(o.out_dir) / "capacity.md").string();
    if (auto st = write_file_atomic(md_path, capacity_markdown(header, *slos, steps, est, why));
        !st.ok())
      std::fprintf(stderr, "l4lab capacity: %s\n", st.error().message().c_str());
  };
  while (auto rate = rs.next_rate()) {
    const int k = int(steps.size()) + 1;
    const size_t need = size_t(std::ceil(*rate * (o.warmup_s + o.step_s)));
    if (need > ids.size()) {
      stop = fmt::format(
          "{} has {} requests; step {} at {:.3f} req/s for {:.0f} s ({:.0f} s warm-up + "
          "{:.0f} s) needs {}: build a larger workload (l4lab workload build) or shorten --step-s",
          o.workload, ids.size(), k, *rate, o.warmup_s + o.step_s, o.warmup_s, o.step_s, need);
      exit_code = 1;
      break;
    }
    const std::string name = fmt::format("step-{:02d}-rate-{:.3f}", k, *rate);
    const std::string rel = name + "/trial-1";
    const std::string dir = (fs::path(o.out_dir) / rel).string();
    fs::create_directories(dir, ec);
    if (ec) return bad_input(dir + ": cannot create: " + ec.message());
    const std::string log = (fs::path(o.out_dir) / name / "bench.log").string();
    std::vector<std::string> argv = {o.l4lab_exe,       "bench",
                                     "--endpoint",      o.url,
                                     "--workload",      o.workload,
                                     "--out",           dir,
                                     "--rate",          fmt::format("{}", *rate),
                                     "--arrival",       "poisson",
                                     "--seed",          std::to_string(o.seed * 1000 + uint64_t(k)),
                                     "--limit",         std::to_string(need),
                                     "--warmup-s",      fmt::format("{}", o.warmup_s),
                                     "--endpoint-type", o.endpoint_type,
                                     "--quiet"};
    if (!o.model.empty()) argv.insert(argv.end(), {"--model", o.model});
    if (o.ignore_eos) argv.push_back("--ignore-eos");
    std::fprintf(stderr, "l4lab capacity: step %d: %.3f req/s for %.0f s (+%.0f s warm-up) -> %s\n",
                 k, *rate, o.step_s, o.warmup_s, dir.c_str());
    StepRun sr = run_step(o, argv, dir, log, *rate, ids);
    if (!sr.error.empty()) {
      stop = "step " + std::to_string(k) + ": cannot start l4lab bench: " + sr.error;
      exit_code = 1;
      break;
    }
    if (sr.exit.exited && sr.exit.code == 2) {
      stop = fmt::format("step {}: l4lab bench refused its input ({}); see {}", k,
                         sr.exit.describe(), log);
      exit_code = 2;
      break;
    }
    auto tf = read_traces(dir + "/traces.jsonl");
    if (!tf) {
      stop = fmt::format("step {}: {} (bench {}; see {})", k, tf.error().message(),
                         sr.exit.describe(), log);
      exit_code = 1;
      break;
    }
    StepRecord rec;
    rec.index = k;
    rec.dir = rel;
    rec.rate = *rate;
    rec.ended_early = sr.ended_early;
    rec.wall_s = sr.wall_s;
    rec.bench_status = bench_status(dir);
    rec.bench_exit = sr.exit.exited ? sr.exit.code : -sr.exit.signal;
    rec.saturation = sr.saturation;
    StepData data = step_data_from_traces(tf->records, *rate);
    if (!sr.ended_early) {
      // The whole step, judged as the online watch would have at its end.
      std::vector<int64_t> sched, ended;
      int64_t t_last = 0;
      for (const auto& r : tf->records) {
        if (r.t_scheduled_ns) sched.push_back(*r.t_scheduled_ns);
        if (r.t_end_ns) ended.push_back(*r.t_end_ns), t_last = std::max(t_last, *r.t_end_ns);
      }
      if (!sched.empty()) {
        const int64_t t0 = *std::min_element(sched.begin(), sched.end());
        rec.saturation = detect_saturation(
            in_flight_block_means(sched, ended, t0 + int64_t(o.warmup_s * 1e9),
                                  int64_t(saturation_block_s(*rate) * 1e9), t_last),
            *rate * saturation_block_s(*rate));
      }
    }
    rec.verdict = judge_step(data, *slos, rec.saturation.saturated,
                             1 - 0.025 / std::max(1, o.search.max_steps));
    if (sr.overran && !rec.saturation.saturated) {
      rec.verdict.pass = false;
      rec.verdict.evidence = Evidence::undecided;
      rec.verdict.reason = "the step overran its time limit and was stopped";
    }
    std::fprintf(
        stderr, "l4lab capacity: step %d: %s (%s): %s\n", k, rec.verdict.pass ? "pass" : "FAIL",
        std::string(evidence_name(rec.verdict.evidence)).c_str(), rec.verdict.reason.c_str());
    // A step whose load was not offered says nothing about the server: it
    // is kept (its folder, its line) but neither counts for the search nor
    // for the estimate. It is run once more (a shared client host has
    // passing stalls); a second miss at the same rate ends the search.
    rec.counted = rec.verdict.load.offered || rec.saturation.saturated;
    steps.push_back(rec);
    if (!rec.counted) {
      if (!retried) {
        retried = true;
        std::fprintf(stderr,
                     "l4lab capacity: step %d: the load was not offered; running it again\n", k);
        save();
        std::this_thread::sleep_for(std::chrono::duration<double>(o.pause_s));
        continue;
      }
      stop = fmt::format(
          "step {}: the asked load was not offered twice at {:.3f} req/s ({}); the capacity "
          "search cannot go on from this client",
          k, *rate, rec.verdict.load.why);
      exit_code = 1;
      save();
      break;
    }
    retried = false;
    summaries.push_back({rec.rate, rec.verdict.pass, rec.verdict.evidence});
    rs.record(*rate, rec.verdict.pass, rec.verdict.evidence);
    save();
    std::this_thread::sleep_for(std::chrono::duration<double>(o.pause_s));
  }
  if (stop.empty()) stop = rs.stop_reason();
  save();
  const auto est = estimate_capacity(summaries);
  std::printf("%s", capacity_table(steps, est, stop).c_str());
  std::printf("capacity.json in %s\n", json_path.c_str());
  if (!steps.empty()) {
    // The steps' own report, so `l4lab verify OUT` recomputes every step.
    auto rep = engine::run_capture({o.l4lab_exe, "report", o.out_dir, "--quiet", "--baseline",
                                    fs::path(steps.front().dir).parent_path().string()},
                                   600);
    if (!rep.ok() || !rep->status.success())
      std::fprintf(stderr, "l4lab capacity: l4lab report %s did not succeed: %s\n",
                   o.out_dir.c_str(),
                   rep.ok() ? (rep->status.describe() + "\n" + rep->output).c_str()
                            : rep.error().message().c_str());
  }
  return exit_code;
}

}  // namespace l4lab::capacity
