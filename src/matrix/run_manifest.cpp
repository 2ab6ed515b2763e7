#include "matrix/run_manifest.h"

#include <algorithm>

#include "common/version.h"

namespace l4lab::matrix {

namespace {

bool secret_name(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), ::toupper);
  for (const char* w : {"KEY", "TOKEN", "SECRET", "PASSWORD"})
    if (name.find(w) != std::string::npos) return true;
  return false;
}

template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json str_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

// A flag is secret if one of its words is one: --api-key, --hf-token,
// --password, but not --max-num-batched-tokens.
bool secret_flag(const std::string& flag) {
  std::string word;
  auto is_secret_word = [](std::string w) {
    std::transform(w.begin(), w.end(), w.begin(), ::tolower);
    return w == "key" || w == "token" || w == "secret" || w == "password" || w == "apikey" ||
           w == "passwd";
  };
  for (char c : flag + "-") {
    if (c == '-' || c == '_' || c == '=') {
      if (is_secret_word(word)) return true;
      word.clear();
    } else {
      word += c;
    }
  }
  return false;
}

}  // namespace

std::map<std::string, std::string> redact_env(const std::map<std::string, std::string>& env) {
  auto out = env;
  for (auto& [k, v] : out)
    if (secret_name(k)) v = "<redacted>";
  return out;
}

std::vector<std::string> redact_argv(const std::vector<std::string>& argv) {
  std::vector<std::string> out = argv;
  for (size_t i = 0; i < out.size(); ++i) {
    const std::string& a = out[i];
    if (a.rfind("--", 0) != 0 || !secret_flag(a.substr(0, a.find('=')))) continue;
    if (auto eq = a.find('='); eq != std::string::npos)
      out[i] = a.substr(0, eq + 1) + "<redacted>";
    else if (i + 1 < out.size() && out[i + 1].rfind("--", 0) != 0)
      out[++i] = "<redacted>";
  }
  return out;
}

nlohmann::json gpu_json(const telemetry::GpuInfo& g) {
  return {{"name", g.name},
          {"count", g.count},
          {"mem_total_mib", opt(g.mem_total_mib)},
          {"driver", str_or_null(g.driver)},
          {"cuda", str_or_null(g.cuda)},
          {"uuid", str_or_null(g.uuid)},
          {"source", g.source}};
}

nlohmann::json host_json(const telemetry::HostInfo& hi) {
  nlohmann::json h = {{"cpu", hi.cpu}, {"cores", hi.cores},   {"mem_total_mib", hi.mem_total_mib},
                      {"os", hi.os},   {"kernel", hi.kernel}, {"hostname", hi.hostname}};
  const auto& id = hi.cpu_id;
  const auto int_or_null = [](int v) {
    return v < 0 ? nlohmann::json(nullptr) : nlohmann::json(v);
  };
  h["cpu_id"] = {{"family", int_or_null(id.family)},
                 {"model", int_or_null(id.model)},
                 {"stepping", int_or_null(id.stepping)},
                 {"mhz", id.mhz > 0 ? nlohmann::json(id.mhz) : nlohmann::json(nullptr)},
                 {"flags", id.flags}};
  const auto& cp = hi.cpu_probe;
  if (cp.reps > 0)
    h["cpu_probe"] = {{"what", "single-thread fixed integer work (telemetry/cpu_probe.h)"},
                      {"ops_per_rep", cp.ops_per_rep},
                      {"reps", cp.reps},
                      {"best_ns_per_op", cp.best_ns_per_op},
                      {"median_ns_per_op", cp.median_ns_per_op},
                      {"loadavg_1m", cp.loadavg_1m},
                      {"checksum", cp.checksum}};
  else
    h["cpu_probe"] = nullptr;
  return h;
}

nlohmann::json build_manifest(const ManifestInput& in) {
  const auto& c = *in.config;
  nlohmann::json j;
  j["schema"] = "l4lab.run_manifest/1";
  j["lab"] = {{"version", lab_version()}, {"git_sha", lab_git_sha()}};
  j["config"] = {{"name", c.name},         {"intent", c.intent},      {"factor", c.factor},
                 {"baseline", c.baseline}, {"engine", c.engine.kind}, {"file", c.file},
                 {"sha256", c.sha256}};
  j["trial"] = in.trial;
  j["simulated"] = c.simulated;
  // Random weights: speed real, text random (docs/FORMATS.md#dummy-weights).
  j["dummy_weights"] = engine::uses_dummy_weights(c);
  j["engine"] = {{"name", c.engine.kind},
                 {"version", str_or_null(in.engine_version)},
                 {"argv", redact_argv(in.engine_argv)},
                 {"env", redact_env(in.engine_env)},
                 {"overrides", in.engine_overrides}};
  j["model"] =
      c.engine.model.empty() ? str_or_null(in.served_model) : nlohmann::json(c.engine.model);
  j["served_model"] = str_or_null(in.served_model);
  j["tokenizer"] = {{"id", str_or_null(in.workload.tokenizer_id)},
                    {"sha256", str_or_null(in.workload.tokenizer_sha256)}};
  j["workload"] = {{"path", in.workload.path},
                   {"sha256", in.workload.sha256},
                   {"count", in.workload.count},
                   {"source_path", str_or_null(in.workload.source_path)},
                   {"source_sha256", str_or_null(in.workload.source_sha256)},
                   {"per_cell", in.workload.per_cell}};
  j["seeds"] = {{"workload", opt(in.workload.seed)}, {"schedule", opt(in.schedule_seed)}};
  j["bench_argv"] = redact_argv(in.bench_argv);
  j["host"] = host_json(in.host);
  if (in.gpu && in.gpu->count > 0) {
    j["gpu"] = gpu_json(*in.gpu);
  } else {
    j["gpu"] = nullptr;
    j["gpu_reason"] = in.gpu_reason.empty() ? "no GPU" : in.gpu_reason;
  }
  if (in.cloud)
    j["cloud"] = {{"provider", in.cloud->provider},
                  {"machine_type", in.cloud->machine_type},
                  {"zone", str_or_null(in.cloud->zone)}};
  j["clock_anchor"] = {{"wall_ns", in.anchor_wall_ns}, {"mono_ns", in.anchor_mono_ns}};
  j["started_at"] = in.started_at;
  j["ended_at"] = str_or_null(in.ended_at);
  j["outcome"] = {{"status", in.outcome.status},
                  {"reason", str_or_null(in.outcome.reason)},
                  {"evidence", str_or_null(in.outcome.evidence)},
                  {"exit_code", opt(in.outcome.exit_code)}};
  j["applied"] = {{"value", in.applied.value}, {"evidence", str_or_null(in.applied.evidence)}};
  if (!in.extra.is_null()) j["lab_run"] = in.extra;
  if (!in.price.is_null()) j["price"] = in.price;
  return j;
}

}  // namespace l4lab::matrix
