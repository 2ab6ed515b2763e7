#include "matrix/run_order.h"

namespace l4lab::matrix {

namespace {

uint64_t splitmix64(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Unbiased integer in [0, n) by rejection.
uint64_t below(uint64_t& s, uint64_t n) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = splitmix64(s);
  while (x >= limit);
  return x % n;
}

}  // namespace

std::vector<RunKey> order_runs(int n_configs, int trials, const std::string& kind, uint64_t seed) {
  std::vector<RunKey> out;
  if (kind == "sequential") {
    for (int c = 0; c < n_configs; ++c)
      for (int t = 1; t <= trials; ++t) out.push_back({c, t});
    return out;
  }
  for (int t = 1; t <= trials; ++t)
    for (int c = 0; c < n_configs; ++c) out.push_back({c, t});
  if (kind == "shuffled") {
    uint64_t s = seed;
    for (size_t i = out.size(); i > 1; --i) std::swap(out[i - 1], out[below(s, i)]);
  }
  return out;
}

}  // namespace l4lab::matrix
