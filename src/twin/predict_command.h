// `l4lab predict PLAN --profile P --out DIR` as a function (docs/TWIN.md):
// src/cli/twin_commands.cpp parses the command line into PredictOptions.
#pragma once

#include <string>

#include "twin/predict_setup.h"

namespace l4lab::twin {

// PredictOptions: twin/predict_setup.h (shared with the capacity screen).

// 0 the run folders and predicted.md written; 2 unusable input or a write
// error.
int run_predict(const PredictOptions& o);

}  // namespace l4lab::twin
