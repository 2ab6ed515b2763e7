#include "twin/load_comparison.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "metrics/latency.h"
#include "metrics/percentile.h"

namespace l4lab::twin {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Latencies {
  std::vector<double> ttft, tpot, e2e;
  double tokens = 0;
  int64_t window_from = std::numeric_limits<int64_t>::max(), window_to = 0;
  void add(int64_t sent, int64_t first, int64_t end, int completion) {
    const double t = metrics::ttft_ms(sent, first), e = metrics::e2e_ms(sent, end);
    ttft.push_back(t);
    e2e.push_back(e);
    const double p = metrics::tpot_ms(e, t, completion);
    if (!std::isnan(p)) tpot.push_back(p);
    tokens += completion;
    window_from = std::min(window_from, sent);
    window_to = std::max(window_to, end);
  }
  LoadMetrics finish() {
    LoadMetrics m;
    m.requests = ttft.size();
    auto pct = [](std::vector<double>& v, double q) {
      return v.empty() ? kNaN : metrics::percentile(v, q);
    };
    m.ttft_p50 = pct(ttft, 50), m.ttft_p95 = pct(ttft, 95), m.ttft_p99 = pct(ttft, 99);
    m.tpot_p50 = pct(tpot, 50), m.tpot_p95 = pct(tpot, 95), m.tpot_p99 = pct(tpot, 99);
    m.e2e_p50 = pct(e2e, 50), m.e2e_p95 = pct(e2e, 95), m.e2e_p99 = pct(e2e, 99);
    const double window_s = double(window_to - window_from) / 1e9;
    m.output_tok_s = window_s > 0 ? tokens / window_s : kNaN;
    return m;
  }
};

void kv_in_window(LoadMetrics& m, const std::vector<std::pair<int64_t, double>>& kv, int64_t from,
                  int64_t to) {
  double sum = 0, most = 0;
  int n = 0;
  for (const auto& [t, u] : kv) {
    if (t < from || t > to) continue;
    sum += u;
    most = std::max(most, u);
    ++n;
  }
  m.kv_usage_mean = n ? sum / n : kNaN;
  m.kv_usage_max = n ? most : kNaN;
}

}  // namespace

double client_gap_ms(const std::vector<MeasuredRequest>& requests) {
  std::vector<int64_t> ends;
  for (const auto& r : requests) ends.push_back(r.t_end_ns);
  std::sort(ends.begin(), ends.end());
  std::vector<double> gaps;
  for (const auto& r : requests) {
    auto it = std::upper_bound(ends.begin(), ends.end(), r.t_sent_ns);
    if (it == ends.begin()) continue;  // among the first sends
    gaps.push_back(double(r.t_sent_ns - *std::prev(it)) / 1e6);
  }
  return gaps.empty() ? 0 : metrics::percentile(gaps, 50);
}

ReplayPlan replay_plan(const std::vector<MeasuredRequest>& requests, int concurrency,
                       double client_gap_ms) {
  std::vector<const MeasuredRequest*> order;
  for (const auto& r : requests) order.push_back(&r);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* a, const auto* b) { return a->t_sent_ns < b->t_sent_ns; });
  ReplayPlan plan;
  plan.client.concurrency = concurrency;
  plan.client.open_loop = false;
  plan.client.client_gap_ns = int64_t(std::llround(client_gap_ms * 1e6));
  uint64_t i = 0;
  for (const auto* r : order) {
    plan.requests.push_back({std::max(1, r->prompt_tokens), std::max(1, r->completion_tokens), i++,
                             r->t_sent_ns - order.front()->t_sent_ns});
    plan.measured.push_back(r->measured);
  }
  return plan;
}

LoadMetrics measured_load_metrics(const std::vector<MeasuredRequest>& requests,
                                  const std::vector<std::pair<int64_t, double>>& kv_usage,
                                  double preemptions) {
  Latencies l;
  for (const auto& r : requests)
    if (r.measured) l.add(r.t_sent_ns, r.t_first_token_ns, r.t_end_ns, r.completion_tokens);
  LoadMetrics m = l.finish();
  kv_in_window(m, kv_usage, l.window_from, l.window_to);
  m.preemptions = preemptions;
  return m;
}

LoadMetrics predicted_load_metrics(const sim::VirtualRunResult& run,
                                   const std::vector<bool>& measured) {
  Latencies l;
  for (size_t i = 0; i < run.requests.size() && i < measured.size(); ++i) {
    const auto& tl = run.requests[i];
    if (!measured[i] || tl.emits.empty()) continue;
    int tokens = 0;
    for (const auto& e : tl.emits) tokens += e.second;
    l.add(tl.arrival_ns, tl.emits.front().first, tl.emits.back().first, tokens);
  }
  LoadMetrics m = l.finish();
  std::vector<std::pair<int64_t, double>> kv;
  for (const auto& s : run.scrapes) kv.emplace_back(s.t_ns, s.kv_usage);
  kv_in_window(m, kv, l.window_from, l.window_to);
  m.preemptions = double(run.final_stats.preemptions);
  return m;
}

std::vector<ErrorRow> compare_loads(const LoadMetrics& a, const LoadMetrics& b) {
  std::vector<ErrorRow> rows = {{"ttft_p50_ms", a.ttft_p50, b.ttft_p50, 0},
                                {"ttft_p95_ms", a.ttft_p95, b.ttft_p95, 0},
                                {"ttft_p99_ms", a.ttft_p99, b.ttft_p99, 0},
                                {"tpot_p50_ms", a.tpot_p50, b.tpot_p50, 0},
                                {"tpot_p95_ms", a.tpot_p95, b.tpot_p95, 0},
                                {"tpot_p99_ms", a.tpot_p99, b.tpot_p99, 0},
                                {"e2e_p50_ms", a.e2e_p50, b.e2e_p50, 0},
                                {"e2e_p95_ms", a.e2e_p95, b.e2e_p95, 0},
                                {"e2e_p99_ms", a.e2e_p99, b.e2e_p99, 0},
                                {"output_tok_s", a.output_tok_s, b.output_tok_s, 0},
                                {"kv_usage_mean", a.kv_usage_mean, b.kv_usage_mean, 0},
                                {"kv_usage_max", a.kv_usage_max, b.kv_usage_max, 0},
                                {"preemptions", a.preemptions, b.preemptions, 0}};
  for (auto& r : rows)
    r.rel_error = (r.measured == 0 || std::isnan(r.measured))
                      ? kNaN
                      : (r.predicted - r.measured) / r.measured;
  return rows;
}

}  // namespace l4lab::twin
