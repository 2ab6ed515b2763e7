// What `l4lab capacity` keeps of a search: capacity.json and the table it
// prints (docs/CAPACITY.md#capacity-json). Pure: built from the steps'
// verdicts, no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capacity/capacity_estimate.h"
#include "capacity/saturation.h"
#include "capacity/slo.h"
#include "capacity/step_verdict.h"

namespace l4lab::capacity {

struct StepRecord {
  int index = 0;    // 1-based
  std::string dir;  // relative to the capacity folder: step-NN-rate-X/trial-1
  double rate = 0;
  StepVerdict verdict;
  Saturation saturation;
  bool ended_early = false;
  bool counted = true;  // false: the load was not offered; the step was run again
  double wall_s = 0;
  std::string bench_status;  // bench.json outcome.status
  int bench_exit = 0;
};

nlohmann::json step_json(const StepRecord& s);
// The whole document; `header` holds the command's inputs (url, workload,
// options), copied in as given.
nlohmann::json capacity_json(const nlohmann::json& header, const SloSet& slos,
                             const std::vector<StepRecord>& steps, const CapacityEstimate& est,
                             const std::string& stop_reason);
// A fixed-width table: one line per step, then the capacity and interval.
std::string capacity_table(const std::vector<StepRecord>& steps, const CapacityEstimate& est,
                           const std::string& stop_reason);

// capacity.md: the capacity, its interval and what it means, the SLOs, and
// why each step passed or failed, with links to the step run folders.
std::string capacity_markdown(const nlohmann::json& header, const SloSet& slos,
                              const std::vector<StepRecord>& steps, const CapacityEstimate& est,
                              const std::string& stop_reason);

// What the interval means, word for word in capacity.json and the docs.
inline constexpr const char* kIntervalMeaning =
    "[lower, upper]: upper is the lowest rate whose step failed with evidence (a one-sided "
    "lower bound on the fraction of requests beyond a limit exceeds the allowed fraction, or "
    "the step saturated); lower is the highest rate below it whose step passed with evidence "
    "(every SLO's one-sided upper bound within its allowed fraction). Each bound is at "
    "confidence 1 - 0.025/max_steps and the more cautious of Clopper-Pearson and batch means "
    "(5 batches, Student t), so clustered violations count less. If the fraction beyond each "
    "limit does not fall as the rate rises, the rate at which the SLOs stop holding lies in "
    "[lower, upper] with probability >= 95% (each end <= 2.5%, union bound over the steps). "
    "An upper end from a saturated step (upper_from_saturation) is outside that statement: the "
    "saturation check is a heuristic without a stated confidence. MEASURED COVERAGE IS FAR "
    "BELOW 95% WHEN STEPS ARE SHORTER THAN THE QUEUE'S BUILD-UP: in model time, 40 s steps held "
    "the long-run capacity in 2-4 of 20 searches, 300 s steps in 19 of 20 (C1) and 12 of 17 (C8) "
    "(docs/CAPACITY.md#coverage); use 300 s steps and other seeds before relying on it. "
    "null: no step was confident on that side.";

}  // namespace l4lab::capacity
