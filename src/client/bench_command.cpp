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

#include "client/bench_options.h"
#include "client/bench_outcome.h"
#include "client/bench_plan.h"
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

namespace l4lab::client {

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

// The --out folder's state and the replay schedule, read for plan_bench.
Result<BenchFiles> read_bench_files(const BenchOptions& o,
                                    const std::vector<workload::WorkloadRequest>& w) {
  namespace fs = std::filesystem;
  const std::string traces_path = (fs::path(o.out_dir) / "traces.jsonl").string();
  BenchFiles files;
  // Asked only without --resume (a resumed run appends to its traces).
  files.traces_nonempty = !o.resume && fs::exists(traces_path) && fs::file_size(traces_path) > 0;
  files.schedule_exists = fs::exists(fs::path(o.out_dir) / "schedule.jsonl");
  auto replay = replay_schedule_path(o, files);
  if (!replay) return replay.error();
  if (*replay) {
    std::vector<std::string> ids;
    for (const auto& r : w) ids.push_back(r.id);
    auto s = schedule::read_replay_schedule(**replay, ids);
    if (!s) return s.error();
    files.replay = std::move(*s);
  }
  if (o.resume && fs::exists(traces_path)) {
    auto tf = traces::read_traces(traces_path);
    if (!tf) return tf.error();
    for (auto& e : tf->errors) std::fprintf(stderr, "l4lab bench: resume: %s\n", e.message.c_str());
    files.prior_traces = std::move(tf->records);
  }
  return files;
}

// --header values, plus the bearer token from --api-key-env (or
// OPENAI_API_KEY when set).
Result<std::vector<std::string>> request_headers(const BenchOptions& o) {
  std::vector<std::string> headers = o.headers;
  const std::string key_env = o.api_key_env.empty() ? "OPENAI_API_KEY" : o.api_key_env;
  if (const char* key = std::getenv(key_env.c_str()); key && *key)
    headers.push_back(std::string("Authorization: Bearer ") + key);
  else if (!o.api_key_env.empty())
    return Error("--api-key-env " + o.api_key_env + ": the variable is not set");
  return headers;
}

// Every request's metadata, and the bodies of those the run sends, built
// before the clock starts.
Result<std::vector<PreparedRequest>> prepare_requests(
    const BenchOptions& o, const std::vector<workload::WorkloadRequest>& workload,
    const BenchPlan& plan, const std::string& model) {
  SamplingOptions sampling;
  sampling.model = model;
  sampling.temperature = o.temperature;
  sampling.ignore_eos = o.ignore_eos;
  sampling.seed = int64_t(o.seed);
  std::unique_ptr<workload::Tokenizer> tokenizer;
  std::optional<workload::MistralV3ChatTemplate> tmpl;
  if (o.endpoint_type == EndpointType::completions) {
    auto t = workload::load_tokenizer(o.tokenizer);
    if (!t.ok()) return t.error().context("--endpoint-type completions");
    tokenizer = std::move(*t);
    auto c = workload::MistralV3ChatTemplate::create(*tokenizer);
    if (!c.ok()) return c.error();
    tmpl.emplace(std::move(*c));
  }
  std::vector<PreparedRequest> prepared(workload.size());
  for (size_t i = 0; i < workload.size(); ++i) {
    const auto& w = workload[i];
    auto& p = prepared[i];
    p.id = w.id;
    p.task = w.task;
    p.bucket = w.bucket;
    p.prompt_tokens = w.request_prompt_tokens;
    p.max_tokens = w.max_new_tokens;
    if (auto it = plan.next_attempt.find(w.id); it != plan.next_attempt.end())
      p.attempt = it->second;
    if (!plan.needs_body[i]) continue;
    if (tmpl) {
      auto ids_r = tmpl->encode(w.messages);
      if (!ids_r.ok()) return ids_r.error().context("request " + w.id);
      p.body = completions_request_body(*ids_r, w.max_new_tokens, sampling);
    } else {
      p.body = chat_request_body(w.messages, w.max_new_tokens, sampling);
    }
  }
  return prepared;
}

RunnerOptions runner_options(const BenchOptions& o, const std::string& base,
                             std::vector<std::string> headers, size_t budget) {
  RunnerOptions ro;
  ro.url =
      base + (o.endpoint_type == EndpointType::chat ? "/v1/chat/completions" : "/v1/completions");
  ro.http.headers = std::move(headers);
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
  return ro;
}

// Where the client runs (docs/BENCH.md#shared-host), applied to this thread
// before the event loop exists; threads started later (curl's resolver)
// inherit both. Returns what was applied, not what was asked.
Result<nlohmann::json> apply_scheduling(const BenchOptions& o) {
  nlohmann::json sched_json;
  if (!o.cpus.empty()) {
    auto cpus = parse_cpu_list(o.cpus);
    if (!cpus.ok()) return cpus.error();
    if (auto st = pin_to_cpus(*cpus); !st.ok()) return st.error();
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
  return sched_json;
}

// bench.json as written when the run starts (outcome "running").
nlohmann::json bench_json_at_start(const BenchOptions& o, const BenchPlan& plan,
                                   const RunnerOptions& ro, const std::string& base,
                                   const std::string& model, size_t workload_count,
                                   nlohmann::json scheduling) {
  const schedule::ScheduleOptions& so = plan.options;
  const ClockAnchor anchor = ClockAnchor::now();
  nlohmann::json bj;
  bj["schema"] = "l4lab.bench/1";
  bj["lab"] = {{"version", lab_version()}, {"git_sha", lab_git_sha()}};
  bj["argv"] = o.argv;
  bj["endpoint"] = base;
  bj["url"] = ro.url;
  bj["endpoint_type"] = o.endpoint_type == EndpointType::chat ? "chat" : "completions";
  bj["model"] = model;
  bj["workload"] = {{"path", o.workload}, {"count", workload_count}};
  bj["schedule"] = {
      {"kind", schedule::arrival_name(plan.to_send.options.kind)},
      {"seed", o.seed},
      {"concurrency", so.kind == schedule::ArrivalKind::closed ? nlohmann::json(so.concurrency)
                                                               : nlohmann::json()},
      {"rate", so.rate > 0 ? nlohmann::json(so.rate) : nlohmann::json()},
      {"burstiness",
       so.kind == schedule::ArrivalKind::gamma ? nlohmann::json(so.burstiness) : nlohmann::json()},
      {"file", o.schedule_file.empty() ? nlohmann::json() : nlohmann::json(o.schedule_file)},
      {"count", plan.to_send.entries.size()},
      {"resumed_skipped", plan.resumed_skipped}};
  bj["options"] = options_json(o);
  bj["scheduling"] = std::move(scheduling);  // what was applied, not what was asked
  bj["failure_budget"] =
      plan.failure_budget == SIZE_MAX ? nlohmann::json() : nlohmann::json(plan.failure_budget);
  bj["clock_anchor"] = {{"wall_ns", anchor.wall_ns}, {"mono_ns", anchor.mono_ns}};
  bj["started_at"] = iso8601_utc(anchor.wall_ns);
  bj["outcome"] = {{"status", "running"}};
  return bj;
}

// The client's own cost beside the engine (whole process: workload read,
// schedule and the run): users of a shared GPU host need it.
nlohmann::json client_cpu_json(const RunResult& rr) {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double user_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6;
  const double sys_s = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
  const double wall_s = rr.t_end_ns > rr.t_start_ns ? (rr.t_end_ns - rr.t_start_ns) * 1e-9 : 0;
  return {{"user_s", user_s},
          {"sys_s", sys_s},
          {"run_wall_s", wall_s},
          {"cores_during_run", wall_s > 0 ? (user_s + sys_s) / wall_s : 0.0},
          {"max_rss_mib", ru.ru_maxrss / 1024.0},
          {"scope", "whole l4lab bench process (getrusage RUSAGE_SELF)"}};
}

// bench.json's end state: the outcome, summary, timing quality and cost.
void finish_bench_json(nlohmann::json& bj, const RunResult& rr, const BenchOutcome& outcome,
                       const BenchStats& stats, const TimingQuality& tq) {
  bj["ended_at"] = iso8601_utc(wall_ns());
  bj["outcome"] = {
      {"status", run_status_name(rr.status)},
      {"error", rr.error.empty() ? nlohmann::json() : nlohmann::json(rr.error)},
      {"sent", rr.sent},
      {"not_sent", rr.not_sent},
      {"t_start_ns", rr.t_start_ns},
      {"t_end_ns", rr.t_end_ns},
      {"exit_code", outcome.exit_code},
      {"exit_reason", outcome.reason.empty() ? nlohmann::json() : nlohmann::json(outcome.reason)}};
  bj["summary"] = stats.summary();
  bj["timing_quality"] = timing_quality_json(tq);
  bj["client_cpu"] = client_cpu_json(rr);
}

// The run itself: traces appended as requests end; bench.json rewritten at
// the end. Returns the exit code.
int run_and_record(const BenchOptions& o, const RunnerOptions& ro,
                   const std::vector<PreparedRequest>& prepared, const BenchPlan& plan,
                   nlohmann::json bj) {
  namespace fs = std::filesystem;
  const std::string traces_path = (fs::path(o.out_dir) / "traces.jsonl").string();
  const std::string bench_path = (fs::path(o.out_dir) / "bench.json").string();
  if (auto st = write_file_atomic(bench_path, bj.dump(2) + "\n"); !st.ok())
    return bad_input(st.error().message());
  traces::TraceWriter writer;
  if (auto st = writer.open(traces_path, o.resume); !st.ok())
    return bad_input(st.error().message());
  BenchStats stats;
  stats.reserve(plan.to_send.entries.size());
  RunResult rr;
  {
    BenchRunner runner(ro, prepared, plan.to_send, writer, stats);
    rr = runner.run();
  }
  writer.close();

  const BenchOutcome outcome = judge_outcome(rr, stats);
  int exit_code = outcome.exit_code;
  const TimingQuality tq = judge_timing(std::move(rr.canary_late_ms), rr.reads);
  finish_bench_json(bj, rr, outcome, stats, tq);
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
  return exit_code;
}

// Everything up to the run: plan, schedule.jsonl, endpoint, bodies, where the
// client runs; then the run. Returns the exit code.
int plan_and_run(const BenchOptions& o) {
  auto workload = workload::read_workload(o.workload);
  if (!workload.ok()) return bad_input(workload.error().message());
  // plan_bench checks these again; here they come before anything touches
  // the disk or the descriptor limit.
  if (auto st = check_bench_request(o, *workload); !st.ok()) return bad_input(st.error().message());
  // One connection per closed-loop slot; checked before any file is written.
  if (o.concurrency > 0)
    if (auto st = ensure_fd_budget(uint64_t(o.concurrency), "--concurrency"); !st.ok())
      return bad_input(st.error().message());
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec) return bad_input(o.out_dir + ": cannot create: " + ec.message());
  auto files = read_bench_files(o, *workload);
  if (!files) return bad_input(files.error().message());
  auto plan = plan_bench(o, *workload, *files);
  if (!plan) return bad_input(plan.error().message());
  const std::string schedule_path = (std::filesystem::path(o.out_dir) / "schedule.jsonl").string();
  if (plan->write_schedule)
    if (auto st = schedule::write_schedule_jsonl(schedule_path, plan->schedule); !st.ok())
      return bad_input(st.error().message());

  const std::string base = base_url(o.endpoint);
  auto headers = request_headers(o);
  if (!headers) return bad_input(headers.error().message());
  std::string model = o.model;
  if (model.empty()) {
    auto m = probe_model(base + "/v1/models", *headers, o.insecure,
                         long(std::max(1.0, o.timeout_connect_s) * 3000));
    if (!m.ok()) return bad_input(m.error().message() + " (or pass --model)");
    model = *m;
  }
  auto prepared = prepare_requests(o, *workload, *plan, model);
  if (!prepared) return bad_input(prepared.error().message());
  const RunnerOptions ro = runner_options(o, base, *headers, plan->failure_budget);
  auto scheduling = apply_scheduling(o);
  if (!scheduling) return bad_input(scheduling.error().message());
  return run_and_record(
      o, ro, *prepared, *plan,
      bench_json_at_start(o, *plan, ro, base, model, workload->size(), std::move(*scheduling)));
}

}  // namespace

int run_bench(const BenchOptions& o) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  raise_fd_limit();
  const int code = plan_and_run(o);
  curl_global_cleanup();
  return code;
}

}  // namespace l4lab::client
