// One (configuration, trial): probe verdict -> engine start -> health ->
// applied check -> metrics before -> warm-up -> [prefix-cache reset] -> bench
// child with telemetry threads -> metrics after -> stop the group -> port
// free -> manifest. Every exit path writes the manifest with its outcome and
// leaves no process of the run behind.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/engine_config.h"
#include "engine/flag_probe.h"
#include "matrix/plan.h"
#include "matrix/run_decisions.h"
#include "matrix/run_manifest.h"
#include "telemetry/host_info.h"

namespace l4lab::matrix {

struct RunContext {
  const Plan* plan = nullptr;
  const engine::EngineConfig* config = nullptr;
  int trial = 1;
  std::string run_dir;
  std::string l4lab_exe;
  WorkloadRef workload;
  telemetry::HostInfo host;
  std::optional<telemetry::CloudInfo> cloud;
  const engine::ProbeResult* probe = nullptr;
  std::string engine_version;
  nlohmann::json scheduler;  // who ran it (Slurm job, node, allocation), or null
};

// Returns the outcome also written to RUN_DIR/run_manifest.json.
Outcome execute_run(const RunContext& ctx, engine::Applied* applied_out = nullptr);

}  // namespace l4lab::matrix
