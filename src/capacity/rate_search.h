// Which arrival rate to try next (docs/CAPACITY.md#search). Pure: it sees
// only (rate, passed) pairs.
//
// 1. Ramp: start_rate, then x factor each step while steps pass (or / factor
//    while they fail, when even the start fails): the first fail after a
//    pass brackets the capacity in log2(capacity / start) steps, whatever
//    its scale.
// 2. Bisect the bracket [last pass, first fail] at its geometric midpoint
//    (rates are a ratio scale: the bracket's relative width halves each
//    step) until hi / lo - 1 <= resolution.
// 3. Confirm: the certainty statement needs a step that passed with evidence
//    below the bracket and one that failed with evidence above it, as close
//    as the data allow (steps near the capacity are often undecided). On
//    each side, step away from the bracket by confirm x 1, 2, 4, ... (5%,
//    10%, 20%, ...) until a step there (or closer) has evidence.
// The answer is the last pass (a rate shown to hold), with the first fail
// above it. If the verdict is monotone in the rate, the capacity lies in
// [lo, hi); noise near the boundary is the certainty statement's business
// (capacity_estimate.h), not the search's.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "capacity/evidence.h"

namespace l4lab::capacity {

struct SearchOptions {
  double start_rate = 1;                                      // requests/s
  double factor = 2;                                          // ramp multiplier, > 1
  double resolution = 0.02;                                   // stop when hi / lo - 1 <= this
  int max_steps = 20;                                         // hard cap on steps
  double max_rate = std::numeric_limits<double>::infinity();  // never ask more
  double min_rate = 1e-3;  // when ramping down, give up below this
  double confirm = 0.05;   // first confirmation step's distance; 0: none
};

struct SearchStep {
  double rate = 0;
  bool pass = false;
  Evidence evidence = Evidence::undecided;
};

class RateSearch {
 public:
  explicit RateSearch(SearchOptions o) : o_(o) {}
  // The next rate to run, or nullopt when done (see stop_reason()).
  std::optional<double> next_rate() const;
  void record(double rate, bool pass, Evidence evidence = Evidence::undecided);
  // Last pass / first fail above it; 0 / +inf when not found.
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  bool bracketed() const { return lo_ > 0 && hi_ < std::numeric_limits<double>::infinity(); }
  const std::vector<SearchStep>& steps() const { return steps_; }
  std::string stop_reason() const;

 private:
  bool converged() const;
  std::optional<double> confirm_rate() const;

  SearchOptions o_;
  std::vector<SearchStep> steps_;
  int confirm_up_ = 0, confirm_down_ = 0;
  double lo_ = 0;
  double hi_ = std::numeric_limits<double>::infinity();
};

}  // namespace l4lab::capacity
