// One engine configuration of the matrix (configs/<engine>/Cn.yaml), parsed
// at the edge into a plain struct. The engine's argv is data: `command` and
// `args` are composed into a vector, placeholders such as {port} are
// substituted per element, and no shell ever sees it. docs/MATRIX.md
// documents every field.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace l4lab::engine {

// How the lab decides, after start-up, whether the changed factor took effect.
struct AppliedCheck {
  // Regex locating the line where the engine reports what it applied (vLLM:
  // "non-default args: "). Empty: no log check.
  std::string evidence_line;
  // Regexes that must all match inside that line for applied=true.
  std::vector<std::string> expect;
  // Optional metric check on the "after" scrape: applied=true if the sum of
  // samples named `metric` is >= metric_min.
  std::string metric;
  double metric_min = 1;
};

struct EngineSpec {
  std::string kind;                  // vllm | serve-sim | generic
  std::vector<std::string> command;  // e.g. [vllm, serve, "{model}"]
  std::vector<std::string> args;     // flags, one element per argv word
  std::map<std::string, std::string> env;
  std::string model;
  std::string host = "127.0.0.1";
  int port = 8000;  // 0: pick a free port at run time
  double health_timeout_s = 600;
  double stop_grace_s = 20;
  std::vector<std::string> probe;  // argv whose output lists accepted flags
  // argv whose last output line is the engine's own version. Default for vllm:
  // `vllm --version`, or `<python> -c 'import vllm; ...'` when the command is
  // a Python interpreter (`python3 -m vllm...`), never the interpreter's own
  // version.
  std::vector<std::string> version;
  // Random (dummy) weights, e.g. vLLM's --load-format dummy: speed is real,
  // text is not. Every output labels such runs DUMMY WEIGHTS.
  bool dummy_weights = false;
};

struct EngineConfig {
  std::string file;    // path it was read from
  std::string sha256;  // of the file's bytes
  std::string name;    // C1..C8
  std::string intent;
  std::string factor;    // what changes against the baseline, in words
  std::string baseline;  // name of the baseline configuration
  bool simulated = false;
  EngineSpec engine;
  std::vector<std::string> requires_flags;  // probed, in addition to every --flag in args
  AppliedCheck applied_check;
  double probe_timeout_s = 300;
  std::string unsupported_note;  // why a flag may be missing (shown with the probe's evidence)
  std::string notes;
  std::map<std::string, std::string> vars;  // defaults for {name} placeholders
};

// Values substituted into argv elements: {model} {port} {host} {l4lab}
// {config_dir} {run_dir}, then any {var} from the plan's or config's vars.
struct ArgvContext {
  std::string l4lab_exe;
  std::string run_dir;
  int port = 0;
  std::map<std::string, std::string> vars;  // from the plan; override the config's vars
};

Result<EngineConfig> parse_engine_config(const std::string& yaml_text, const std::string& file);
Result<EngineConfig> load_engine_config(const std::string& path);

// The exact argv the engine is started with.
std::vector<std::string> engine_argv(const EngineConfig& c, const ArgvContext& ctx);
std::vector<std::string> probe_argv(const EngineConfig& c, const ArgvContext& ctx);
std::vector<std::string> version_argv(const EngineConfig& c, const ArgvContext& ctx);
// The version argv a config gets when it names none (see EngineSpec::version).
std::vector<std::string> default_version_argv(const EngineSpec& e);
// True if the config says so (engine.dummy_weights) or its args load dummy
// weights (`--load-format dummy` / `--load-format=dummy`): such a run can
// never be unlabelled by forgetting the field.
bool uses_dummy_weights(const EngineConfig& c);
// Every "--flag" named in args (without "=value") plus requires_flags, deduplicated.
std::vector<std::string> flags_to_probe(const EngineConfig& c);
std::string substitute(const std::string& s, const EngineConfig& c, const ArgvContext& ctx);

}  // namespace l4lab::engine
