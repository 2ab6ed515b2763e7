// The order runs happen in. Interleaved (C1 t1, C2 t1, ..., C1 t2, ...) and
// shuffled (a seeded permutation of every run) keep slow drift of the machine
// (thermals, background load) from lining up with one configuration.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace l4lab::matrix {

struct RunKey {
  int config = 0;  // index into the plan's configs
  int trial = 1;   // 1-based
  bool operator==(const RunKey&) const = default;
};

// Same (n, trials, kind, seed) always gives the same order, on any platform
// (the lab's Fisher-Yates over its one stream, common/random.h; std::shuffle's
// is unspecified).
std::vector<RunKey> order_runs(int n_configs, int trials, const std::string& kind, uint64_t seed);

}  // namespace l4lab::matrix
