#include "engine/engine_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "common/files.h"
#include "engine/yaml_fields.h"

namespace l4lab::engine {

namespace {

std::vector<std::string> default_probe(const EngineSpec& e) {
  if (e.kind == "vllm") return {"vllm", "serve", "--help=all"};
  if (e.kind == "serve-sim") return {"{l4lab}", "serve-sim", "--help"};
  if (!e.command.empty()) return {e.command[0], "--help"};
  return {};
}

bool is_python(const std::string& exe) {
  const std::string base = std::filesystem::path(exe).filename().string();
  return base.rfind("python", 0) == 0;
}

}  // namespace

std::vector<std::string> default_version_argv(const EngineSpec& e) {
  if (e.kind != "vllm" || e.command.empty()) return {};
  if (is_python(e.command[0]))
    return {e.command[0], "-c", "import vllm; print('vllm ' + vllm.__version__)"};
  return {e.command[0], "--version"};
}

namespace {

Result<EngineConfig> parse_engine_config_fields(const std::string& yaml_text,
                                                const std::string& file) {
  auto loaded = load_yaml_mapping(yaml_text, file);
  if (!loaded.ok()) return loaded.error();
  const YAML::Node root = *loaded;
  YamlFields f(file);
  EngineConfig c;
  c.file = file;
  c.sha256 = sha256_hex(yaml_text);
  c.name = f.str(root, "name", true);
  c.intent = f.str(root, "intent", true);
  c.factor = f.str(root, "factor", true);
  c.baseline = f.str(root, "baseline", false);
  if (c.baseline.empty()) c.baseline = c.name;
  c.simulated = f.boolean(root, "simulated", false);
  c.unsupported_note = f.str(root, "unsupported_note", false);
  c.notes = f.str(root, "notes", false);
  c.requires_flags = f.str_list(root, "requires_flags");

  YAML::Node e = root["engine"];
  if (!e || !e.IsMap()) return Error(file + ": missing mapping 'engine'");
  c.engine.kind = f.str(e, "kind", true);
  c.engine.command = f.argv_list(e, "command");
  if (c.engine.command.empty()) f.fail(e, "engine.command must be a non-empty list of argv words");
  c.engine.args = f.argv_list(e, "args");
  c.vars = f.str_map(root, "vars");
  c.engine.env = f.str_map(e, "env");
  c.engine.model = f.str(e, "model", false);
  if (e["host"]) c.engine.host = f.str(e, "host", true);
  c.engine.port = static_cast<int>(f.integer(e, "port", c.engine.port, 0, 65535));
  c.engine.health_timeout_s = f.number(e, "health_timeout_s", c.engine.health_timeout_s);
  c.engine.stop_grace_s = f.number(e, "stop_grace_s", c.engine.stop_grace_s);
  c.engine.version = f.argv_list(e, "version");
  c.engine.dummy_weights = f.boolean(e, "dummy_weights", false);
  if (c.engine.kind != "vllm" && c.engine.kind != "serve-sim" && c.engine.kind != "generic")
    f.fail(e["kind"],
           "engine.kind must be vllm, serve-sim or generic, got '" + c.engine.kind + "'");
  if (YAML::Node p = root["probe"]) {
    c.engine.probe = f.argv_list(p, "argv");
    c.probe_timeout_s = f.number(p, "timeout_s", c.probe_timeout_s);
  }
  if (c.engine.probe.empty()) c.engine.probe = default_probe(c.engine);
  if (c.engine.version.empty()) c.engine.version = default_version_argv(c.engine);

  if (YAML::Node a = root["applied_check"]) {
    c.applied_check.evidence_line = f.str(a, "evidence_line", false);
    if (a.IsMap() && a["expect"] && a["expect"].IsScalar())
      c.applied_check.expect = {f.str(a, "expect", true)};
    else
      c.applied_check.expect = f.str_list(a, "expect");
    c.applied_check.metric = f.str(a, "metric", false);
    c.applied_check.metric_min = f.number(a, "metric_min", 1);
  }
  if (!f.ok()) return f.error();
  return c;
}

}  // namespace

Result<EngineConfig> parse_engine_config(const std::string& yaml_text, const std::string& file) {
  // Backstop: YamlFields checks types before it reads, but a yaml-cpp call
  // that still throws must become an error naming the file, not a crash.
  try {
    return parse_engine_config_fields(yaml_text, file);
  } catch (const YAML::Exception& e) {
    return Error(file + ":" + std::to_string(e.mark.line + 1) + ": YAML: " + e.msg);
  }
}

Result<EngineConfig> load_engine_config(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  return parse_engine_config(*text, path);
}

std::string substitute(const std::string& s, const EngineConfig& c, const ArgvContext& ctx) {
  std::string dir = std::filesystem::path(c.file).parent_path().string();
  if (dir.empty()) dir = ".";
  const std::pair<const char*, std::string> vars[] = {
      {"{model}", c.engine.model}, {"{port}", std::to_string(ctx.port)},
      {"{host}", c.engine.host},   {"{l4lab}", ctx.l4lab_exe},
      {"{config_dir}", dir},       {"{run_dir}", ctx.run_dir},
  };
  std::string out = s;
  auto replace_all = [&out](const std::string& key, const std::string& val) {
    for (size_t pos = out.find(key); pos != std::string::npos;
         pos = out.find(key, pos + val.size()))
      out.replace(pos, key.size(), val);
  };
  // Plan-level values override the config's defaults.
  for (const auto& [k, v] : ctx.vars) replace_all("{" + k + "}", v);
  for (const auto& [k, v] : c.vars) replace_all("{" + k + "}", v);
  for (const auto& [key, val] : vars) replace_all(key, val);
  return out;
}

std::vector<std::string> engine_argv(const EngineConfig& c, const ArgvContext& ctx) {
  std::vector<std::string> argv;
  for (const auto& w : c.engine.command) argv.push_back(substitute(w, c, ctx));
  for (const auto& w : c.engine.args) argv.push_back(substitute(w, c, ctx));
  return argv;
}

std::vector<std::string> probe_argv(const EngineConfig& c, const ArgvContext& ctx) {
  std::vector<std::string> argv;
  for (const auto& w : c.engine.probe) argv.push_back(substitute(w, c, ctx));
  return argv;
}

std::vector<std::string> version_argv(const EngineConfig& c, const ArgvContext& ctx) {
  std::vector<std::string> argv;
  for (const auto& w : c.engine.version) argv.push_back(substitute(w, c, ctx));
  return argv;
}

bool uses_dummy_weights(const EngineConfig& c) {
  if (c.engine.dummy_weights) return true;
  const auto& a = c.engine.args;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "--load-format=dummy") return true;
    if (a[i] == "--load-format" && i + 1 < a.size() && a[i + 1] == "dummy") return true;
  }
  return false;
}

std::vector<std::string> flags_to_probe(const EngineConfig& c) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](std::string flag) {
    if (auto eq = flag.find('='); eq != std::string::npos) flag.resize(eq);
    if (flag.size() > 2 && flag.rfind("--", 0) == 0 && seen.insert(flag).second)
      out.push_back(flag);
  };
  for (const auto& a : c.engine.args) add(a);
  for (const auto& r : c.requires_flags) add(r);
  return out;
}

}  // namespace l4lab::engine
