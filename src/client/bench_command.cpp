// `l4lab bench`: reads the workload, fixes the schedule, prepares every
// request body, runs, and writes bench.json. Exit codes in bench_options.h.
#include <curl/curl.h>
#include <fmt/format.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "client/bench_options.h"
#include "client/bench_outcome.h"
#include "client/bench_runner.h"
#include "client/cpu_scheduling.h"
#include "client/fd_budget.h"
#include "client/model_probe.h"
#include "client/timing_quality.h"
#include "common/clock.h"
#include "common/files.h"
#include "common/version.h"
#include "schedule/schedule_file.h"
#include "traces/trace_reader.h"
#include "workload/chat_template.h"
#include "workload/tokenizer_locator.h"
#include "workload/workload_io.h"

namespace l4lab {

namespace {

int bad_input(const std::string& msg) {
  std::fprintf(stderr, "l4lab bench: %s\n", msg.c_str());
  return 2;
}

std::string base_url(std::string u) {
  while (!u.empty() && u.back() == '/') u.pop_back();
  if (u.size() >= 3 && u.substr(u.size() - 3) == "/v1") u.resize(u.size() - 3);
  return u;
}

int64_t secs_to_ns(double s) { return int64_t(std::llround(s * 1e9)); }

// Lets one process hold thousands of sockets (one per in-flight stream).
void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

nlohmann::json options_json(const BenchOptions& o) {
  return {{"concurrency", o.concurrency},
          {"rate", o.rate},
          {"arrival", o.arrival},
          {"burstiness", o.burstiness},
          {"schedule_file", o.schedule_file},
          {"seed", o.seed},
          {"shuffle", o.shuffle},
          {"warmup_requests", o.warmup_requests},
          {"warmup_s", o.warmup_s},
          {"ramp_up_s", o.ramp_up_s},
          {"cooldown_requests", o.cooldown_requests},
          {"limit", o.limit},
          {"endpoint_type", o.endpoint_type == EndpointType::chat ? "chat" : "completions"},
          {"header_names",
           [&] {
             std::vector<std::string> names;
             for (auto& h : o.headers) names.push_back(h.substr(0, h.find(':')));
             return names;
           }()},
          {"api_key_env", o.api_key_env},
          {"timeouts_s",
           {{"connect", o.timeout_connect_s},
            {"first_token", o.timeout_first_token_s},
            {"idle", o.timeout_idle_s},
            {"total", o.timeout_total_s}}},
          {"max_failures", o.max_failures},
          {"ignore_eos", o.ignore_eos},
          {"temperature", o.temperature},
          {"insecure", o.insecure},
          {"resume", o.resume},
          {"cpus", o.cpus.empty() ? nlohmann::json() : nlohmann::json(o.cpus)},
          {"realtime", o.realtime}};
}

}  // namespace

int run_bench(const BenchOptions& o) {
  namespace fs = std::filesystem;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  raise_fd_limit();

  // --- inputs ---------------------------------------------------------------
  auto workload = read_workload(o.workload);
  if (!workload.ok()) return bad_input(workload.error().message());
  if (workload->empty()) return bad_input(o.workload + ": no requests");
  std::vector<std::string> ids;
  for (size_t i = 0; i < workload->size(); ++i) {
    const auto& w = (*workload)[i];
    if (w.request_prompt_tokens <= 0)
      return bad_input(fmt::format("{}:{}: request {}: request_prompt_tokens must be > 0",
                                   o.workload, i + 1, w.id));
    if (w.max_new_tokens <= 0)
      return bad_input(
          fmt::format("{}:{}: request {}: max_new_tokens must be > 0", o.workload, i + 1, w.id));
    ids.push_back(w.id);
  }
  if (o.concurrency > 0 && o.rate > 0)
    return bad_input("--concurrency and --rate exclude each other");
  if (o.ramp_up_s > 0 && (o.rate > 0 || !o.schedule_file.empty()))
    return bad_input(
        "--ramp-up-s is for the closed loop (--concurrency); an open-loop schedule "
        "already says when each request goes");

  // One connection per closed-loop slot; checked before any file is written.
  if (o.concurrency > 0)
    if (auto st = ensure_fd_budget(uint64_t(o.concurrency), "--concurrency"); !st.ok())
      return bad_input(st.error().message());

  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) return bad_input(o.out_dir + ": cannot create: " + ec.message());
  const std::string traces_path = (fs::path(o.out_dir) / "traces.jsonl").string();
  const std::string schedule_path = (fs::path(o.out_dir) / "schedule.jsonl").string();
  const std::string bench_path = (fs::path(o.out_dir) / "bench.json").string();
  if (!o.resume && fs::exists(traces_path) && fs::file_size(traces_path) > 0)
    return bad_input(traces_path + " already has traces: use --resume or another --out");

  // --- schedule (fixed before the run; a resumed run reuses its own) --------
  Schedule schedule;
  ScheduleOptions so;
  so.seed = o.seed;
  so.shuffle = o.shuffle;
  so.limit = o.limit;
  if (o.rate > 0) {
    auto k = parse_arrival(o.arrival);
    if (!k || *k == ArrivalKind::closed || *k == ArrivalKind::replay)
      return bad_input("--arrival must be constant, poisson or gamma");
    so.kind = *k;
    so.rate = o.rate;
    so.burstiness = o.burstiness;
  } else {
    so.kind = ArrivalKind::closed;
    so.concurrency = o.concurrency > 0 ? o.concurrency : 1;
  }
  bool reuse = o.resume && fs::exists(schedule_path) && so.kind != ArrivalKind::closed;
  if (!o.schedule_file.empty() || reuse) {
    auto r = read_replay_schedule(reuse ? schedule_path : o.schedule_file, ids);
    if (!r.ok()) return bad_input(r.error().message());
    schedule = std::move(*r);
    if (reuse) schedule.options = so;
    if (o.limit > 0 && o.limit < schedule.entries.size()) schedule.entries.resize(o.limit);
  } else {
    auto r = generate_schedule(ids, so);
    if (!r.ok()) return bad_input(r.error().message());
    schedule = std::move(*r);
  }
  if (!o.resume || !fs::exists(schedule_path)) {
    if (auto st = write_schedule_jsonl(schedule_path, schedule); !st.ok())
      return bad_input(st.error().message());
  }

  // --- resume: skip requests already traced (cancelled ones are redone) ------
  std::unordered_map<std::string, int> next_attempt;
  size_t skipped = 0;
  if (o.resume && fs::exists(traces_path)) {
    auto tf = read_traces(traces_path);
    if (!tf.ok()) return bad_input(tf.error().message());
    for (auto& e : tf->errors) std::fprintf(stderr, "l4lab bench: resume: %s\n", e.message.c_str());
    std::set<std::string> finished;
    for (auto& r : tf->records) {
      if (r.failure_class == FailureClass::cancelled)
        next_attempt[r.request_id] = std::max(next_attempt[r.request_id], r.attempt + 1);
      else
        finished.insert(r.request_id);
    }
    std::vector<ScheduleEntry> left;
    for (auto& e : schedule.entries) {
      if (finished.count(e.id))
        ++skipped;
      else
        left.push_back(e);
    }
    // The remaining open-loop offsets keep their spacing, shifted to start now.
    if (!left.empty() && left.front().t_offset_ns) {
      int64_t first = *left.front().t_offset_ns;
      for (auto& e : left) *e.t_offset_ns -= first;
    }
    schedule.entries = std::move(left);
  }

  // --- endpoint, auth, model --------------------------------------------------
  const std::string base = base_url(o.endpoint);
  std::vector<std::string> headers = o.headers;
  std::string key_env = o.api_key_env.empty() ? "OPENAI_API_KEY" : o.api_key_env;
  if (const char* key = std::getenv(key_env.c_str()); key && *key)
    headers.push_back(std::string("Authorization: Bearer ") + key);
  else if (!o.api_key_env.empty())
    return bad_input("--api-key-env " + o.api_key_env + ": the variable is not set");
  std::string model = o.model;
  if (model.empty()) {
    auto m = probe_model(base + "/v1/models", headers, o.insecure,
                         long(std::max(1.0, o.timeout_connect_s) * 3000));
    if (!m.ok()) return bad_input(m.error().message() + " (or pass --model)");
    model = *m;
  }

  // --- bodies, built before the clock starts ---------------------------------
  SamplingOptions sampling;
  sampling.model = model;
  sampling.temperature = o.temperature;
  sampling.ignore_eos = o.ignore_eos;
  sampling.seed = int64_t(o.seed);
  std::vector<PreparedRequest> prepared(workload->size());
  std::unique_ptr<Tokenizer> tokenizer;
  std::optional<MistralV3ChatTemplate> tmpl;
  if (o.endpoint_type == EndpointType::completions) {
    auto t = load_tokenizer(o.tokenizer);
    if (!t.ok()) return bad_input("--endpoint-type completions: " + t.error().message());
    tokenizer = std::move(*t);
    auto c = MistralV3ChatTemplate::create(*tokenizer);
    if (!c.ok()) return bad_input(c.error().message());
    tmpl.emplace(std::move(*c));
  }
  std::vector<bool> needed(workload->size(), false);
  for (auto& e : schedule.entries) needed[e.request] = true;
  for (size_t i = 0; i < workload->size(); ++i) {
    const auto& w = (*workload)[i];
    auto& p = prepared[i];
    p.id = w.id;
    p.task = w.task;
    p.bucket = w.bucket;
    p.prompt_tokens = w.request_prompt_tokens;
    p.max_tokens = w.max_new_tokens;
    if (auto it = next_attempt.find(w.id); it != next_attempt.end()) p.attempt = it->second;
    if (!needed[i]) continue;
    if (tmpl) {
      auto ids_r = tmpl->encode(w.messages);
      if (!ids_r.ok())
        return bad_input(fmt::format("request {}: {}", w.id, ids_r.error().message()));
      p.body = completions_request_body(*ids_r, w.max_new_tokens, sampling);
    } else {
      p.body = chat_request_body(w.messages, w.max_new_tokens, sampling);
    }
  }

  // --- failure budget ----------------------------------------------------------
  size_t budget = SIZE_MAX;
  if (o.max_failures >= 1)
    budget = size_t(o.max_failures);
  else if (o.max_failures >= 0)
    budget = size_t(std::floor(o.max_failures * double(schedule.entries.size())));

  RunnerOptions ro;
  ro.url =
      base + (o.endpoint_type == EndpointType::chat ? "/v1/chat/completions" : "/v1/completions");
  ro.http.headers = headers;
  ro.http.insecure = o.insecure;
  ro.http.connect_timeout_ns = secs_to_ns(o.timeout_connect_s);
  ro.http.first_token_timeout_ns = secs_to_ns(o.timeout_first_token_s);
  ro.http.idle_timeout_ns = secs_to_ns(o.timeout_idle_s);
  ro.http.total_timeout_ns = secs_to_ns(o.timeout_total_s);
  ro.warmup_requests = o.warmup_requests;
  ro.warmup_ns = secs_to_ns(o.warmup_s);
  ro.ramp_up_ns = secs_to_ns(o.ramp_up_s);
  ro.cooldown_requests = o.cooldown_requests;
  ro.max_failures = budget;
  ro.quiet = o.quiet;

  // --- where the client runs (docs/BENCH.md#shared-host) -----------------------
  // Applied to this thread before the event loop exists; threads started
  // later (curl's resolver) inherit both.
  nlohmann::json sched_json;
  if (!o.cpus.empty()) {
    auto cpus = parse_cpu_list(o.cpus);
    if (!cpus.ok()) return bad_input(cpus.error().message());
    if (auto st = pin_to_cpus(*cpus); !st.ok()) return bad_input(st.error().message());
  }
  sched_json["cpus"] = format_cpu_list(current_cpus());
  if (o.realtime) {
    const RealtimeResult rt = request_realtime();
    if (!rt.applied)
      std::fprintf(stderr, "l4lab bench: --realtime: %s; continuing at %s\n", rt.error.c_str(),
                   rt.policy.c_str());
    sched_json["realtime_applied"] = rt.applied;
    sched_json["realtime_error"] = rt.error.empty() ? nlohmann::json() : nlohmann::json(rt.error);
    sched_json["policy"] = rt.policy;
    sched_json["priority"] = rt.priority;
  } else {
    sched_json["realtime_applied"] = false;
    sched_json["realtime_error"] = nullptr;
    sched_json["policy"] = current_policy_name();
    sched_json["priority"] = 0;
  }

  // --- bench.json at start, then the run ---------------------------------------
  ClockAnchor anchor = ClockAnchor::now();
  nlohmann::json bj;
  bj["schema"] = "l4lab.bench/1";
  bj["lab"] = {{"version", lab_version()}, {"git_sha", lab_git_sha()}};
  bj["argv"] = o.argv;
  bj["endpoint"] = base;
  bj["url"] = ro.url;
  bj["endpoint_type"] = o.endpoint_type == EndpointType::chat ? "chat" : "completions";
  bj["model"] = model;
  bj["workload"] = {{"path", o.workload}, {"count", workload->size()}};
  bj["schedule"] = {
      {"kind", arrival_name(schedule.options.kind)},
      {"seed", o.seed},
      {"concurrency",
       so.kind == ArrivalKind::closed ? nlohmann::json(so.concurrency) : nlohmann::json()},
      {"rate", so.rate > 0 ? nlohmann::json(so.rate) : nlohmann::json()},
      {"burstiness",
       so.kind == ArrivalKind::gamma ? nlohmann::json(so.burstiness) : nlohmann::json()},
      {"file", o.schedule_file.empty() ? nlohmann::json() : nlohmann::json(o.schedule_file)},
      {"count", schedule.entries.size()},
      {"resumed_skipped", skipped}};
  bj["options"] = options_json(o);
  bj["scheduling"] = sched_json;  // what was applied, not what was asked
  bj["failure_budget"] = budget == SIZE_MAX ? nlohmann::json() : nlohmann::json(budget);
  bj["clock_anchor"] = {{"wall_ns", anchor.wall_ns}, {"mono_ns", anchor.mono_ns}};
  bj["started_at"] = iso8601_utc(anchor.wall_ns);
  bj["outcome"] = {{"status", "running"}};
  if (auto st = write_file_atomic(bench_path, bj.dump(2) + "\n"); !st.ok())
    return bad_input(st.error().message());

  TraceWriter writer;
  if (auto st = writer.open(traces_path, o.resume); !st.ok())
    return bad_input(st.error().message());
  BenchStats stats;
  RunResult rr;
  {
    BenchRunner runner(ro, prepared, schedule, writer, stats);
    rr = runner.run();
  }
  writer.close();

  const BenchOutcome outcome = judge_outcome(rr, stats);
  int exit_code = outcome.exit_code;
  bj["ended_at"] = iso8601_utc(wall_ns());
  bj["outcome"] = {
      {"status", run_status_name(rr.status)},
      {"error", rr.error.empty() ? nlohmann::json() : nlohmann::json(rr.error)},
      {"sent", rr.sent},
      {"not_sent", rr.not_sent},
      {"t_start_ns", rr.t_start_ns},
      {"t_end_ns", rr.t_end_ns},
      {"exit_code", exit_code},
      {"exit_reason", outcome.reason.empty() ? nlohmann::json() : nlohmann::json(outcome.reason)}};
  bj["summary"] = stats.summary();
  const TimingQuality tq = judge_timing(std::move(rr.canary_late_ms), rr.reads);
  bj["timing_quality"] = timing_quality_json(tq);
  {
    // The client's own cost beside the engine (whole process: workload read,
    // schedule and the run): users of a shared GPU host need it.
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double user_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6;
    const double sys_s = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
    const double wall_s = rr.t_end_ns > rr.t_start_ns ? (rr.t_end_ns - rr.t_start_ns) * 1e-9 : 0;
    bj["client_cpu"] = {{"user_s", user_s},
                        {"sys_s", sys_s},
                        {"run_wall_s", wall_s},
                        {"cores_during_run", wall_s > 0 ? (user_s + sys_s) / wall_s : 0.0},
                        {"max_rss_mib", ru.ru_maxrss / 1024.0},
                        {"scope", "whole l4lab bench process (getrusage RUSAGE_SELF)"}};
  }
  if (auto st = write_file_atomic(bench_path, bj.dump(2) + "\n"); !st.ok()) {
    std::fprintf(stderr, "l4lab bench: %s\n", st.error().message().c_str());
    exit_code = 1;
  }
  if (!o.quiet) {
    std::fprintf(stderr, "%s", stats.table().c_str());
    std::fprintf(stderr, "traces in %s\n", traces_path.c_str());
  }
  if (!rr.error.empty()) std::fprintf(stderr, "l4lab bench: %s\n", rr.error.c_str());
  // Always, --quiet included: tails measured by a late loop are not the server's.
  if (const std::string w = timing_warning(tq); !w.empty())
    std::fprintf(stderr, "l4lab bench: %s\n", w.c_str());
  // Always, --quiet included: the one line a script or a person reads.
  std::fprintf(stderr, "%s\n", outcome.line.c_str());
  curl_global_cleanup();
  return exit_code;
}

}  // namespace l4lab
