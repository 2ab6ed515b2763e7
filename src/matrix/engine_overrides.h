// Plan-level adaptation of the study's configurations to one host
// (`engine_overrides:` in a plan, docs/MATRIX.md): the engine command, probe
// and version argv, extra args and env, and whether weights are dummy. The
// configs/vllm/C*.yaml files stay the study's; a plan such as
// plans/vllm-h200-dummy.yaml says how this machine runs them. Pure: the
// adapted config is a value, and the manifest records what was changed.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine_config.h"

namespace l4lab::matrix {

struct EngineOverrides {
  bool set = false;
  std::string kind = "vllm";               // only configs of this engine kind are adapted
  std::vector<std::string> command;        // replaces engine.command (placeholders allowed)
  std::vector<std::string> probe;          // replaces probe.argv
  std::vector<std::string> version;        // replaces engine.version
  std::vector<std::string> extra_args;     // appended to engine.args
  std::map<std::string, std::string> env;  // added to engine.env (overrides same names)
  std::optional<bool> dummy_weights;       // engine.dummy_weights
  std::optional<double> health_timeout_s;  // engine.health_timeout_s
  std::optional<double> probe_timeout_s;   // probe.timeout_s
  std::string note;                        // why, in words (copied into each manifest)
};

// The config as this plan runs it. Configs of another kind are returned as
// they are. When a command is given and no version argv, the version argv is
// derived from the new command (default_version_argv), so a Python-module
// command never records the interpreter's version.
engine::EngineConfig apply_overrides(const engine::EngineConfig& c, const EngineOverrides& o);

// What the overrides changed, for the manifest (null when none applied).
nlohmann::json overrides_json(const engine::EngineConfig& c, const EngineOverrides& o);

}  // namespace l4lab::matrix
