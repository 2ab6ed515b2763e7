// Seeded two-stage bootstrap over requests (docs/METRICS.md#intervals).
//
// One resample of a configuration with T trials:
//   1. if T > 1, draw T trials with replacement: trial[i] = rng.below(T),
//      i = 0..T-1 (so run-to-run variation widens the interval);
//   2. for each drawn trial in order, draw its n_t measured requests with
//      replacement: r = rng.below(n_t), j = 0..n_t-1.
// Every statistic of the resample is computed from those same draws:
// percentiles of TTFT/TPOT/E2E over the drawn ok requests (numpy 'linear'),
// throughputs = drawn totals / sum of the drawn trials' windows, success
// rate, goodput. The interval is the percentile interval of the B resampled
// values. The generator is Rng(seed ^ fnv1a64(config name)) (common/random.h), so a
// configuration's interval does not depend on the others.
//
// Speed: no resample is ever sorted. Each metric's ok values are sorted once;
// a draw increments a count at the value's rank, and one walk over the counts
// finds the order statistics every percentile needs (O(n) per resample).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/analysis_options.h"
#include "analysis/run_data.h"

namespace l4lab::analysis {

enum class Stat {
  request_throughput,
  output_throughput,
  total_token_throughput,
  goodput_rps,
  success_rate,
  ttft_p50,
  ttft_p95,
  ttft_p99,
  tpot_p50,
  tpot_p95,
  tpot_p99,
  e2e_p50,
  e2e_p95,
  e2e_p99,
  count_,
};
inline constexpr size_t kStatCount = static_cast<size_t>(Stat::count_);
const char* stat_name(Stat s);   // e.g. "ttft_p95_ms"
const char* stat_label(Stat s);  // e.g. "TTFT p95 (ms)"
bool higher_is_better(Stat s);

// One trial's requests as the bootstrap sees them.
struct TrialInput {
  std::vector<const RequestSample*> requests;  // measured only
  double window_s = 0;
};

struct BootstrapResult {
  int resamples = 0;
  uint64_t stream_seed = 0;
  // Per statistic: the B resampled values (NaN where undefined).
  std::array<std::vector<double>, kStatCount> values;
  std::array<double, kStatCount> lo{}, hi{};  // interval; NaN when undefined or no variance
  // The resamples have no variance: the interval's ends are equal (a fixed
  // count in a closed loop, identical requests). Then lo/hi are NaN: no
  // interval is shown and no verdict is drawn (docs/METRICS.md#intervals).
  std::array<bool, kStatCount> no_variance{};
};

BootstrapResult bootstrap_config(const std::vector<TrialInput>& trials,
                                 const std::string& config_name, const AnalysisOptions& o);

// Percentile interval of `values` (NaNs dropped) at level `confidence`.
std::pair<double, double> percentile_interval(std::vector<double> values, double confidence);

}  // namespace l4lab::analysis
