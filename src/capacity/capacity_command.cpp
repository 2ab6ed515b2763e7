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
#include "capacity/capacity_page.h"
#include "capacity/capacity_record.h"
#include "capacity/capacity_step.h"
#include "capacity/curve_reader.h"
#include "common/clock.h"
#include "common/files.h"
#include "engine/child_process.h"
#include "engine/process_registry.h"
#include "schedule/schedule_file.h"
#include "traces/trace_reader.h"
#include "workload/workload_io.h"

namespace l4lab::capacity {
namespace fs = std::filesystem;

int bad_input(const std::string& msg) {
  std::fprintf(stderr, "l4lab capacity: %s\n", msg.c_str());
  return 2;
}

namespace {

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
    if (engine::interrupted()) {  // the handler has SIGTERMed the bench's group already
      sr.exit = child->stop_group(10);
      break;
    }
    if (double(mono_ns() - begin) * 1e-9 > limit_s) {
      sr.overran = true;
      sr.exit = child->stop_group(10);
      break;
    }
    if (offsets.empty() && fs::exists(dir + "/schedule.jsonl")) {
      auto s = schedule::read_replay_schedule(dir + "/schedule.jsonl", ids);
      if (s.ok())
        for (const auto& e : s->entries)
          if (e.t_offset_ns) {
            offset[e.id] = *e.t_offset_ns;
            offsets.push_back(*e.t_offset_ns);
          }
    }
    if (offsets.empty() || !fs::exists(dir + "/traces.jsonl")) continue;
    auto tf = traces::read_traces(dir + "/traces.jsonl");
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

// capacity.json's inputs, copied in as given.
nlohmann::json header_json(const CapacityOptions& o, size_t requests) {
  return {{"argv", o.argv},
          {"url", o.url},
          {"workload", {{"path", o.workload}, {"count", requests}}},
          {"options",
           {{"start_rate", o.search.start_rate},
            {"factor", o.search.factor},
            {"resolution", o.search.resolution},
            {"max_steps", o.search.max_steps},
            {"max_rate", std::isfinite(o.search.max_rate) ? nlohmann::json(o.search.max_rate)
                                                          : nlohmann::json()},
            {"step_s", o.step_s},
            {"warmup_s", o.warmup_s},
            {"pause_s", o.pause_s},
            {"seed", o.seed},
            {"arrival", "poisson"}}},
          {"started_at", iso8601_utc(wall_ns())}};
}

// The search as it goes: the steps so far, and why it stopped.
class Search {
 public:
  Search(const CapacityOptions& o, SloSet slos, nlohmann::json header)
      : o_(o), slos_(std::move(slos)), header_(std::move(header)), rs_(o.search) {}

  std::optional<double> next_rate() { return rs_.next_rate(); }
  const std::vector<StepRecord>& steps() const { return steps_; }
  const SloSet& slos() const { return slos_; }
  int exit_code() const { return exit_code_; }
  std::string stop_reason() const { return stop_.empty() ? rs_.stop_reason() : stop_; }

  void stop(std::string why, int code) {
    stop_ = std::move(why);
    exit_code_ = code;
  }

  // Takes a judged step; false when the search cannot go on. A step whose
  // load was not offered is run once more (a shared client host has passing
  // stalls); a second miss at the same rate ends the search.
  bool record(const StepRecord& rec) {
    steps_.push_back(rec);
    if (!rec.counted) {
      if (!retried_) {
        retried_ = true;
        std::fprintf(stderr,
                     "l4lab capacity: step %d: the load was not offered; running it again\n",
                     rec.index);
        save();
        return true;
      }
      stop(fmt::format("step {}: the asked load was not offered twice at {:.3f} req/s ({}); the "
                       "capacity search cannot go on from this client",
                       rec.index, rec.rate, rec.verdict.load.why),
           1);
      save();
      return false;
    }
    retried_ = false;
    summaries_.push_back(
        {rec.rate, rec.verdict.pass, rec.verdict.evidence, rec.saturation.saturated});
    rs_.record(rec.rate, rec.verdict.pass, rec.verdict.evidence);
    save();
    return true;
  }

  CapacityEstimate estimate() const { return estimate_capacity(summaries_); }

  // capacity.json and capacity.md, rewritten after every step.
  void save() const {
    const auto est = estimate();
    const std::string why = stop_reason();
    auto j = capacity_json(header_, slos_, steps_, est, why);
    if (auto st = write_file_atomic(json_path(o_), j.dump(2) + "\n"); !st.ok())
      std::fprintf(stderr, "l4lab capacity: %s\n", st.error().message().c_str());
    const std::string md_path = (fs::path(o_.out_dir) / "capacity.md").string();
    if (auto st = write_file_atomic(md_path, capacity_markdown(header_, slos_, steps_, est, why));
        !st.ok())
      std::fprintf(stderr, "l4lab capacity: %s\n", st.error().message().c_str());
  }

  static std::string json_path(const CapacityOptions& o) {
    return (fs::path(o.out_dir) / "capacity.json").string();
  }

 private:
  const CapacityOptions& o_;
  SloSet slos_;
  nlohmann::json header_;
  RateSearch rs_;
  std::vector<StepRecord> steps_;
  std::vector<StepSummary> summaries_;
  std::string stop_;
  int exit_code_ = 0;
  bool retried_ = false;  // the last step was a repeat after a load not offered
};

// One planned step: run and watch its bench, judge it. nullopt: the search
// stops (the reason and exit code are set on `search`).
std::optional<StepRecord> run_one_step(const CapacityOptions& o, Search& search,
                                       const StepPlan& plan, const std::vector<std::string>& ids) {
  const int k = plan.index;
  const double rate = plan.rate;
  std::fprintf(stderr, "l4lab capacity: step %d: %.3f req/s for %.0f s (+%.0f s warm-up) -> %s\n",
               k, rate, o.step_s, o.warmup_s, plan.dir.c_str());
  StepRun sr = run_step(o, plan.bench_argv, plan.dir, plan.log, rate, ids);
  if (!sr.error.empty()) {
    search.stop("step " + std::to_string(k) + ": cannot start l4lab bench: " + sr.error, 1);
    return std::nullopt;
  }
  if (sr.exit.exited && sr.exit.code == 2) {
    search.stop(fmt::format("step {}: l4lab bench refused its input ({}); see {}", k,
                            sr.exit.describe(), plan.log),
                2);
    return std::nullopt;
  }
  auto tf = traces::read_traces(plan.dir + "/traces.jsonl");
  if (!tf) {
    search.stop(fmt::format("step {}: {} (bench {}; see {})", k, tf.error().message(),
                            sr.exit.describe(), plan.log),
                1);
    return std::nullopt;
  }
  const StepEnd end{sr.saturation,
                    sr.ended_early,
                    sr.overran,
                    sr.wall_s,
                    sr.exit.exited ? sr.exit.code : -sr.exit.signal,
                    bench_status(plan.dir)};
  StepRecord rec = judge_step_record(o, search.slos(), plan, end, tf->records);
  std::fprintf(
      stderr, "l4lab capacity: step %d: %s (%s): %s\n", k, rec.verdict.pass ? "pass" : "FAIL",
      std::string(evidence_name(rec.verdict.evidence)).c_str(), rec.verdict.reason.c_str());
  return rec;
}

// The table, and the steps' own report, so `l4lab verify OUT` recomputes
// every step.
void finish(const CapacityOptions& o, const Search& search) {
  search.save();
  // capacity.html: the steps' curves, drawn as capacity_plan.html draws them.
  const std::string html_path = (fs::path(o.out_dir) / "capacity.html").string();
  const auto page =
      capacity_html(o.url, search.slos().texts(), search.estimate(), read_curve(o.out_dir, o.url));
  if (auto st = write_file_atomic(html_path, page); !st.ok())
    std::fprintf(stderr, "l4lab capacity: %s\n", st.error().message().c_str());
  std::printf("%s",
              capacity_table(search.steps(), search.estimate(), search.stop_reason()).c_str());
  std::printf("capacity.json in %s\n", Search::json_path(o).c_str());
  if (search.steps().empty() || engine::interrupted()) return;
  auto rep = engine::run_capture({o.l4lab_exe, "report", o.out_dir, "--quiet", "--baseline",
                                  fs::path(search.steps().front().dir).parent_path().string()},
                                 600);
  if (!rep.ok() || !rep->status.success())
    std::fprintf(stderr, "l4lab capacity: l4lab report %s did not succeed: %s\n", o.out_dir.c_str(),
                 rep.ok() ? (rep->status.describe() + "\n" + rep->output).c_str()
                          : rep.error().message().c_str());
}

}  // namespace

int run_capacity(const CapacityOptions& o) {
  auto slos = parse_slos(o.slos);
  if (!slos) return bad_input(slos.error().message());
  if (auto st = check_search_options(o); !st.ok()) return bad_input(st.error().message());
  auto workload = workload::read_workload(o.workload);
  if (!workload) return bad_input(workload.error().message());
  std::vector<std::string> ids;
  for (const auto& w : *workload) ids.push_back(w.id);
  if (ids.empty()) return bad_input(o.workload + ": no requests");
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) return bad_input(o.out_dir + ": cannot create: " + ec.message());
  const std::string json_path = Search::json_path(o);
  if (fs::exists(json_path))
    return bad_input(json_path + " already exists: give another --out (a search is not resumed)");

  // SIGINT/SIGTERM: the running step's bench is stopped (it writes its
  // bench.json), capacity.json says the search was interrupted.
  engine::install_stop_handlers();
  Search search(o, std::move(*slos), header_json(o, ids.size()));
  while (auto rate = search.next_rate()) {
    auto plan = plan_step(o, int(search.steps().size()) + 1, *rate, ids.size());
    if (!plan) {
      search.stop(plan.error().message(), 1);
      break;
    }
    fs::create_directories(plan->dir, ec);
    if (ec) return bad_input(plan->dir + ": cannot create: " + ec.message());
    auto rec = run_one_step(o, search, *plan, ids);
    if (engine::interrupted()) {
      search.stop(fmt::format("interrupted by signal {} during step {}", engine::interrupt_signal(),
                              plan->index),
                  128 + engine::interrupt_signal());
      break;
    }
    if (!rec) break;
    if (!search.record(*rec)) break;
    std::this_thread::sleep_for(std::chrono::duration<double>(o.pause_s));
  }
  finish(o, search);
  return search.exit_code();
}

}  // namespace l4lab::capacity
