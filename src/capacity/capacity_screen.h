// The capacity screen's planning and report (docs/CAPACITY.md#screening-with-
// the-twin): each configuration's PREDICTED capacity ranked, its verdict
// against its baseline by the rule of `capacity --plan`
// (capacity_comparison.h), the profile's validation error beside each
// figure, and which configurations a real search should confirm, with the
// exact command. Pure: built from the model-time searches, no I/O.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "capacity/capacity_comparison.h"
#include "capacity/capacity_record.h"
#include "capacity/slo.h"

namespace l4lab::capacity {

// What was screened, with what, copied into capacity_screen.json as given.
struct ScreenHeader {
  std::string plan, profile, profile_sha256, profile_name, hardware;
  std::string source;           // where the profile's figures come from
  std::string validation_note;  // what its errors were measured on
  std::vector<std::string> slos;
  std::string workload;
  size_t workload_requests = 0;
  double step_s = 60, warmup_s = 10, start_rate = 1, resolution = 0.02;
  int max_steps = 20;
  uint64_t seed = 1;
  std::vector<std::string> transfer_assumptions;  // --hardware
  std::vector<std::string> argv;
};

// One configuration's search on the model.
struct ScreenedConfig {
  ConfigCapacity capacity;  // status "predicted", or why the model has no answer
  std::vector<StepRecord> steps;
  std::string stop_reason;
  size_t most_requests = 0;  // the largest step's requests (the real search needs that many)
  // The profile's held-out relative error for each SLO's metric
  // in the SLOs' order ("ttft_p95_ms" -> 0.12; none when never validated
  // for this configuration).
  std::vector<std::pair<std::string, std::optional<double>>> errors;
  std::vector<std::string> caveats;  // flags not modelled, mechanisms not validated
};

// "ttft_p95_ms" for ttft_p95_ms=2000: the metric whose validation error
// applies to a latency SLO (goodput has none).
std::vector<std::string> slo_error_metrics(const SloSet& slos);

// 1-based rank by PREDICTED capacity, highest first (ties: plan order);
// 0 for a configuration without a predicted capacity.
std::vector<int> capacity_ranks(const std::vector<ScreenedConfig>& configs);

struct ConfirmAdvice {
  std::vector<std::string> configs;  // top_n by rank, then the baselines they are compared with
  std::string command;               // `l4lab capacity --plan ... --only ...`
  std::string why;
};
// The top `top_n` ranked configurations and each one's baseline (when it is
// in the plan), so the real search gives their verdicts too; the command
// runs the same search (its options as the screen's) on the real engines.
ConfirmAdvice confirm_advice(const ScreenHeader& h, const std::vector<ScreenedConfig>& configs,
                             size_t top_n);

nlohmann::json screen_json(const ScreenHeader& h, const std::vector<ScreenedConfig>& configs,
                           const ConfirmAdvice& advice, double wall_s);
std::string screen_markdown(const ScreenHeader& h, const std::vector<ScreenedConfig>& configs,
                            const ConfirmAdvice& advice, double wall_s);

}  // namespace l4lab::capacity
