// Where a serve-sim profile's numbers come from and how wrong they are known
// to be, in one sentence (pure): a hand-written profile is first principles
// from a datasheet and never checked; a calibrated one names its fit and its
// held-out error; a transferred one says it was not validated on its GPU; the
// exact and queue modes are test servers, not models of a GPU. serve-sim
// prints it at start-up ("INFO serve-sim profile source: ..."), so every run's
// engine.log carries it and the report quotes it (docs/SERVE_SIM.md#profiles).
#pragma once

#include <string>

#include "sim/sim_profile.h"

namespace l4lab::sim {

std::string profile_provenance(const SimProfile& p);

// The prefix serve-sim prints before it in engine.log.
inline constexpr const char* kProfileSourcePrefix = "INFO serve-sim profile source: ";

}  // namespace l4lab::sim
