// Stateless seeded randomness: every random choice in serve-sim is a hash of
// (seed, request, position), so a run is reproducible whatever the arrival
// interleaving. The mixer is the lab's one splitmix64 (common/random.h,
// docs/RANDOM.md).
#pragma once

#include <cstdint>

#include "common/random.h"

namespace l4lab::sim {

inline uint64_t mix64(uint64_t a, uint64_t b, uint64_t c = 0) {
  return splitmix64_mix(splitmix64_mix(splitmix64_mix(a) ^ b) ^ c);
}

// Uniform in [0, 1): the top 53 bits times 2^-53, as Rng::unit().
inline double unit_double(uint64_t h) { return double(h >> 11) * 0x1.0p-53; }

}  // namespace l4lab::sim
