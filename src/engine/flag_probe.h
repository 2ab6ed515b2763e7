// Honesty about flags, before a run: does the installed engine accept every
// flag the configuration uses? The engine's help text is the evidence.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "engine/engine_config.h"

namespace l4lab::engine {

struct ProbeResult {
  bool ran = false;                  // false: the probe could not run (engine not installed)
  std::vector<std::string> missing;  // flags the help text does not list
  std::string reason;                // one sentence for the manifest
  std::string evidence;              // the probe argv, its exit status and size
};

// Pure: is `flag` listed in help text as a word (followed by space, ',', '=',
// ']', '}' or end of line)? "--port" does not match "--port-range".
bool help_lists_flag(const std::string& help, const std::string& flag);

// Pure: builds the verdict from help text already captured.
ProbeResult judge_probe(const std::vector<std::string>& flags, const std::string& help,
                        const std::string& probe_desc, const std::string& unsupported_note);

// Pure: a probe that exited non-zero and lists none of the flags did not
// print the engine's help (e.g. `python3 -m vllm...` without vLLM: "No module
// named vllm"). Its verdict is "could not run", not "every flag unsupported".
ProbeResult judge_failed_probe(const std::vector<std::string>& flags, const std::string& output,
                               const std::string& probe_desc, bool exited_ok);

// The probe command's captured run, shared by configurations with the same
// probe argv (vLLM's `--help=all` imports the whole engine: seconds to minutes).
struct ProbeRun {
  std::string error;  // could not run / timed out / no output
  std::string output;
  std::string status;    // exit description
  bool success = false;  // exited 0
};
using ProbeCache = std::map<std::string, ProbeRun>;  // keyed by probe_cache_key
std::string probe_cache_key(const std::vector<std::string>& argv);

// Runs the config's probe argv (probe.timeout_s, default 300 s) once per
// distinct argv (with a cache) and judges every flag.
ProbeResult probe_engine(const EngineConfig& c, const ArgvContext& ctx,
                         ProbeCache* cache = nullptr);

}  // namespace l4lab::engine
