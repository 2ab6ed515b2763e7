// Running statistics of a bench run, for the live view, the final table and
// bench.json's summary. Latency metrics use the measured phase only (warmup
// and cooldown are traced but excluded); failure counts cover every phase.
//
// Definitions (all from CLOCK_MONOTONIC stamps in the trace):
//   TTFT        t_first_token - t_sent       (first content chunk, never the role chunk)
//   TTFT_sched  t_first_token - t_scheduled  (open loop: includes the client's lag,
//               i.e. free of coordinated omission; closed loop: from the slot freeing)
//   E2E         t_end - t_sent   (the response fully read, [DONE] included)
//   E2E_sched   t_end - t_scheduled
//   ITL         gaps between successive content chunks of a request (per chunk)
//   TPOT        (t_last_token - t_first_token) / (usage_completion_tokens - 1)
//   lag         t_sent - t_scheduled (scheduling lag), every sent request
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "traces/trace_record.h"

namespace l4lab {

// Linear-interpolated percentile (numpy's default); NaN when empty.
double percentile(std::vector<double> v, double p);

class BenchStats {
 public:
  void add(const TraceRecord& r);

  size_t done() const { return done_; }
  size_t ok() const { return ok_; }
  size_t failures() const { return failures_; }  // cancelled excluded
  size_t measured() const { return measured_; }
  size_t measured_ok() const { return measured_ok_; }
  // Live: p50/p95 of measured TTFT and E2E in ms.
  std::array<double, 4> live_latency() const;

  nlohmann::json summary() const;
  std::string table() const;

 private:
  size_t done_ = 0, ok_ = 0, failures_ = 0, measured_ = 0, measured_ok_ = 0;
  size_t mismatches_ = 0;
  std::map<std::string, size_t> by_phase_;
  std::map<std::string, size_t> failures_by_class_;  // "class/detail"
  int64_t window_start_ = INT64_MAX, window_end_ = INT64_MIN;
  int64_t out_tokens_ = 0, in_tokens_ = 0;
  std::vector<double> ttft_, ttft_sched_, e2e_, e2e_sched_, tpot_, lag_;
  std::vector<float> itl_;
};

}  // namespace l4lab
