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

// Stops the engine and the GPU sampler once (on the first call, or at scope
// exit with a 2 s grace) and records how they ended in the manifest.
class EngineStop {
 public:
  EngineStop(engine::EngineSession& eng, telemetry::GpuSampler& gpu, RunWriter& w, std::string dir)
      : eng_(eng), gpu_(gpu), w_(w), dir_(std::move(dir)) {}
  EngineStop(const EngineStop&) = delete;
  EngineStop& operator=(const EngineStop&) = delete;
  ~EngineStop() { (*this)(2); }

  void operator()(double grace) {
    if (done_) return;
    done_ = true;
    auto st = eng_.stop(grace);
    w_.extra()["engine_exit"] = st.describe();
    auto gs = gpu_.stop();
    const auto& info = gpu_.info();
    if (info.count > 0) w_.in().gpu = info;
    w_.in().gpu_reason = gs.reason;
    w_.extra()["telemetry"]["gpu"] = {{"source", gs.source},
                                      {"reason", gs.reason},
                                      {"samples", gs.samples},
                                      {"ticks", gs.ticks},
                                      {"errors", gs.errors},
                                      {"wall_s", gs.wall_s},
                                      {"thread_cpu_s", gs.thread_cpu_s}};
    fs::remove(dir_ + "/engine.pgid");
  }

 private:
  engine::EngineSession& eng_;
  telemetry::GpuSampler& gpu_;
  RunWriter& w_;
  const std::string dir_;
  bool done_ = false;
};

// Port: a fixed one must be free before start (a leftover engine would
// otherwise answer the health check); 0 picks a free one. nullopt: ready.
std::optional<Outcome> settle_port(const engine::EngineConfig& cfg, int& port) {
  if (port == 0) {
    auto p = engine::pick_free_port(cfg.engine.host);
    if (!p.ok()) return Outcome{"start_failed", p.error().message(), "", std::nullopt};
    port = *p;
  } else if (!engine::wait_port_free(cfg.engine.host, port, 30)) {
    return Outcome{"start_failed", "port " + std::to_string(port) + " was still in use after 30 s",
                   "another process listens on " + cfg.engine.host + ":" + std::to_string(port),
                   std::nullopt};
  }
  return std::nullopt;
}

// Warm-up and the prefix-cache reset, then the "before" scrape. It comes
// after both, so the engine's histogram deltas (after - before) count only
// what the bench sent (docs/METRICS.md#engine-histograms);
// lab_run.metrics_before says so, letting the report tell these runs from
// older ones.
void prepare_engine(engine::EngineSession& eng, const Plan& plan, const std::string& model,
                    telemetry::MetricsScraper& metrics, const std::string& dir, RunWriter& w) {
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
  (void)metrics.open(eng.base_url() + "/metrics", dir + "/engine_metrics.jsonl");
  if (auto b = metrics.snapshot("before"); !b.ok())
    w.extra()["metrics_before_error"] = b.error().message();
  w.extra()["metrics_before"] = "after_warmup";
}

// What watching the bench child saw.
struct BenchWatch {
  engine::ExitStatus bench_exit;
  std::optional<engine::ExitStatus> engine_death;
  bool timed_out = false;
};

// Polls the bench until it exits, l4lab is interrupted, the plan's bench
// timeout passes, or 60 s after the engine died (a dead engine makes the
// bench fail fast; if it does not, it is stopped).
BenchWatch watch_bench(engine::ChildProcess& bench, engine::EngineSession& eng, double timeout_s) {
  BenchWatch watch;
  std::optional<engine::ExitStatus> bench_exit;
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> died_at;
  while (!engine::interrupted()) {
    if ((bench_exit = bench.poll())) break;
    if (!watch.engine_death && !eng.alive()) {
      watch.engine_death = eng.exit_status();
      died_at = std::chrono::steady_clock::now();
    }
    const auto now = std::chrono::steady_clock::now();
    if (died_at && now - *died_at > std::chrono::seconds(60)) break;
    if (timeout_s > 0 && now - t0 > std::chrono::duration<double>(timeout_s)) {
      watch.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  watch.bench_exit = bench_exit ? *bench_exit : bench.stop_group(5);
  return watch;
}

// After the bench: the "after" scrape (a live engine only), the scraper's
// counts, and the applied check again (the log, as some engines print late,
// and the metric).
void record_after(telemetry::MetricsScraper& metrics, const BenchWatch& watch,
                  const engine::EngineConfig& cfg, const engine::EngineSession& eng, RunWriter& w) {
  std::optional<std::vector<telemetry::PromSample>> after;
  if (!watch.engine_death) {
    auto a = metrics.snapshot("after");
    if (a.ok()) after = std::move(*a);
  }
  const auto ms = metrics.stats();
  w.extra()["telemetry"]["metrics"] = {
      {"scrapes", ms.scrapes}, {"errors", ms.errors}, {"last_error", ms.last_error}};
  metrics.close();
  w.extra()["bench_exit"] = watch.bench_exit.describe();
  auto applied = engine::check_applied_log(cfg.applied_check, eng.log_text());
  std::optional<double> metric_total;
  if (after && !cfg.applied_check.metric.empty())
    metric_total = telemetry::sum_samples(*after, cfg.applied_check.metric);
  w.in().applied = engine::combine_with_metric(applied, cfg.applied_check, metric_total);
}

// The bench as a child process in its own group, like the engine, with the
// metrics scraper running during it; then the outcome. `eng` is up and ready.
Outcome run_bench_child(const RunContext& ctx, engine::EngineSession& eng,
                        const engine::ArgvContext& actx, telemetry::MetricsScraper& metrics,
                        EngineStop& stop, RunWriter& w) {
  const auto& cfg = *ctx.config;
  const auto& plan = *ctx.plan;
  const std::string& dir = ctx.run_dir;
  const double grace = cfg.engine.stop_grace_s;
  const auto argv = bench_argv(plan, cfg, actx, eng.base_url(), ctx.workload.path, dir);
  w.in().bench_argv = argv;
  if (auto seed = schedule_seed(argv)) w.in().schedule_seed = *seed;
  w.write();

  metrics.start_during(plan.metrics_hz);
  auto bench = engine::ChildProcess::spawn({.argv = argv, .log_path = dir + "/bench.log"});
  if (!bench.ok()) {
    metrics.close();
    stop(grace);
    return {"bench_failed", bench.error().message(), "", std::nullopt};
  }
  BenchWatch watch = watch_bench(*bench, eng, plan.bench_timeout_s);
  metrics.stop_during();
  if (!watch.engine_death && !eng.alive()) watch.engine_death = eng.exit_status();
  record_after(metrics, watch, cfg, eng, w);
  if (engine::interrupted()) {
    stop(1);
    return interrupted_outcome(engine::interrupt_signal());
  }
  stop(grace);
  if (!engine::wait_port_free(cfg.engine.host, actx.port, 30))
    w.extra()["port_still_busy_after_stop"] = actx.port;
  RunEnd end{watch.engine_death, "", "", watch.bench_exit, watch.timed_out, "", std::nullopt};
  if (watch.engine_death) {
    end.engine_log = eng.log_text();
    end.engine_log_tail = file_tail(dir + "/engine.log", 15);
  } else {
    end.bench_log_tail = file_tail(dir + "/bench.log", 15);
    if (auto bj = read_file(dir + "/bench.json"); bj.ok()) end.bench_json = std::move(*bj);
  }
  return run_end_verdict(end);
}

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
  if (auto o = probe_verdict(*ctx.probe, engine::interrupt_signal())) return w.finish(*o);
  if (auto o = settle_port(cfg, actx.port)) return w.finish(*o);
  w.extra()["port"] = actx.port;
  const auto argv = engine::engine_argv(cfg, actx);
  w.in().engine_argv = argv;

  telemetry::GpuSampler gpu;
  (void)gpu.start(dir + "/gpu_samples.jsonl", plan.gpu_hz, plan.gpu_source);
  engine::EngineSession eng;
  if (auto st = eng.start(argv, cfg.engine.env, cfg.engine.host, actx.port, dir + "/engine.log");
      !st.ok()) {
    auto gs = gpu.stop();
    w.in().gpu_reason = gs.reason;
    return w.finish(
        {"start_failed", st.error().message(), "argv[0] could not be started", std::nullopt});
  }
  (void)write_file_atomic(dir + "/engine.pgid", std::to_string(eng.pgid()) + " " +
                                                    fs::path(argv[0]).filename().string() + "\n");
  EngineStop stop(eng, gpu, w, dir);
  auto ready = eng.wait_ready(cfg.engine.health_timeout_s);
  w.extra()["startup_s"] = ready.startup_s;
  w.in().served_model = ready.served_model;
  w.in().applied = engine::check_applied_log(cfg.applied_check, eng.log_text());
  if (ready.status != "ready") {
    stop(cfg.engine.stop_grace_s);
    return w.finish({ready.status, ready.reason, ready.evidence,
                     eng.exit_status() && eng.exit_status()->exited
                         ? std::optional<int>(eng.exit_status()->code)
                         : std::nullopt});
  }
  const std::string model = ready.served_model.empty() ? cfg.engine.model : ready.served_model;
  telemetry::MetricsScraper metrics;
  prepare_engine(eng, plan, model, metrics, dir, w);
  return w.finish(run_bench_child(ctx, eng, actx, metrics, stop, w));
}

}  // namespace l4lab::matrix
