// `l4lab predict PLAN --profile P --out DIR` as a function (docs/TWIN.md):
// src/cli/twin_commands.cpp parses the command line into PredictOptions.
#pragma once

#include <string>

namespace l4lab::twin {

struct PredictOptions {
  std::string plan, profile, out, workload, schedule, hardware;
  int limit = 0;
};

// 0 the run folders and predicted.md written; 2 unusable input or a write
// error.
int run_predict(const PredictOptions& o);

}  // namespace l4lab::twin
