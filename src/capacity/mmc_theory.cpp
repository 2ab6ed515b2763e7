#include "capacity/mmc_theory.h"

#include <cmath>

namespace l4lab::capacity {

double erlang_c(int c, double a) {
  if (a >= c) return 1;
  // Terms a^k/k! built iteratively (no overflow for the c used here).
  double term = 1, sum = 0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double top = term * c / (c - a);  // term is now a^c / c!
  return top / (sum + top);
}

double mmc_wait_exceeds(int c, double lambda, double mu, double x_s) {
  if (lambda >= c * mu) return 1;
  return erlang_c(c, lambda / mu) * std::exp(-(c * mu - lambda) * x_s);
}

double mmc_capacity(int c, double mu, double x_s, double fraction) {
  // P(wait > x) rises from 0 at lambda = 0 to 1 at c*mu: bisection.
  double lo = 0, hi = c * mu;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (mmc_wait_exceeds(c, mid, mu, x_s) < fraction ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace l4lab::capacity
