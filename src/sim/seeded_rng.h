// Stateless seeded randomness: every random choice in serve-sim is a hash of
// (seed, request, position), so a run is reproducible whatever the arrival
// interleaving.
#pragma once

#include <cstdint>

namespace l4lab::sim {

inline uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline uint64_t mix64(uint64_t a, uint64_t b, uint64_t c = 0) {
  return splitmix64(splitmix64(splitmix64(a) ^ b) ^ c);
}

// Uniform in [0, 1).
inline double unit_double(uint64_t h) { return double(h >> 11) * 0x1.0p-53; }

}  // namespace l4lab::sim
