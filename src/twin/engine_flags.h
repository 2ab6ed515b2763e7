// vLLM command-line flags -> serve-sim engine arguments (pure): how the twin
// reads a measured run's engine argv (run_manifest.json) or a configuration's
// args (configs/vllm/Cn.yaml) to predict it. The flags serve-sim models
// change the engine arguments; the flags that only place the server (host,
// port, model path, served name, seed, tokenizer, load format) are ignored;
// any other flag is returned in `unmodelled`, so a prediction says which of
// the run's settings it could not follow.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "sim/sim_profile.h"

namespace l4lab::twin {

struct FlagsApplied {
  std::vector<std::string> unmodelled;  // e.g. "--swap-space 4"
};

// argv may start with the command (vllm serve MODEL ...): words before the
// first "--" flag are skipped. Errors name the flag and its bad value.
Result<FlagsApplied> apply_vllm_flags(sim::EngineArgs& e, const std::vector<std::string>& argv);

}  // namespace l4lab::twin
