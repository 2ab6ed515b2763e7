#include "metrics/percentile.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace l4lab::metrics {

double lerp_numpy(double a, double b, double g) {
  const double diff = b - a;
  if (g >= 0.5) return b - diff * (1.0 - g);
  return a + diff * g;
}

PercentileRank percentile_rank(size_t n, double q) {
  PercentileRank r;
  if (n == 0) return r;
  const double quantile = q / 100.0;
  const double h = static_cast<double>(n - 1) * quantile;
  double lo = std::floor(h);
  lo = std::clamp(lo, 0.0, static_cast<double>(n - 1));
  r.lo = static_cast<size_t>(lo);
  r.hi = std::min(r.lo + 1, n - 1);
  r.g = h - lo;
  return r;
}

double percentile_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const PercentileRank r = percentile_rank(sorted.size(), q);
  return lerp_numpy(sorted[r.lo], sorted[r.hi], r.g);
}

double percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return percentile_sorted(values, q);
}

std::vector<double> select_percentiles(std::vector<double>& values, std::span<const double> qs) {
  std::vector<double> out(qs.size(), std::numeric_limits<double>::quiet_NaN());
  const size_t n = values.size();
  if (n == 0) return out;
  std::vector<size_t> ranks;
  for (double q : qs) {
    const PercentileRank r = percentile_rank(n, q);
    ranks.push_back(r.lo);
    ranks.push_back(r.hi);
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  auto first = values.begin();
  size_t prev = n;  // no rank placed yet
  for (size_t r : ranks) {
    const auto it = values.begin() + static_cast<std::ptrdiff_t>(r);
    if (prev != n && r == prev + 1) {
      // The next order statistic is the smallest of the unplaced rest.
      std::iter_swap(it, std::min_element(it, values.end()));
    } else {
      std::nth_element(first, it, values.end());
    }
    first = it + 1;
    prev = r;
  }
  for (size_t k = 0; k < qs.size(); ++k) {
    const PercentileRank r = percentile_rank(n, qs[k]);
    out[k] = lerp_numpy(values[r.lo], values[r.hi], r.g);
  }
  return out;
}

size_t samples_beyond(size_t n, double q) {
  if (n == 0) return 0;
  const PercentileRank r = percentile_rank(n, q);
  return n - 1 - r.lo;
}

}  // namespace l4lab::metrics
