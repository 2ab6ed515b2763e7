#include "analysis/group_metrics.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "metrics/goodput.h"
#include "metrics/percentile.h"

namespace l4lab::analysis {

Dist summarize(std::vector<double>& values) {
  Dist d;
  d.n = values.size();
  if (values.empty()) return d;
  // Selection, not a full sort: ITL pools every chunk gap (~250k values per
  // run at the study's scale).
  const size_t n = values.size();
  const auto [mn, mx] = std::minmax_element(values.begin(), values.end());
  d.min = *mn;
  d.max = *mx;
  static constexpr double kQ[] = {50, 95, 99};
  const std::vector<double> p = metrics::select_percentiles(values, kQ);
  // The mean is summed in the (partially ordered) order left by selection;
  // numpy sums pairwise, so means agree to ~1e-12 relative, not bit for bit.
  double sum = 0;
  for (double v : values) sum += v;
  d.mean = sum / static_cast<double>(n);
  d.p50 = p[0];
  d.p95 = p[1];
  d.p99 = p[2];
  return d;
}

bool meets_slos(const RequestSample& r, const AnalysisOptions& o) {
  return metrics::meets_slos(r.ok, r.ttft_ms, r.tpot_ms, r.e2e_ms, o.slos());
}

Window measurement_window(std::span<const RequestSample> reqs) {
  int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
  for (const auto& r : reqs) {
    if (!r.measured || !r.t_sent_ns || !r.t_end_ns) continue;
    lo = std::min(lo, *r.t_sent_ns);
    hi = std::max(hi, *r.t_end_ns);
  }
  if (hi <= lo) return {};
  return {lo, hi};
}

GroupMetrics compute_group(std::span<const RequestSample* const> reqs, double window_s,
                           const AnalysisOptions& o, bool with_itl) {
  GroupMetrics g;
  g.window_s = window_s;
  std::vector<double> ttft, tpot, itl, e2e, ttft_s, e2e_s;
  if (with_itl) {
    size_t gaps = 0;
    for (const RequestSample* r : reqs)
      if (r->measured && r->ok) gaps += r->itl_ms.size();
    itl.reserve(gaps);
  }
  for (const RequestSample* r : reqs) {
    if (!r->measured) continue;
    ++g.requests;
    if (r->prompt_count_mismatch) {
      ++g.prompt_compared;
      if (!*r->prompt_count_mismatch) ++g.prompt_agree;
    }
    if (!r->ok) {
      ++g.failed;
      ++g.failures[r->failure_class][r->failure_detail.empty() ? "-" : r->failure_detail];
      continue;
    }
    ++g.ok;
    g.prompt_tokens += r->prompt_tokens();
    g.output_tokens += r->completion_tokens;
    if (!std::isnan(r->ttft_ms)) ttft.push_back(r->ttft_ms);
    if (!std::isnan(r->tpot_ms)) tpot.push_back(r->tpot_ms);
    if (!std::isnan(r->e2e_ms)) e2e.push_back(r->e2e_ms);
    if (!std::isnan(r->ttft_sched_ms)) ttft_s.push_back(r->ttft_sched_ms);
    if (!std::isnan(r->e2e_sched_ms)) e2e_s.push_back(r->e2e_sched_ms);
    if (with_itl) itl.insert(itl.end(), r->itl_ms.begin(), r->itl_ms.end());
    if (meets_slos(*r, o)) ++g.good;
  }
  g.ttft_ms = summarize(ttft);
  g.tpot_ms = summarize(tpot);
  g.itl_ms = summarize(itl);
  g.e2e_ms = summarize(e2e);
  g.ttft_sched_ms = summarize(ttft_s);
  g.e2e_sched_ms = summarize(e2e_s);
  if (g.requests > 0) {
    g.success_rate = static_cast<double>(g.ok) / static_cast<double>(g.requests);
    g.goodput_fraction = static_cast<double>(g.good) / static_cast<double>(g.requests);
  }
  if (g.prompt_compared > 0)
    g.prompt_agreement_rate =
        static_cast<double>(g.prompt_agree) / static_cast<double>(g.prompt_compared);
  if (window_s > 0) {
    g.request_throughput = static_cast<double>(g.ok) / window_s;
    g.output_throughput = static_cast<double>(g.output_tokens) / window_s;
    g.total_token_throughput = static_cast<double>(g.prompt_tokens + g.output_tokens) / window_s;
    g.goodput_rps = metrics::goodput_rps(g.good, window_s);
  }
  return g;
}

}  // namespace l4lab::analysis
