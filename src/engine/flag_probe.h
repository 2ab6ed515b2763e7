// Honesty about flags, before a run: does the installed engine accept every
// flag the configuration uses? The engine's help text is the evidence.
#pragma once

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

// Runs the config's probe argv (60 s limit) and judges every flag.
ProbeResult probe_engine(const EngineConfig& c, const ArgvContext& ctx);

}  // namespace l4lab::engine
