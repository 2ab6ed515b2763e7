// The calibration section `l4lab calibrate` writes into a calibrated profile
// (docs/TWIN.md): the tool, command and sources; the step-cost fits with
// their residuals and the request-overhead bisection; what each fitted
// figure identifies; and the validation error per metric over held-out
// runs. Pure: the fits and the scored runs in, YAML text out.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "twin/load_comparison.h"
#include "twin/run_evidence.h"
#include "twin/step_fit.h"

namespace l4lab::twin {

// One run predicted with the calibrated profile, against its measurement.
struct ScoredRun {
  const RunEvidence* run = nullptr;
  bool held_out = false;  // a --validate run, not fitted
  std::vector<ErrorRow> rows;
  std::vector<std::string> unmodelled;  // its engine flags the model ignores
  long kv_capacity_model = 0;
  double kv_capacity_log = 0;  // 0 when the log did not say
  // The request_ms at which this run alone would be predicted at its measured
  // median TTFT (a diagnostic: a constant per-request overhead fits every
  // load only if these agree).
  double implied_request_ms = 0;
};

// The per-request overhead, bisected to the measured median TTFT.
struct RequestOverheadFit {
  double request_ms = 0;
  int replays = 0;
  double measured_median_ms = 0;
  size_t measured_requests = 0;
  // Fitted only from runs at two or more concurrencies (fit_inflight_slope):
  // the hand-off's growth per request already in the engine, and each fitted
  // run's (concurrency, implied request_ms) it came from.
  double per_inflight_ms = 0;
  std::vector<std::pair<int, double>> implied_by_run;
};

struct CalibrationSection {
  const std::string& command_line;
  const std::string& base_profile;
  int window_intervals = 0;
  const std::vector<RunEvidence>& fitted;  // the first one's configuration is the base
  const std::vector<RunEvidence>& held;
  const std::string& fp8_config;  // "" when no run fitted the fp8-weights knob
  const StepCostFit& fit;
  const std::optional<StepCostFit>& fp8_fit;
  const std::string& eager_config;  // "" when no run fitted overheads.eager_extra_ms
  const std::optional<StepCostFit>& eager_fit;
  const std::vector<std::string>& notes;
  const RequestOverheadFit& request;
  double client_gap_ms = 0;
  const std::vector<ScoredRun>& scored;  // fitted runs first, then held-out ones
};

std::string calibration_section_yaml(const CalibrationSection& s);

}  // namespace l4lab::twin
