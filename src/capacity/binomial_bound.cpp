#include "capacity/binomial_bound.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace l4lab::capacity {
namespace {

// Continued fraction of I_x(a, b) (modified Lentz), valid for
// x < (a + 1) / (a + b + 2); the caller uses the symmetry otherwise.
double beta_cf(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEps = 1e-15;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < kEps) break;
  }
  return h;
}

// The x in [0, 1] with I_x(a, b) = target, by bisection (I is increasing in x).
double inverse_beta(double a, double b, double target) {
  double lo = 0, hi = 1;
  for (int i = 0; i < 200 && hi - lo > 1e-14; ++i) {
    const double mid = 0.5 * (lo + hi);
    (incomplete_beta(a, b, mid) < target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

double student_t_quantile(double df, double p) {
  // For t > 0: P(T <= t) = 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2; increasing in t.
  double lo = 0, hi = 1e3;
  for (int i = 0; i < 200; ++i) {
    const double t = 0.5 * (lo + hi);
    const double cdf = 1 - 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t));
    (cdf < p ? lo : hi) = t;
  }
  return 0.5 * (lo + hi);
}

double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double ln_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(ln_front);
  if (x < (a + 1) / (a + b + 2)) return front * beta_cf(a, b, x) / a;
  return 1 - front * beta_cf(b, a, 1 - x) / b;
}

// P(Bin(n, p) <= k) = I_{1-p}(n - k, k + 1), so the upper bound solves
// I_p(k + 1, n - k) = conf; the lower bound solves I_p(k, n - k + 1) = 1 - conf.
double cp_upper(double k, double n, double conf) {
  if (n <= 0 || k >= n) return 1;
  return inverse_beta(std::max(k, 0.0) + 1, n - std::max(k, 0.0), conf);
}

double cp_lower(double k, double n, double conf) {
  if (n <= 0 || k <= 0) return 0;
  return inverse_beta(std::min(k, n), n - std::min(k, n) + 1, 1 - conf);
}

ProportionBounds bound_clustered(const std::vector<bool>& hits, double conf, size_t batches) {
  ProportionBounds b;
  b.n = hits.size();
  b.k = size_t(std::count(hits.begin(), hits.end(), true));
  if (b.n == 0) return b;
  b.fraction = double(b.k) / double(b.n);
  b.n_eff = double(b.n);
  b.lower = cp_lower(double(b.k), double(b.n), conf);
  b.upper = cp_upper(double(b.k), double(b.n), conf);
  // Batch means: B batches of m consecutive requests (a tail of < m left
  // out of this part only).
  const size_t m = batches > 0 ? b.n / batches : 0;
  if (batches >= 2 && m >= 10) {
    std::vector<double> means(batches);
    for (size_t i = 0; i < batches; ++i)
      means[i] =
          double(std::count(hits.begin() + long(i * m), hits.begin() + long((i + 1) * m), true)) /
          double(m);
    double mean = 0;
    for (double x : means) mean += x;
    mean /= double(batches);
    double var = 0;
    for (double x : means) var += (x - mean) * (x - mean);
    var /= double(batches - 1);
    const double half =
        student_t_quantile(double(batches - 1), conf) * std::sqrt(var / double(batches));
    b.lower = std::min(b.lower, std::max(0.0, mean - half));
    b.upper = std::max(b.upper, std::min(1.0, mean + half));
    const double f = b.fraction;
    if (f > 0 && f < 1) b.inflation = std::max(1.0, var * double(m) / (f * (1 - f)));
    b.n_eff = double(b.n) / b.inflation;
  }
  return b;
}

}  // namespace l4lab::capacity
