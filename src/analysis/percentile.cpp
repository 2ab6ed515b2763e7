#include "analysis/percentile.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace l4lab::analysis {

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

size_t samples_beyond(size_t n, double q) {
  if (n == 0) return 0;
  const PercentileRank r = percentile_rank(n, q);
  return n - 1 - r.lo;
}

}  // namespace l4lab::analysis
