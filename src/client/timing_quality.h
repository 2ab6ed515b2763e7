// The client's self-audit of its own timing (docs/METRICS.md#timing-quality).
// Every stamp the client takes (first token, each chunk) is taken when the
// event loop gets round to a readable socket, so a loop that runs late (a
// busy CPU, a descheduled process) adds its lateness to TTFT and ITL without
// any sign in the traces. A canary timer in the same loop measures that
// lateness as the run goes; this file turns the canary samples and read
// counts into the `timing_quality` object of bench.json and its verdict.
// Pure: no clock, no I/O; BenchRunner collects the samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace l4lab::client {

// The canary fires every period at the same priority as socket reads.
// 2 ms: 500 samples/s (4 kB/s of memory), dense against 10 ms ITLs.
inline constexpr int64_t kCanaryPeriodNs = 2'000'000;
// The verdict threshold: canary lateness p99 above 1 ms means at least 1 in
// 100 stamps may be off by more than 1 ms, the size of the TTFT/ITL tail
// differences a study compares (a 10 ms ITL moves 10%) and the tolerance of
// the known-answer benchmark (bench/client/trace_stats.py).
inline constexpr double kTimingDegradedP99Ms = 1.0;
// Fewer canary samples than this (a run under 0.2 s) hold no p99: their
// "p99" is nearly their maximum, so one late wake-up of a 2-ms run would
// call the whole run degraded. Such runs get "too short to judge".
inline constexpr size_t kTimingMinSamples = 100;

struct LatenessSummary {
  size_t count = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;  // 0 when count == 0
};
// numpy-'linear' percentiles (metrics/percentile.h) of the given latenesses.
LatenessSummary summarize_lateness(std::vector<double> late_ms);

// Readable-socket events the loop serviced (each one or more recv()s by
// curl) and the content chunks they carried.
struct ReadCounts {
  size_t reads = 0;            // readable-socket events
  size_t content_reads = 0;    // reads with at least one content chunk
  size_t coalesced_reads = 0;  // reads with two or more content chunks
  size_t max_chunks_per_read = 0;
  size_t content_chunks = 0;
};

struct TimingQuality {
  LatenessSummary canary;
  ReadCounts reads;
  double threshold_p99_ms = kTimingDegradedP99Ms;
  // "ok" | "timing degraded" | "not measured" (no canary sample: a run
  // shorter than one period) | "too short to judge" (fewer than
  // kTimingMinSamples samples; the figures are still recorded).
  std::string verdict;
  bool degraded() const { return verdict == "timing degraded"; }
};

TimingQuality judge_timing(std::vector<double> canary_late_ms, const ReadCounts& reads);
nlohmann::json timing_quality_json(const TimingQuality& q);
// One line for stderr and the report when degraded, "" otherwise.
std::string timing_warning(const TimingQuality& q);

}  // namespace l4lab::client
