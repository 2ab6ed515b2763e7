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
// An upper end set by a SATURATED step rests on the saturation heuristic
// (saturation.h), which carries no stated confidence: upper_from_saturation
// says so, and every output that prints the interval names it. On the H200,
// C1 searched with two schedule seeds had its upper end at 14.05 req/s
// (saturated) in one and passed 14.67 req/s (577 requests, every SLO with
// evidence) in the other (docs/CAPACITY.md#two-schedule-seeds).
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
  bool saturated = false;  // the step's fail came from the saturation check
};

struct CapacityEstimate {
  std::optional<double> capacity_rps;    // highest pass below the lowest fail
  std::optional<double> first_fail_rps;  // lowest fail
  std::optional<double> lower_rps;       // the interval's ends; null when no
  std::optional<double> upper_rps;       // step was confident on that side
  std::string note;                      // one line for the user
  bool upper_from_saturation = false;    // upper_rps's step was a saturated one
};

// Said after the interval wherever upper_from_saturation holds.
inline constexpr const char* kUpperFromSaturation =
    " (upper end from a saturation flag: a heuristic, not a bound at the stated confidence)";

CapacityEstimate estimate_capacity(std::span<const StepSummary> steps);

}  // namespace l4lab::capacity
