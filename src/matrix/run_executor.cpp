#include "matrix/run_executor.h"

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/clock.h"
#include "common/files.h"
#include "engine/child_process.h"
#include "engine/engine_log.h"
#include "engine/engine_session.h"
#include "engine/http_client.h"
#include "engine/process_registry.h"
#include "telemetry/gpu_sampler.h"
#include "telemetry/metrics_scraper.h"

namespace l4lab::matrix {

namespace fs = std::filesystem;

std::optional<std::string> flag_value(const std::vector<std::string>& argv,
                                      const std::string& flag) {
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == flag && i + 1 < argv.size()) return argv[i + 1];
    if (argv[i].rfind(flag + "=", 0) == 0) return argv[i].substr(flag.size() + 1);
  }
  return std::nullopt;
}

namespace {

std::string file_tail(const std::string& path, int n) {
  auto t = read_file(path);
  return t.ok() ? engine::tail_lines(*t, n) : std::string();
}

class RunWriter {
 public:
  RunWriter(const RunContext& ctx, engine::Applied* applied_out)
      : ctx_(ctx), applied_out_(applied_out) {
    const auto anchor = ClockAnchor::now();
    in_.config = ctx.config;
    in_.trial = ctx.trial;
    in_.engine_env = ctx.config->engine.env;
    in_.engine_version = ctx.engine_version;
    in_.workload = ctx.workload;
    in_.host = ctx.host;
    in_.cloud = ctx.cloud;
    in_.anchor_wall_ns = anchor.wall_ns;
    in_.anchor_mono_ns = anchor.mono_ns;
    in_.started_at = iso8601_utc(anchor.wall_ns);
    in_.extra = nlohmann::json::object();
    if (!ctx.scheduler.is_null()) in_.extra["scheduler"] = ctx.scheduler;
    in_.applied.evidence = "the engine was not started";
    if (ctx.plan) in_.engine_overrides = overrides_json(*ctx.config, ctx.plan->overrides);
    if (ctx.plan && ctx.plan->price.set) {
      const auto& p = ctx.plan->price;
      in_.price = {{"usd_per_hour", p.usd_per_hour},
                   {"gpu_name", p.gpu_name},
                   {"gpu_count", p.gpu_count},
                   {"machine_type", p.machine_type},
                   {"source", p.source}};
    }
  }
  ManifestInput& in() { return in_; }
  nlohmann::json& extra() { return in_.extra; }
  void write() {
    (void)write_file_atomic(ctx_.run_dir + "/run_manifest.json",
                            build_manifest(in_).dump(2) + "\n");
  }
  Outcome finish(Outcome o) {
    in_.outcome = o;
    in_.ended_at = iso8601_utc(wall_ns());
    write();
    if (applied_out_) *applied_out_ = in_.applied;
    return o;
  }

 private:
  const RunContext& ctx_;
  engine::Applied* applied_out_;
  ManifestInput in_;
};

}  // namespace

Outcome execute_run(const RunContext& ctx, engine::Applied* applied_out) {
  const auto& cfg = *ctx.config;
  const auto& plan = *ctx.plan;
  const std::string dir = ctx.run_dir;
  RunWriter w(ctx, applied_out);
  engine::ArgvContext actx{ctx.l4lab_exe, dir, cfg.engine.port, plan.vars};
  w.extra()["probe"] = {
      {"ran", ctx.probe->ran}, {"missing", ctx.probe->missing}, {"evidence", ctx.probe->evidence}};
  w.in().engine_argv = engine::engine_argv(cfg, actx);
  w.write();  // outcome "interrupted" until this run ends

  // A probe cut short by SIGINT/SIGTERM says nothing about the engine.
  if (engine::interrupted())
    return w.finish({"interrupted",
                     "l4lab received signal " + std::to_string(engine::interrupt_signal()), "",
                     std::nullopt});
  if (!ctx.probe->ran)
    return w.finish({"start_failed", ctx.probe->reason, ctx.probe->evidence, std::nullopt});
  if (!ctx.probe->missing.empty())
    return w.finish({"unsupported", ctx.probe->reason, ctx.probe->evidence, std::nullopt});

  // Port: a fixed one must be free before start (a leftover engine would
  // otherwise answer the health check); 0 picks a free one.
  if (actx.port == 0) {
    auto p = engine::pick_free_port(cfg.engine.host);
    if (!p.ok()) return w.finish({"start_failed", p.error().message(), "", std::nullopt});
    actx.port = *p;
  } else if (!engine::wait_port_free(cfg.engine.host, actx.port, 30)) {
    return w.finish(
        {"start_failed", "port " + std::to_string(actx.port) + " was still in use after 30 s",
         "another process listens on " + cfg.engine.host + ":" + std::to_string(actx.port),
         std::nullopt});
  }
  w.extra()["port"] = actx.port;
  const auto argv = engine::engine_argv(cfg, actx);
  w.in().engine_argv = argv;

  telemetry::GpuSampler gpu;
  (void)gpu.start(dir + "/gpu_samples.jsonl", plan.gpu_hz, plan.gpu_source);

  const std::string log_path = dir + "/engine.log";
  engine::EngineSession eng;
  if (auto st = eng.start(argv, cfg.engine.env, cfg.engine.host, actx.port, log_path); !st.ok()) {
    auto gs = gpu.stop();
    w.in().gpu_reason = gs.reason;
    return w.finish(
        {"start_failed", st.error().message(), "argv[0] could not be started", std::nullopt});
  }
  (void)write_file_atomic(dir + "/engine.pgid", std::to_string(eng.pgid()) + " " +
                                                    fs::path(argv[0]).filename().string() + "\n");

  struct Cleanup {
    engine::EngineSession& eng;
    telemetry::GpuSampler& gpu;
    RunWriter& w;
    const std::string dir;
    bool done = false;
    void operator()(double grace) {
      if (done) return;
      done = true;
      auto st = eng.stop(grace);
      w.extra()["engine_exit"] = st.describe();
      auto gs = gpu.stop();
      const auto& info = gpu.info();
      if (info.count > 0) w.in().gpu = info;
      w.in().gpu_reason = gs.reason;
      w.extra()["telemetry"]["gpu"] = {{"source", gs.source},
                                       {"reason", gs.reason},
                                       {"samples", gs.samples},
                                       {"ticks", gs.ticks},
                                       {"errors", gs.errors},
                                       {"wall_s", gs.wall_s},
                                       {"thread_cpu_s", gs.thread_cpu_s}};
      fs::remove(dir + "/engine.pgid");
    }
    ~Cleanup() { (*this)(2); }
  } cleanup{eng, gpu, w, dir};
  const double grace = cfg.engine.stop_grace_s;

  auto ready = eng.wait_ready(cfg.engine.health_timeout_s);
  w.extra()["startup_s"] = ready.startup_s;
  w.in().served_model = ready.served_model;
  w.in().applied = engine::check_applied_log(cfg.applied_check, eng.log_text());
  if (ready.status != "ready") {
    cleanup(grace);
    return w.finish({ready.status, ready.reason, ready.evidence,
                     eng.exit_status() && eng.exit_status()->exited
                         ? std::optional<int>(eng.exit_status()->code)
                         : std::nullopt});
  }

  const std::string model = ready.served_model.empty() ? cfg.engine.model : ready.served_model;
  if (plan.warmup_requests > 0) {
    auto wu = eng.warm_up(model, plan.warmup_requests);
    w.extra()["warmup"] = {
        {"requests", plan.warmup_requests},
        {"error", wu.ok() ? nlohmann::json(nullptr) : nlohmann::json(wu.error().message())}};
  }
  if (plan.reset_prefix_cache) {
    auto r = engine::http_post(eng.base_url() + "/reset_prefix_cache", "", 30, {});
    w.extra()["reset_prefix_cache"] =
        r.ok() ? "HTTP " + std::to_string(r->status) : r.error().message();
  }
  // The "before" scrape comes after the lab's warm-up and the prefix-cache
  // reset, so the engine's histogram deltas (after - before) count only what
  // the bench sent (docs/METRICS.md#engine-histograms); lab_run.metrics_before
  // says so, letting the report tell these runs from older ones.
  telemetry::MetricsScraper metrics;
  (void)metrics.open(eng.base_url() + "/metrics", dir + "/engine_metrics.jsonl");
  if (auto b = metrics.snapshot("before"); !b.ok())
    w.extra()["metrics_before_error"] = b.error().message();
  w.extra()["metrics_before"] = "after_warmup";

  // The bench: a child process in its own group, like the engine.
  std::vector<std::string> bench_argv;
  for (const auto& a : plan.bench_command) bench_argv.push_back(engine::substitute(a, cfg, actx));
  for (const auto& a : std::vector<std::string>{"--endpoint", eng.base_url(), "--workload",
                                                ctx.workload.path, "--out", dir})
    bench_argv.push_back(a);
  for (const auto& a : plan.bench_args) bench_argv.push_back(engine::substitute(a, cfg, actx));
  w.in().bench_argv = bench_argv;
  if (auto s = flag_value(bench_argv, "--seed")) {
    try {
      w.in().schedule_seed = std::stol(*s);
    } catch (const std::exception&) {
    }
  }
  w.write();

  metrics.start_during(plan.metrics_hz);
  std::optional<engine::ExitStatus> engine_death;
  std::optional<engine::ExitStatus> bench_exit;
  bool bench_timed_out = false;
  auto bench = engine::ChildProcess::spawn({.argv = bench_argv, .log_path = dir + "/bench.log"});
  if (!bench.ok()) {
    metrics.close();
    cleanup(grace);
    return w.finish({"bench_failed", bench.error().message(), "", std::nullopt});
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> died_at;
  while (!engine::interrupted()) {
    if ((bench_exit = bench->poll())) break;
    if (!engine_death && !eng.alive()) {
      engine_death = eng.exit_status();
      died_at = std::chrono::steady_clock::now();
    }
    const auto now = std::chrono::steady_clock::now();
    // A dead engine makes the bench fail fast; if it does not, stop it.
    if (died_at && now - *died_at > std::chrono::seconds(60)) break;
    if (plan.bench_timeout_s > 0 &&
        now - t0 > std::chrono::duration<double>(plan.bench_timeout_s)) {
      bench_timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!bench_exit) bench_exit = bench->stop_group(5);
  metrics.stop_during();
  if (!engine_death && !eng.alive()) engine_death = eng.exit_status();
  std::optional<std::vector<telemetry::PromSample>> after;
  if (!engine_death) {
    auto a = metrics.snapshot("after");
    if (a.ok()) after = std::move(*a);
  }
  const auto ms = metrics.stats();
  w.extra()["telemetry"]["metrics"] = {
      {"scrapes", ms.scrapes}, {"errors", ms.errors}, {"last_error", ms.last_error}};
  metrics.close();
  w.extra()["bench_exit"] = bench_exit->describe();

  // Applied: the log again (some engines print late) and the metric check.
  auto applied = engine::check_applied_log(cfg.applied_check, eng.log_text());
  std::optional<double> metric_total;
  if (after && !cfg.applied_check.metric.empty())
    metric_total = telemetry::sum_samples(*after, cfg.applied_check.metric);
  w.in().applied = engine::combine_with_metric(applied, cfg.applied_check, metric_total);

  if (engine::interrupted()) {
    cleanup(1);
    return w.finish({"interrupted",
                     "l4lab received signal " + std::to_string(engine::interrupt_signal()), "",
                     std::nullopt});
  }
  cleanup(grace);
  if (!engine::wait_port_free(cfg.engine.host, actx.port, 30))
    w.extra()["port_still_busy_after_stop"] = actx.port;

  if (engine_death) {
    auto v = engine::classify_death(*engine_death, eng.log_text(), "crashed");
    return w.finish({v.status, "the engine died during the run (" + engine_death->describe() + ")",
                     v.evidence + "\nengine.log tail:\n" + file_tail(log_path, 15),
                     engine_death->exited ? std::optional<int>(engine_death->code) : std::nullopt});
  }
  const std::string bench_tail = file_tail(dir + "/bench.log", 15);
  if (bench_timed_out)
    return w.finish({"bench_failed", "the bench did not finish within bench.timeout_s",
                     "bench.log tail:\n" + bench_tail, std::nullopt});
  if (bench_exit->success()) return w.finish({"ok", "", "", 0});
  std::optional<int> code =
      bench_exit->exited ? std::optional<int>(bench_exit->code) : std::nullopt;
  if (bench_exit->exited && bench_exit->code == 1) {
    // Exit 1 is a run that failed by its own rule (docs/BENCH.md): the budget
    // spent, no measured request succeeded, or interrupted; bench.json says which.
    std::string why;
    if (auto bj = read_file(dir + "/bench.json"); bj.ok()) {
      auto j = nlohmann::json::parse(*bj, nullptr, false);
      if (j.is_object() && j.contains("outcome") && j["outcome"].is_object() &&
          j["outcome"].contains("exit_reason") && j["outcome"]["exit_reason"].is_string())
        why = j["outcome"]["exit_reason"].get<std::string>();
    }
    const bool budget = why.empty() || why.find("budget") != std::string::npos;
    return w.finish({budget ? "failure_budget" : "bench_failed",
                     "the bench exited 1: " + (why.empty() ? "its failure budget was spent" : why),
                     "bench.log tail:\n" + bench_tail, code});
  }
  return w.finish({"bench_failed", "the bench failed (" + bench_exit->describe() + ")",
                   "bench.log tail:\n" + bench_tail, code});
}

}  // namespace l4lab::matrix
