// Running statistics of a bench run, for the live view, the final table and
// bench.json's summary. Latency metrics use the measured phase only (warmup
// and cooldown are traced but excluded); failure counts cover every phase.
//
// TTFT, E2E, TPOT, ITL, their *_from_scheduled variants and percentiles are
// the lab's one set of definitions (metrics/latency.h, metrics/percentile.h;
// docs/METRICS.md), so bench.json agrees with summary.json and `verify`.
// Only the scheduling lag is bench's own: t_sent - t_scheduled, every sent
// request, all phases.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "traces/trace_record.h"

namespace l4lab::client {

class BenchStats {
 public:
  void add(const traces::TraceRecord& r);
  // Sizes the per-request collectors for a run of `requests` up front, so a
  // long run does not copy them as they double (address space only: pages
  // are touched as values arrive).
  void reserve(size_t requests);

  size_t done() const { return done_; }
  size_t ok() const { return ok_; }
  size_t failures() const { return failures_; }  // cancelled excluded
  size_t measured() const { return measured_; }
  size_t measured_ok() const { return measured_ok_; }
  // "class/detail" -> count, failed requests of every phase.
  const std::map<std::string, size_t>& failures_by_class() const { return failures_by_class_; }
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
  std::vector<double> ttft_, ttft_sched_, e2e_, e2e_sched_, tpot_, lag_, itl_;
  std::vector<int64_t> chunk_t_;  // scratch: one record's chunk stamps
};

}  // namespace l4lab::client
