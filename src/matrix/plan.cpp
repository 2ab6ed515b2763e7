#include "matrix/plan.h"

#include <yaml-cpp/yaml.h>

#include "common/files.h"
#include "engine/yaml_fields.h"

namespace l4lab::matrix {

namespace {

Result<Plan> parse_plan_fields(const std::string& yaml_text, const std::string& file) {
  auto loaded = engine::load_yaml_mapping(yaml_text, file);
  if (!loaded.ok()) return loaded.error();
  const YAML::Node root = *loaded;
  engine::YamlFields f(file);
  Plan p;
  p.file = file;
  p.text = yaml_text;
  p.name = f.str(root, "name", true);
  p.configs = f.str_list(root, "configs");
  if (p.configs.empty()) f.fail(root, "'configs' must list at least one configuration file");
  p.trials = static_cast<int>(f.integer(root, "trials", 1, 1, 1 << 20));
  if (YAML::Node o = root["order"]) {
    if (o.IsScalar()) {
      p.order = o.Scalar();
    } else {
      p.order = f.str(o, "kind", true);
      p.order_seed = static_cast<uint64_t>(f.integer(o, "seed", 1, 0, int64_t(1) << 53));
    }
  }
  if (p.order != "interleaved" && p.order != "shuffled" && p.order != "sequential")
    f.fail(root["order"],
           "order must be interleaved, shuffled or sequential, got '" + p.order + "'");
  p.reset_prefix_cache = f.boolean(root, "reset_prefix_cache", false);
  p.vars = f.str_map(root, "vars");
  if (YAML::Node w = root["workload"]) {
    p.workload.path = f.str(w, "path", true);
    p.workload.build = f.boolean(w, "build", false);
    p.workload.build_args = f.argv_list(w, "build_args");
    p.workload.per_cell = static_cast<int>(f.integer(w, "per_cell", 0, 0, 1 << 30));
  } else {
    f.fail(root, "missing mapping 'workload' (with 'path')");
  }
  p.warmup_requests = static_cast<int>(f.integer(root, "warmup_requests", 1, 0, 1 << 30));
  if (YAML::Node b = root["bench"]) {
    auto cmd = f.argv_list(b, "command");
    if (!cmd.empty()) p.bench_command = cmd;
    p.bench_args = f.argv_list(b, "args");
    p.bench_timeout_s = f.number(b, "timeout_s", 0);
  }
  if (YAML::Node t = root["telemetry"]) {
    p.gpu_hz = f.number(t, "gpu_hz", 10);
    p.metrics_hz = f.number(t, "metrics_hz", 1);
    if (t["gpu_source"]) p.gpu_source = f.str(t, "gpu_source", true);
  }
  if (YAML::Node pr = root["price"]) {
    p.price.set = true;
    p.price.usd_per_hour = f.number(pr, "usd_per_hour", -1);
    if (p.price.usd_per_hour < 0) f.fail(pr, "price: 'usd_per_hour' must be given and >= 0");
    p.price.gpu_name = f.str(pr, "gpu_name", true);
    p.price.gpu_count = static_cast<int>(f.integer(pr, "gpu_count", 1, 1, 1 << 20));
    p.price.machine_type = f.str(pr, "machine_type", false);
    p.price.source = f.str(pr, "source", true);
  }
  if (YAML::Node o = root["engine_overrides"]) {
    if (!o.IsMap()) {
      f.fail(o, "'engine_overrides' must be a mapping");
    } else {
      auto& ov = p.overrides;
      ov.set = true;
      if (o["kind"]) ov.kind = f.str(o, "kind", true);
      ov.command = f.argv_list(o, "command");
      ov.probe = f.argv_list(o, "probe");
      ov.version = f.argv_list(o, "version");
      ov.extra_args = f.argv_list(o, "extra_args");
      ov.env = f.str_map(o, "env");
      if (o["dummy_weights"]) ov.dummy_weights = f.boolean(o, "dummy_weights", false);
      if (o["health_timeout_s"]) ov.health_timeout_s = f.number(o, "health_timeout_s", 0);
      if (o["probe_timeout_s"]) ov.probe_timeout_s = f.number(o, "probe_timeout_s", 0);
      ov.note = f.str(o, "note", false);
      static const char* known[] = {
          "kind",          "command",          "probe",           "version", "extra_args", "env",
          "dummy_weights", "health_timeout_s", "probe_timeout_s", "note"};
      for (const auto& kv : o) {
        const std::string k = kv.first.Scalar();
        bool ok = false;
        for (const char* n : known) ok = ok || k == n;
        if (!ok) f.fail(kv.first, "engine_overrides: unknown field '" + k + "'");
      }
    }
  }
  if (YAML::Node s = root["slurm"]) {
    p.slurm.partition = f.str(s, "partition", false);
    p.slurm.gres = f.str(s, "gres", false);
    p.slurm.time = f.str(s, "time", false);
    p.slurm.account = f.str(s, "account", false);
    p.slurm.mem = f.str(s, "mem", false);
    p.slurm.cpus_per_task = static_cast<int>(f.integer(s, "cpus_per_task", 0, 0, 1 << 20));
    p.slurm.sbatch_args = f.argv_list(s, "sbatch_args");
    p.slurm.runs_dir = f.str(s, "runs_dir", false);
  }
  if (!f.ok()) return f.error();
  return p;
}

}  // namespace

Result<Plan> parse_plan(const std::string& yaml_text, const std::string& file) {
  // Backstop: YamlFields checks types before it reads, but a yaml-cpp call
  // that still throws must become an error naming the file, not a crash.
  try {
    return parse_plan_fields(yaml_text, file);
  } catch (const YAML::Exception& e) {
    return Error(file + ":" + std::to_string(e.mark.line + 1) + ": YAML: " + e.msg);
  }
}

Result<Plan> load_plan(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  return parse_plan(*text, path);
}

}  // namespace l4lab::matrix
