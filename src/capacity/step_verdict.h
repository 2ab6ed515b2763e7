// One capacity step's verdict (docs/CAPACITY.md#verdict): was the asked load
// really offered, does each SLO hold (point verdict), and how sure is that
// (one-sided bounds on the fraction of requests beyond each limit).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "capacity/binomial_bound.h"
#include "capacity/evidence.h"
#include "capacity/slo.h"
#include "traces/trace_record.h"

namespace l4lab::capacity {

// One measured request, reduced to what the verdict needs. Latencies are
// from the SCHEDULED send time (an open-loop client that falls behind adds
// its lag to what the user waited: no coordinated omission); TPOT as
// metrics::tpot_ms, 0 for a one-token answer (as vLLM's goodput does).
struct RequestOutcome {
  bool ok = false;
  double ttft_ms = 0, tpot_ms = 0, e2e_ms = 0;
  double lag_ms = 0;  // t_sent - t_scheduled
  int64_t t_scheduled_ns = 0;
  int64_t t_sent_ns = 0;
};

struct StepData {
  double asked_rate = 0;                 // requests/s
  std::vector<RequestOutcome> measured;  // phase measured, sent, in scheduled order
  size_t measured_not_sent = 0;          // measured-phase requests never sent
  size_t cut_by_stop = 0;                // cancelled when the step was ended early
};

// From a step's traces (warm-up and cool-down phases left out).
StepData step_data_from_traces(std::span<const traces::TraceRecord> traces, double asked_rate);

// Was the asked load offered? The schedule fixes the arrival process; the
// client offered it if it sent every measured request and its lag behind
// the schedule is small against the gaps between arrivals:
//   p99(lag) <= max(10 ms, 10% of the mean gap 1/rate).
struct LoadCheck {
  double scheduled_rate = 0;  // measured requests / span of their scheduled times
  double delivered_rate = 0;  // the same over their actual send times
  double lag_p99_ms = 0;
  double lag_limit_ms = 0;
  size_t not_sent = 0;
  bool offered = false;
  std::string why;  // when not offered
};
LoadCheck check_load(const StepData& d);

struct SloOutcome {
  std::string slo;          // "ttft_p95_ms=2000" / "goodput=0.9"
  double value = 0;         // the percentile in ms / the good fraction
  double allowed = 0;       // the allowed fraction beyond the limit
  ProportionBounds beyond;  // requests beyond the limit (failures count as beyond)
  bool pass = false;        // point verdict: value within the limit
  Evidence evidence = Evidence::undecided;
};

struct StepVerdict {
  size_t n = 0;
  LoadCheck load;
  bool saturated = false;
  double confidence = 0;  // of each one-sided bound
  std::vector<SloOutcome> slos;
  bool pass = false;  // offered, not saturated, every SLO's point verdict holds
  Evidence evidence = Evidence::undecided;
  std::string reason;  // one line: why it passed or failed
};

// conf: each one-sided bound's confidence. The default 1 - 0.025 / 20 is a
// Bonferroni share: a search runs at most 20 steps (SearchOptions), so the
// chance that ANY step gives a wrong confident verdict on one side is at
// most 2.5% (if the per-step bounds hold), and the interval's two ends
// together hold with at least 95% (capacity_estimate.h).
StepVerdict judge_step(const StepData& d, const SloSet& slos, bool saturated,
                       double conf = 0.99875);

}  // namespace l4lab::capacity
