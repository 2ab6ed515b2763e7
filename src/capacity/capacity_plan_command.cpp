// `l4lab capacity --plan PLAN`: the capacity search for each configuration of
// a matrix plan in turn (docs/CAPACITY.md#a-plan). A thin executor: for each
// configuration it starts the engine as `l4lab matrix run` would (the plan's
// engine_overrides applied, argv, its own process group), samples the GPU
// while the search runs, runs the one-endpoint search against it into
// OUT/<config>/, stops the engine, and writes OUT/<config>/engine.json; then
// capacity_plan.json and capacity_plan.md with each configuration's verdict
// against its baseline (capacity_comparison.h).
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "capacity/capacity_comparison.h"
#include "capacity/capacity_curves.h"
#include "capacity/capacity_options.h"
#include "capacity/curve_reader.h"
#include "common/clock.h"
#include "common/files.h"
#include "engine/engine_config.h"
#include "engine/engine_log.h"
#include "engine/engine_session.h"
#include "engine/engine_version.h"
#include "engine/flag_probe.h"
#include "engine/http_client.h"
#include "engine/process_registry.h"
#include "matrix/engine_overrides.h"
#include "matrix/plan.h"
#include "matrix/run_manifest.h"
#include "telemetry/gpu_sampler.h"

namespace l4lab::capacity {
namespace fs = std::filesystem;

namespace {

std::optional<double> opt_num(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

// The search's answer as capacity.json records it.
void read_estimate(const std::string& path, ConfigCapacity& cc) {
  auto t = read_file(path);
  if (!t.ok()) {
    cc.reason = t.error().message();
    return;
  }
  auto j = nlohmann::json::parse(*t, nullptr, false);
  if (j.is_discarded() || !j.contains("capacity")) {
    cc.reason = path + ": not a capacity.json";
    return;
  }
  const auto& c = j["capacity"];
  CapacityEstimate e;
  e.capacity_rps = opt_num(c, "capacity_rps");
  e.first_fail_rps = opt_num(c, "first_fail_rps");
  if (c.contains("interval")) {
    e.lower_rps = opt_num(c["interval"], "lower_rps");
    e.upper_rps = opt_num(c["interval"], "upper_rps");
    e.upper_from_saturation = c["interval"].value("upper_from_saturation", false);
  }
  e.note = c.value("note", "");
  cc.estimate = e;
  cc.steps = j.contains("steps") ? int(j["steps"].size()) : 0;
}

// capacity_plan.html: each configuration's capacity and the curves' charts.
std::string plan_html(const std::vector<ConfigCapacity>& done,
                      const std::vector<ConfigCurve>& curves) {
  std::string h =
      "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Capacity per "
      "configuration</title></head><body>\n<h1>Capacity per configuration</h1>\n<p>The table, "
      "the verdicts and every step: <a href=\"capacity_plan.md\">capacity_plan.md</a>.</p><ul>\n";
  for (const auto& c : done) {
    std::string cap = "no capacity (" + c.status + ")";
    if (c.estimate && c.estimate->capacity_rps)
      cap = fmt::format("{:.3f} req/s", *c.estimate->capacity_rps);
    h += fmt::format("<li><a href=\"{}/capacity.md\">{}</a>: {}</li>\n", c.dir, c.name, cap);
  }
  h += "</ul>\n" + curves_html(curves) + "\n</body></html>\n";
  return h;
}

// Starts the configuration's engine, runs the search against it, stops it.
ConfigCapacity search_config(const CapacityOptions& o, const matrix::Plan& plan,
                             const engine::EngineConfig& cfg, const std::string& workload,
                             engine::ProbeCache& probes) {
  ConfigCapacity cc{cfg.name, cfg.baseline, "start_failed", "", cfg.name, std::nullopt, 0};
  const std::string dir = (fs::path(o.out_dir) / cfg.name).string();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    cc.reason = dir + ": cannot create: " + ec.message();
    return cc;
  }
  engine::ArgvContext actx{o.l4lab_exe, dir, cfg.engine.port, plan.vars};
  if (actx.port == 0) {
    auto p = engine::pick_free_port(cfg.engine.host);
    if (!p.ok()) {
      cc.reason = p.error().message();
      return cc;
    }
    actx.port = *p;
  } else if (!engine::wait_port_free(cfg.engine.host, actx.port, 30)) {
    cc.reason = fmt::format("port {} was still in use after 30 s", actx.port);
    return cc;
  }
  const auto argv = engine::engine_argv(cfg, actx);
  // The probe first, as `l4lab matrix run` does: a flag this engine does not
  // accept is the probe's honest "unsupported", not a start failure.
  auto probe = engine::probe_engine(cfg, actx, &probes);
  // engine.json: what ran. Env values stay out (they may hold secrets); keys only.
  nlohmann::json ej = {{"schema", "l4lab.capacity_engine/1"},
                       {"config", cfg.name},
                       {"config_file", cfg.file},
                       {"engine_argv", argv},
                       {"engine_overrides", matrix::overrides_json(cfg, plan.overrides)},
                       {"dummy_weights", engine::uses_dummy_weights(cfg)},
                       {"engine_version", engine::installed_engine_version(cfg, actx)},
                       {"started_at", iso8601_utc(wall_ns())},
                       {"host", matrix::host_json(telemetry::read_host_info())}};
  nlohmann::json env_keys = nlohmann::json::array();
  for (const auto& [k, v] : cfg.engine.env) env_keys.push_back(k);
  ej["engine_env_keys"] = env_keys;
  ej["probe"] = {{"ran", probe.ran},
                 {"missing", probe.missing},
                 {"reason", probe.reason},
                 {"evidence", probe.evidence}};
  auto save = [&] { (void)write_file_atomic(dir + "/engine.json", ej.dump(2) + "\n"); };
  if (!probe.missing.empty()) {
    cc.status = "unsupported";
    std::string flags;
    for (const auto& m : probe.missing) flags += (flags.empty() ? "" : ", ") + m;
    cc.reason = (probe.reason.empty() ? "the engine does not accept " + flags : probe.reason) +
                " (probe: " + probe.evidence + ")";
    ej["status"] = cc.status;
    ej["reason"] = cc.reason;
    save();
    return cc;
  }
  save();

  telemetry::GpuSampler gpu;
  (void)gpu.start(dir + "/gpu_samples.jsonl", plan.gpu_hz, plan.gpu_source);
  engine::EngineSession eng;
  if (auto st = eng.start(argv, cfg.engine.env, cfg.engine.host, actx.port, dir + "/engine.log");
      !st.ok()) {
    gpu.stop();
    cc.reason = st.error().message();
    ej["status"] = cc.status;
    ej["reason"] = cc.reason;
    save();
    return cc;
  }
  std::fprintf(stderr, "l4lab capacity: %s: engine started (%s), waiting for it to be ready\n",
               cfg.name.c_str(), eng.base_url().c_str());
  auto ready = eng.wait_ready(cfg.engine.health_timeout_s);
  ej["startup_s"] = ready.startup_s;
  ej["served_model"] = ready.served_model;
  if (ready.status == "ready") {
    const std::string model = ready.served_model.empty() ? cfg.engine.model : ready.served_model;
    if (plan.warmup_requests > 0) {
      auto wu = eng.warm_up(model, plan.warmup_requests);
      ej["warmup"] = {{"requests", plan.warmup_requests},
                      {"error", wu.ok() ? nlohmann::json() : nlohmann::json(wu.error().message())}};
    }
    CapacityOptions sub = o;
    sub.plan.clear();
    sub.url = eng.base_url();
    sub.out_dir = dir;
    sub.workload = workload;
    if (sub.model.empty()) sub.model = model;
    save();
    const int rc = run_capacity(sub);
    ej["search_exit"] = rc;
    cc.status = engine::interrupted() ? "interrupted" : "searched";
    if (rc != 0 && !engine::interrupted()) cc.reason = fmt::format("the search exited {}", rc);
    read_estimate(dir + "/capacity.json", cc);
    if (!engine::interrupted() && !eng.alive()) {  // the stop handler ends it on a signal
      cc.status = "engine_died";
      cc.reason = eng.exit_status() ? eng.exit_status()->describe() : "the engine exited";
    }
  } else {
    cc.status = ready.status;
    cc.reason = ready.reason;
    ej["evidence"] = ready.evidence;
  }
  ej["applied"] = [&] {
    auto a = engine::check_applied_log(cfg.applied_check, eng.log_text());
    return nlohmann::json{{"value", a.value}, {"evidence", a.evidence}};
  }();
  ej["engine_exit"] = eng.stop(engine::interrupted() ? 1 : cfg.engine.stop_grace_s).describe();
  auto gs = gpu.stop();
  if (gpu.info().count > 0) ej["gpu"] = matrix::gpu_json(gpu.info());
  ej["telemetry_gpu"] = {{"source", gs.source}, {"reason", gs.reason}, {"samples", gs.samples}};
  ej["status"] = cc.status;
  ej["reason"] = cc.reason;
  ej["ended_at"] = iso8601_utc(wall_ns());
  save();
  if (!engine::interrupted() && !engine::wait_port_free(cfg.engine.host, actx.port, 30))
    std::fprintf(stderr, "l4lab capacity: %s: port %d still busy 30 s after the stop\n",
                 cfg.name.c_str(), actx.port);
  return cc;
}

}  // namespace

int run_capacity_plan(const CapacityOptions& o) {
  auto plan = matrix::load_plan(o.plan);
  if (!plan) return bad_input(plan.error().message());
  const std::string workload = o.workload.empty() ? plan->workload.path : o.workload;
  if (!fs::exists(workload))
    return bad_input(workload + ": no such workload (build it, or give --workload)");
  const std::set<std::string> wanted(o.only.begin(), o.only.end());
  std::set<std::string> missing = wanted;
  std::vector<engine::EngineConfig> cfgs;
  for (const auto& path : plan->configs) {
    auto c = engine::load_engine_config(path);
    if (!c) return bad_input(c.error().message());
    if (!wanted.empty() && !wanted.count(c->name)) continue;
    missing.erase(c->name);
    cfgs.push_back(matrix::apply_overrides(*c, plan->overrides));
  }
  if (!missing.empty())
    return bad_input(fmt::format("--only {}: not a configuration of {}", *missing.begin(), o.plan));
  if (cfgs.empty()) return bad_input(o.plan + ": no configurations");
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) return bad_input(o.out_dir + ": cannot create: " + ec.message());
  const std::string json_path = (fs::path(o.out_dir) / "capacity_plan.json").string();
  if (fs::exists(json_path))
    return bad_input(json_path + " already exists: give another --out (a search is not resumed)");
  for (const auto& c : cfgs)
    if (fs::exists(fs::path(o.out_dir) / c.name / "capacity.json"))
      return bad_input((fs::path(o.out_dir) / c.name / "capacity.json").string() +
                       " already exists: give another --out");
  engine::install_stop_handlers();
  nlohmann::json header = {{"argv", o.argv},
                           {"plan", o.plan},
                           {"workload", workload},
                           {"slos", o.slos},
                           {"dummy_weights", plan->overrides.dummy_weights.value_or(false)},
                           {"started_at", iso8601_utc(wall_ns())}};
  std::vector<ConfigCapacity> done;
  std::vector<ConfigCurve> curves;
  engine::ProbeCache probes;
  auto save = [&] {
    (void)write_file_atomic(json_path, capacity_plan_json(header, done).dump(2) + "\n");
    (void)write_file_atomic((fs::path(o.out_dir) / "capacity_plan.md").string(),
                            capacity_plan_markdown(header, done) + "\n" + curves_markdown(curves));
    (void)write_file_atomic((fs::path(o.out_dir) / "capacity_plan.html").string(),
                            plan_html(done, curves));
  };
  int rc = 0;
  for (const auto& c : cfgs) {
    if (engine::interrupted()) break;
    std::fprintf(stderr, "l4lab capacity: configuration %s (%s)\n", c.name.c_str(), c.file.c_str());
    done.push_back(search_config(o, *plan, c, workload, probes));
    if (done.back().estimate)
      curves.push_back(read_curve((fs::path(o.out_dir) / c.name).string(), c.name));
    // unsupported is the probe's honest "not run", not a failure (as in the matrix).
    if (done.back().status != "unsupported" &&
        (done.back().status != "searched" || !done.back().reason.empty()))
      rc = 1;
    save();
  }
  save();
  std::printf("%s", capacity_plan_markdown(header, done).c_str());
  std::printf("capacity_plan.json in %s\n", json_path.c_str());
  if (engine::interrupted())
    return 128 + (engine::interrupt_signal() ? engine::interrupt_signal() : 2);
  return rc;
}

}  // namespace l4lab::capacity
