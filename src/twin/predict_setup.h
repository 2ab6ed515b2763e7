// What `l4lab predict` and its capacity screen (`predict --capacity`) share:
// the plan, the calibrated profile (carried to --hardware when given), the
// workload, the plan's bench options, and one configuration's profile with
// its engine flags applied, its error labels and what no calibration has
// checked (docs/TWIN.md, docs/CAPACITY.md#screening-with-the-twin).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "engine/engine_config.h"
#include "matrix/plan.h"
#include "sim/sim_profile.h"
#include "workload/workload_request.h"

namespace l4lab::twin {

struct PredictOptions {
  std::string plan, profile, out, workload, schedule, hardware;
  int limit = 0;
};

// The bench options of the plan the prediction follows.
struct BenchModel {
  int concurrency = 1;
  uint64_t seed = 0;
  int warmup_requests = 0;
  bool ignore_eos = false;
};
BenchModel bench_model(const std::vector<std::string>& args);

// `path` as given, else relative to the plan file's folder when it exists there.
std::string resolve(const std::string& path, const std::string& plan_file);

// "±4.2%" for a metric of a profile's validation errors, or "error unknown".
std::string err_label(const sim::CalibrationInfo::Errors* errors, const std::string& metric);

// What a configuration asks of the model that no calibration has checked
// (`held_out`: the configuration has held-out errors of its own).
std::vector<std::string> unvalidated_mechanisms(const sim::EngineArgs& e, const sim::SimProfile& p,
                                                bool held_out);

// Everything the prediction reads, loaded and checked.
struct PredictInputs {
  matrix::Plan plan;
  sim::SimProfile base;  // carried to --hardware when given
  std::string profile_sha;
  std::vector<std::string> assumptions;  // of the --hardware transfer
  std::string wl_path, wl_sha;
  std::vector<workload::WorkloadRequest> workload;
  BenchModel bench;
};
Result<PredictInputs> load_inputs(const PredictOptions& a);

// One configuration as the model sees it: the base profile with the
// configuration's vLLM flags applied (the plan's engine_overrides are not:
// they adapt a host, not the engine's knobs).
struct ConfigModel {
  std::string cfg_path;
  engine::EngineConfig cfg;
  sim::SimProfile profile;
  std::vector<std::string> unmodelled;  // flags the model ignores
  std::vector<std::string> unvalidated;
  const sim::CalibrationInfo::Errors* error_list = nullptr;  // into in.base
};
Result<ConfigModel> config_model(const std::string& cfg_path_raw, const PredictInputs& in);

}  // namespace l4lab::twin
