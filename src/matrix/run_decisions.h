// The decisions of one run (run_executor.cpp), pure: whether the probe lets
// the engine start, the bench's argv, and the outcome from how the bench and
// the engine ended. The executor gathers the facts (exit statuses, log
// tails, bench.json) and follows these.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/child_process.h"
#include "engine/engine_config.h"
#include "engine/flag_probe.h"
#include "matrix/plan.h"
#include "matrix/run_manifest.h"

namespace l4lab::matrix {

// "l4lab received signal N".
Outcome interrupted_outcome(int signal);

// Before the engine starts: interrupted (signal != 0; a probe cut short says
// nothing about the engine), the probe could not run, or the engine lacks a
// flag the configuration needs. nullopt: start it.
std::optional<Outcome> probe_verdict(const engine::ProbeResult& probe, int signal);

// The bench child's argv: the plan's bench command, the lab's --endpoint,
// --workload and --out, then the plan's bench args (variables substituted).
std::vector<std::string> bench_argv(const Plan& plan, const engine::EngineConfig& cfg,
                                    const engine::ArgvContext& actx, const std::string& endpoint,
                                    const std::string& workload, const std::string& run_dir);

// The value after `flag` in argv (e.g. --seed 7, or --seed=7), if any.
std::optional<std::string> flag_value(const std::vector<std::string>& argv,
                                      const std::string& flag);

// The seed the bench's schedule used (its --seed), when given as a number.
std::optional<long> schedule_seed(const std::vector<std::string>& bench_argv);

// How a run ended, as the executor saw it after the bench.
struct RunEnd {
  std::optional<engine::ExitStatus> engine_death;  // the engine died during the run
  std::string engine_log;                          // engine.log, for the death's cause
  std::string engine_log_tail;                     // its last lines, for the evidence
  engine::ExitStatus bench_exit;
  bool bench_timed_out = false;  // stopped after bench.timeout_s
  std::string bench_log_tail;
  std::optional<std::string> bench_json;  // the run's bench.json, when readable
};

// The outcome: an engine death first, then a bench timeout, then the
// bench's exit (1: its own rule, failure_budget unless bench.json names
// another reason).
Outcome run_end_verdict(const RunEnd& end);

}  // namespace l4lab::matrix
