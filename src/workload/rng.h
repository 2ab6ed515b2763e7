// A small seeded generator whose sequence is fixed by this file alone (the
// standard <random> distributions differ between library versions, and the
// workload must be byte-identical wherever it is built).
#pragma once

#include <cstdint>
#include <string_view>

namespace l4lab {

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  // SplitMix64.
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0 (modulo bias below n / 2^64: negligible here).
  uint64_t below(uint64_t n) { return next() % n; }
  // Uniform in [lo, hi] inclusive.
  int64_t range(int64_t lo, int64_t hi) { return lo + int64_t(below(uint64_t(hi - lo + 1))); }
  // Uniform in [0, 1).
  double unit() { return double(next() >> 11) * 0x1.0p-53; }
  template <typename C>
  const auto& pick(const C& c) {
    return c[below(c.size())];
  }

 private:
  uint64_t s_;
};

// Derives independent stream seeds: mix(seed, "summarisation", 3).
inline uint64_t mix_seed(uint64_t seed, std::string_view label, uint64_t index = 0) {
  uint64_t h = 1469598103934665603ull ^ seed;  // FNV-1a over the label, then SplitMix
  for (unsigned char c : label) h = (h ^ c) * 1099511628211ull;
  Rng r(h ^ (index * 0x9E3779B97F4A7C15ull));
  r.next();
  return r.next();
}

}  // namespace l4lab
