#include "matrix/engine_overrides.h"

namespace l4lab::matrix {

namespace {

bool applies(const engine::EngineConfig& c, const EngineOverrides& o) {
  return o.set && c.engine.kind == o.kind;
}

}  // namespace

engine::EngineConfig apply_overrides(const engine::EngineConfig& c, const EngineOverrides& o) {
  if (!applies(c, o)) return c;
  engine::EngineConfig out = c;
  if (!o.command.empty()) {
    out.engine.command = o.command;
    if (o.version.empty()) out.engine.version = engine::default_version_argv(out.engine);
  }
  if (!o.probe.empty()) out.engine.probe = o.probe;
  if (!o.version.empty()) out.engine.version = o.version;
  out.engine.args.insert(out.engine.args.end(), o.extra_args.begin(), o.extra_args.end());
  for (const auto& [k, v] : o.env) out.engine.env[k] = v;
  if (o.dummy_weights) out.engine.dummy_weights = *o.dummy_weights;
  if (o.health_timeout_s) out.engine.health_timeout_s = *o.health_timeout_s;
  if (o.probe_timeout_s) out.probe_timeout_s = *o.probe_timeout_s;
  return out;
}

nlohmann::json overrides_json(const engine::EngineConfig& c, const EngineOverrides& o) {
  if (!applies(c, o)) return nullptr;
  nlohmann::json j = nlohmann::json::object();
  if (!o.command.empty()) j["command"] = o.command;
  if (!o.probe.empty()) j["probe"] = o.probe;
  if (!o.version.empty()) j["version"] = o.version;
  if (!o.extra_args.empty()) j["extra_args"] = o.extra_args;
  if (!o.env.empty()) {
    nlohmann::json names = nlohmann::json::array();  // values are in engine.env, redacted
    for (const auto& [k, v] : o.env) names.push_back(k);
    j["env_names"] = names;
  }
  if (o.dummy_weights) j["dummy_weights"] = *o.dummy_weights;
  if (o.health_timeout_s) j["health_timeout_s"] = *o.health_timeout_s;
  if (o.probe_timeout_s) j["probe_timeout_s"] = *o.probe_timeout_s;
  if (!o.note.empty()) j["note"] = o.note;
  return j;
}

}  // namespace l4lab::matrix
