#include "matrix/run_order.h"

#include "common/random.h"

namespace l4lab::matrix {

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
    Rng rng(seed);
    rng.shuffle(out.begin(), out.end());
  }
  return out;
}

}  // namespace l4lab::matrix
