// `l4lab predict PLAN --profile P --capacity --slo ... --out D`: the capacity
// search of `l4lab capacity` run for each configuration on the calibrated
// twin in virtual time (docs/CAPACITY.md#screening-with-the-twin).
#pragma once

#include <string>
#include <vector>

#include "capacity/capacity_options.h"
#include "twin/predict_setup.h"

namespace l4lab::twin {

struct ScreenArgs {
  bool capacity = false;             // --capacity: screen instead of one closed-loop run
  std::vector<std::string> slos;     // --slo, as `l4lab capacity`
  std::vector<std::string> only;     // --only C1,C8
  int top = 3;                       // how many to recommend confirming (plus their baselines)
  capacity::CapacityOptions search;  // search, step_s, warmup_s, seed (as `l4lab capacity`)
  std::vector<std::string> argv;
};

// Writes D/capacity_screen.json and .md; returns the exit status (0 every
// configuration screened or refused by the model with a reason; 2 bad input).
int run_capacity_screen(const PredictOptions& a, const ScreenArgs& s);

}  // namespace l4lab::twin
