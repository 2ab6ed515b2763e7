#include "client/timing_quality.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "metrics/percentile.h"

namespace l4lab::client {

LatenessSummary summarize_lateness(std::vector<double> late_ms) {
  LatenessSummary s;
  s.count = late_ms.size();
  if (late_ms.empty()) return s;
  s.max_ms = *std::max_element(late_ms.begin(), late_ms.end());
  constexpr std::array<double, 2> qs = {50.0, 99.0};
  const auto p = metrics::select_percentiles(late_ms, qs);
  s.p50_ms = p[0];
  s.p99_ms = p[1];
  return s;
}

TimingQuality judge_timing(std::vector<double> canary_late_ms, const ReadCounts& reads) {
  TimingQuality q;
  q.canary = summarize_lateness(std::move(canary_late_ms));
  q.reads = reads;
  if (q.canary.count == 0)
    q.verdict = "not measured";
  else if (q.canary.count < kTimingMinSamples)
    q.verdict = "too short to judge";
  else if (q.canary.p99_ms > q.threshold_p99_ms)
    q.verdict = "timing degraded";
  else
    q.verdict = "ok";
  return q;
}

nlohmann::json timing_quality_json(const TimingQuality& q) {
  const auto& r = q.reads;
  return {{"definition", "docs/METRICS.md#timing-quality"},
          {"verdict", q.verdict},
          {"threshold_p99_ms", q.threshold_p99_ms},
          {"canary_period_ms", double(kCanaryPeriodNs) / 1e6},
          {"canary_lateness_ms",
           {{"count", q.canary.count},
            {"p50", q.canary.p50_ms},
            {"p99", q.canary.p99_ms},
            {"max", q.canary.max_ms}}},
          {"reads",
           {{"body_reads", r.reads},
            {"content_reads", r.content_reads},
            {"coalesced_reads", r.coalesced_reads},
            {"max_chunks_per_read", r.max_chunks_per_read},
            {"content_chunks", r.content_chunks},
            {"mean_chunks_per_content_read",
             r.content_reads ? double(r.content_chunks) / double(r.content_reads) : 0.0}}}};
}

std::string timing_warning(const TimingQuality& q) {
  if (!q.degraded()) return "";
  return fmt::format(
      "timing degraded: the client's event loop ran late (canary lateness p99 {:.2f} ms > {:.1f} "
      "ms, max {:.1f} ms over {} samples); TTFT/ITL tails may include the client's own delay "
      "(docs/METRICS.md#timing-quality; try --cpus and --realtime)",
      q.canary.p99_ms, q.threshold_p99_ms, q.canary.max_ms, q.canary.count);
}

}  // namespace l4lab::client
