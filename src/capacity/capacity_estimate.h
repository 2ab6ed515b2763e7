// The capacity and the certainty statement (docs/CAPACITY.md#certainty),
// from the steps a search ran.
//
// capacity = the highest rate whose step passed below the lowest rate whose
// step failed (the search's bracket: the capacity is in [capacity, first_fail)
// if the verdict is monotone in the rate and each step's verdict were exact).
//
// interval [lower, upper]: upper = the lowest rate whose step FAILED WITH
// EVIDENCE (the one-sided lower bound on the fraction of requests beyond a
// limit exceeds the allowed fraction, or the step saturated); lower = the
// highest rate below upper whose step PASSED WITH EVIDENCE (every SLO's
// upper bound within its allowed fraction). Each bound is at confidence
// 1 - 0.025 / max_steps (step_verdict.h), the more cautious of
// Clopper-Pearson and batch means (binomial_bound.h). What it means: if the
// fraction of requests beyond each limit does not decrease as the rate
// grows, the rate at which the first SLO reaches its limit lies in
// [lower, upper] with probability >= 95% (each end wrong with probability
// <= 2.5% by the union bound over the steps). A missing end (no step
// confident on that side) is reported as null, never guessed.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "capacity/step_verdict.h"

namespace l4lab::capacity {

struct StepSummary {
  double rate = 0;
  bool pass = false;
  Evidence evidence = Evidence::undecided;
};

struct CapacityEstimate {
  std::optional<double> capacity_rps;    // highest pass below the lowest fail
  std::optional<double> first_fail_rps;  // lowest fail
  std::optional<double> lower_rps;       // the interval's ends; null when no
  std::optional<double> upper_rps;       // step was confident on that side
  std::string note;                      // one line for the user
};

CapacityEstimate estimate_capacity(std::span<const StepSummary> steps);

}  // namespace l4lab::capacity
