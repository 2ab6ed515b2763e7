// A calibrated profile carried to a GPU that was not measured (pure): the
// target's published figures (memory, bandwidth, tensor throughput per
// dtype, PCIe) replace the measured GPU's, and everything fitted is kept as
// a property of the engine and the kernels rather than of the GPU: the
// bandwidth and compute efficiencies, the per-step, per-sequence, per-request
// and fp8 overheads, the activation reserve. The attention term, fitted as
// a time, is scaled by the ratio of BF16 tensor throughputs. Each of these
// is an assumption no measurement here checks; they are returned, and the
// profile's validation errors are dropped (a prediction from it says "error
// unknown"), so nothing it produces can pass for validated.
#pragma once

#include <string>
#include <vector>

#include "sim/sim_profile.h"

namespace l4lab::twin {

struct TransferredProfile {
  sim::SimProfile profile;
  std::vector<std::string> assumptions;
};

TransferredProfile transfer_profile(const sim::SimProfile& calibrated,
                                    const sim::HardwareShape& target);

}  // namespace l4lab::twin
