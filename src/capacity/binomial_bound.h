// One-sided Clopper-Pearson bounds on a proportion, the evidence a capacity
// step's verdict rests on (docs/CAPACITY.md#certainty). MLPerf LoadGen uses
// the same binomial reasoning for its early stopping on tail latency.
//
// Requests of one step are not independent: a queue's busy period makes
// violations come in clusters. bound_clustered() therefore also computes
// the batch-means interval (Law & Kelton): consecutive requests are cut
// into B batches, and the mean of the batch proportions +- Student's t
// (B - 1 degrees of freedom) x their standard error; the t quantile pays
// for the variance being estimated from B batches. Each bound is the more
// cautious of the two (binomial and batch means), so clustered violations
// widen the bounds instead of passing for independent evidence.
#pragma once

#include <cstddef>
#include <vector>

namespace l4lab::capacity {

// Regularized incomplete beta I_x(a, b), a, b > 0, x in [0, 1].
double incomplete_beta(double a, double b, double x);
// Student's t quantile: the t with P(T_df <= t) = p, p in (0.5, 1).
double student_t_quantile(double df, double p);

// Clopper-Pearson one-sided bounds at confidence `conf` (e.g. 0.975) for k
// successes of n trials; k and n may be fractional (an effective sample).
// upper: the p with P(Bin(n, p) <= k) = 1 - conf (1 when k >= n);
// lower: the p with P(Bin(n, p) >= k) = 1 - conf (0 when k <= 0).
double cp_upper(double k, double n, double conf);
double cp_lower(double k, double n, double conf);

struct ProportionBounds {
  size_t n = 0, k = 0;
  double fraction = 0;          // k / n
  double inflation = 1;         // batch-means variance / binomial variance, >= 1
  double n_eff = 0;             // n / inflation (reported; the bounds below decide)
  double lower = 0, upper = 1;  // one-sided bounds at `conf` each
};

// `hits` in request order (true = the event, e.g. an SLO violation).
// `batches` consecutive batches (batch means left out when n is too small
// for batches of at least 10 requests). Fewer, longer batches catch longer
// correlations: 5 (t with 4 degrees of freedom) is what the known-answer
// coverage needed (docs/CAPACITY.md#known-answer); 10 and 20 covered less.
ProportionBounds bound_clustered(const std::vector<bool>& hits, double conf, size_t batches = 5);

}  // namespace l4lab::capacity
