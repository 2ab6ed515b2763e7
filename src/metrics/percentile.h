// Percentiles with one named method: numpy's default, method='linear'
// (Hyndman & Fan type 7). For sorted x[0..n-1] and q in [0,100]:
//   h = (n-1) * (q/100), lo = floor(h), g = h - lo,
//   value = x[lo] + g * (x[lo+1] - x[lo])
// evaluated exactly as numpy's _lerp does (the g >= 0.5 branch subtracts from
// the upper neighbour) so results agree with np.percentile bit for bit.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace l4lab::metrics {

inline constexpr const char* kPercentileMethod = "numpy linear (Hyndman-Fan type 7)";

// `sorted` must be ascending and non-empty.
double percentile_sorted(std::span<const double> sorted, double q);

// Interpolates between two order statistics already found (used by the
// bootstrap, which finds x[lo] and x[lo+1] without sorting).
double lerp_numpy(double a, double b, double g);

// Rank decomposition of percentile q for n samples: h = (n-1)*q/100.
struct PercentileRank {
  size_t lo = 0;
  size_t hi = 0;
  double g = 0;
};
PercentileRank percentile_rank(size_t n, double q);

// Sorts a copy and returns percentile q; NaN when empty.
double percentile(std::vector<double> values, double q);

// Percentiles qs of `values` by selection (nth_element on shrinking ranges,
// no full sort); reorders `values`. Same results as percentile_sorted on a
// sorted copy: order statistics do not depend on how they are found.
std::vector<double> select_percentiles(std::vector<double>& values, std::span<const double> qs);

// How many samples lie strictly beyond the q-th percentile's rank: the
// evidence a tail percentile rests on.
size_t samples_beyond(size_t n, double q);

}  // namespace l4lab::metrics
