#include "matrix/run_decisions.h"

#include <nlohmann/json.hpp>

#include "engine/engine_log.h"

namespace l4lab::matrix {

namespace {

// bench.json's outcome.exit_reason, "" when absent.
std::string exit_reason(const std::optional<std::string>& bench_json) {
  if (!bench_json) return "";
  auto j = nlohmann::json::parse(*bench_json, nullptr, false);
  if (j.is_object() && j.contains("outcome") && j["outcome"].is_object() &&
      j["outcome"].contains("exit_reason") && j["outcome"]["exit_reason"].is_string())
    return j["outcome"]["exit_reason"].get<std::string>();
  return "";
}

}  // namespace

std::optional<std::string> flag_value(const std::vector<std::string>& argv,
                                      const std::string& flag) {
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == flag && i + 1 < argv.size()) return argv[i + 1];
    if (argv[i].rfind(flag + "=", 0) == 0) return argv[i].substr(flag.size() + 1);
  }
  return std::nullopt;
}

Outcome interrupted_outcome(int signal) {
  return {"interrupted", "l4lab received signal " + std::to_string(signal), "", std::nullopt};
}

std::optional<Outcome> probe_verdict(const engine::ProbeResult& probe, int signal) {
  if (signal != 0) return interrupted_outcome(signal);
  if (!probe.ran) return Outcome{"start_failed", probe.reason, probe.evidence, std::nullopt};
  if (!probe.missing.empty())
    return Outcome{"unsupported", probe.reason, probe.evidence, std::nullopt};
  return std::nullopt;
}

std::vector<std::string> bench_argv(const Plan& plan, const engine::EngineConfig& cfg,
                                    const engine::ArgvContext& actx, const std::string& endpoint,
                                    const std::string& workload, const std::string& run_dir) {
  std::vector<std::string> argv;
  for (const auto& a : plan.bench_command) argv.push_back(engine::substitute(a, cfg, actx));
  for (const auto& a :
       std::vector<std::string>{"--endpoint", endpoint, "--workload", workload, "--out", run_dir})
    argv.push_back(a);
  for (const auto& a : plan.bench_args) argv.push_back(engine::substitute(a, cfg, actx));
  return argv;
}

std::optional<long> schedule_seed(const std::vector<std::string>& bench_argv) {
  if (auto s = flag_value(bench_argv, "--seed")) {
    try {
      return std::stol(*s);
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

Outcome run_end_verdict(const RunEnd& end) {
  if (const auto& d = end.engine_death) {
    auto v = engine::classify_death(*d, end.engine_log, "crashed");
    return {v.status, "the engine died during the run (" + d->describe() + ")",
            v.evidence + "\nengine.log tail:\n" + end.engine_log_tail,
            d->exited ? std::optional<int>(d->code) : std::nullopt};
  }
  const std::string evidence = "bench.log tail:\n" + end.bench_log_tail;
  if (end.bench_timed_out)
    return {"bench_failed", "the bench did not finish within bench.timeout_s", evidence,
            std::nullopt};
  const auto& b = end.bench_exit;
  if (b.success()) return {"ok", "", "", 0};
  const std::optional<int> code = b.exited ? std::optional<int>(b.code) : std::nullopt;
  if (b.exited && b.code == 1) {
    // Exit 1 is a run that failed by its own rule (docs/BENCH.md): the budget
    // spent, no measured request succeeded, or interrupted; bench.json says which.
    const std::string why = exit_reason(end.bench_json);
    const bool budget = why.empty() || why.find("budget") != std::string::npos;
    return {budget ? "failure_budget" : "bench_failed",
            "the bench exited 1: " + (why.empty() ? "its failure budget was spent" : why), evidence,
            code};
  }
  return {"bench_failed", "the bench failed (" + b.describe() + ")", evidence, code};
}

}  // namespace l4lab::matrix
