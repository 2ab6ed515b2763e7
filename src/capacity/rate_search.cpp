#include "capacity/rate_search.h"

#include <fmt/format.h>

#include <cmath>

namespace l4lab::capacity {

bool RateSearch::converged() const { return bracketed() && hi_ / lo_ - 1 <= o_.resolution; }

std::optional<double> RateSearch::confirm_rate() const {
  if (o_.confirm <= 0) return std::nullopt;
  double lowest_fail = std::numeric_limits<double>::infinity();
  for (const auto& s : steps_)
    if (s.evidence == Evidence::fail) lowest_fail = std::min(lowest_fail, s.rate);
  double highest_pass = 0;
  for (const auto& s : steps_)
    if (s.evidence == Evidence::pass && s.rate < lowest_fail)
      highest_pass = std::max(highest_pass, s.rate);
  // The next confirmation rate on each side, unless a step already ran
  // there or closer with evidence.
  const double up = hi_ * (1 + o_.confirm * double(1 << std::min(confirm_up_, 20)));
  if (lowest_fail > up * (1 + 1e-9) && up <= o_.max_rate) return up;
  const double down = lo_ / (1 + o_.confirm * double(1 << std::min(confirm_down_, 20)));
  if (highest_pass < down * (1 - 1e-9) && down >= o_.min_rate) return down;
  return std::nullopt;
}

std::optional<double> RateSearch::next_rate() const {
  if (int(steps_.size()) >= o_.max_steps) return std::nullopt;
  if (steps_.empty()) return std::min(o_.start_rate, o_.max_rate);
  if (bracketed()) {
    if (converged()) return confirm_rate();
    return std::sqrt(lo_ * hi_);
  }
  if (lo_ > 0) {  // ramping up: nothing has failed yet
    if (lo_ >= o_.max_rate) return std::nullopt;
    return std::min(lo_ * o_.factor, o_.max_rate);
  }
  // ramping down: nothing has passed yet
  const double r = hi_ / o_.factor;
  if (r < o_.min_rate) return std::nullopt;
  return r;
}

void RateSearch::record(double rate, bool pass, Evidence evidence) {
  if (converged()) {
    // A confirmation step: it counts for the interval, and moves the
    // bracket only as any step would.
    if (rate > hi_) ++confirm_up_;
    if (rate < lo_) ++confirm_down_;
  }
  steps_.push_back({rate, pass, evidence});
  // A pass above a fail (noise near the boundary) moves the bracket up only
  // if it lies inside it; the bracket stays [highest pass below the lowest
  // fail, lowest fail].
  if (pass) {
    if (rate < hi_ && rate > lo_) lo_ = rate;
  } else {
    if (rate < hi_) hi_ = rate;
    if (lo_ >= hi_) {
      // A fail at or below the current pass: keep the highest pass below it.
      lo_ = 0;
      for (const auto& s : steps_)
        if (s.pass && s.rate < hi_ && s.rate > lo_) lo_ = s.rate;
    }
  }
}

std::string RateSearch::stop_reason() const {
  if (converged())
    return fmt::format(
        "bracket [{:.4g}, {:.4g}) req/s is within the resolution {:.3g}{}", lo_, hi_, o_.resolution,
        confirm_rate() ? "; the interval still lacks a confident step on one side" : "");
  if (int(steps_.size()) >= o_.max_steps)
    return fmt::format("the step limit ({}) was reached", o_.max_steps);
  if (lo_ > 0 && !bracketed())
    return fmt::format("every step passed up to --max-rate {:.4g} req/s", o_.max_rate);
  if (lo_ == 0 && !steps_.empty())
    return fmt::format("every step failed down to {:.4g} req/s", hi_);
  return "not started";
}

}  // namespace l4lab::capacity
