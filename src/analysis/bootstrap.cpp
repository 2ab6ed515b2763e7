#include "analysis/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "analysis/group_metrics.h"
#include "common/random.h"
#include "metrics/goodput.h"
#include "metrics/percentile.h"

namespace l4lab::analysis {

const char* stat_name(Stat s) {
  switch (s) {
    case Stat::request_throughput:
      return "request_throughput_rps";
    case Stat::output_throughput:
      return "output_throughput_tps";
    case Stat::total_token_throughput:
      return "total_token_throughput_tps";
    case Stat::goodput_rps:
      return "goodput_rps";
    case Stat::success_rate:
      return "success_rate";
    case Stat::ttft_p50:
      return "ttft_p50_ms";
    case Stat::ttft_p95:
      return "ttft_p95_ms";
    case Stat::ttft_p99:
      return "ttft_p99_ms";
    case Stat::tpot_p50:
      return "tpot_p50_ms";
    case Stat::tpot_p95:
      return "tpot_p95_ms";
    case Stat::tpot_p99:
      return "tpot_p99_ms";
    case Stat::e2e_p50:
      return "e2e_p50_ms";
    case Stat::e2e_p95:
      return "e2e_p95_ms";
    case Stat::e2e_p99:
      return "e2e_p99_ms";
    case Stat::count_:
      break;
  }
  return "?";
}

const char* stat_label(Stat s) {
  switch (s) {
    case Stat::request_throughput:
      return "Request throughput (req/s)";
    case Stat::output_throughput:
      return "Output throughput (tok/s)";
    case Stat::total_token_throughput:
      return "Total token throughput (tok/s)";
    case Stat::goodput_rps:
      return "Goodput (req/s)";
    case Stat::success_rate:
      return "Success rate";
    case Stat::ttft_p50:
      return "TTFT p50 (ms)";
    case Stat::ttft_p95:
      return "TTFT p95 (ms)";
    case Stat::ttft_p99:
      return "TTFT p99 (ms)";
    case Stat::tpot_p50:
      return "TPOT p50 (ms)";
    case Stat::tpot_p95:
      return "TPOT p95 (ms)";
    case Stat::tpot_p99:
      return "TPOT p99 (ms)";
    case Stat::e2e_p50:
      return "E2E p50 (ms)";
    case Stat::e2e_p95:
      return "E2E p95 (ms)";
    case Stat::e2e_p99:
      return "E2E p99 (ms)";
    case Stat::count_:
      break;
  }
  return "?";
}

bool higher_is_better(Stat s) {
  return s == Stat::request_throughput || s == Stat::output_throughput ||
         s == Stat::total_token_throughput || s == Stat::goodput_rps || s == Stat::success_rate;
}

std::pair<double, double> percentile_interval(std::vector<double> values, double confidence) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  if (values.empty()) return {kNaN, kNaN};
  std::sort(values.begin(), values.end());
  const double tail = (1.0 - confidence) / 2.0 * 100.0;
  return {metrics::percentile_sorted(values, tail),
          metrics::percentile_sorted(values, 100.0 - tail)};
}

namespace {

constexpr std::array<double, 3> kQs = {50, 95, 99};

// A metric's ok values sorted once, and each request's rank in that order.
struct RankedMetric {
  std::vector<double> sorted;
  std::vector<std::vector<int32_t>> rank;  // [trial][request] -> index or -1
};

RankedMetric rank_metric(const std::vector<TrialInput>& trials, double RequestSample::*field) {
  RankedMetric m;
  std::vector<std::pair<double, std::pair<size_t, size_t>>> all;
  m.rank.resize(trials.size());
  for (size_t t = 0; t < trials.size(); ++t) {
    m.rank[t].assign(trials[t].requests.size(), -1);
    for (size_t i = 0; i < trials[t].requests.size(); ++i) {
      const RequestSample* r = trials[t].requests[i];
      const double v = r->*field;
      if (r->ok && !std::isnan(v)) all.push_back({v, {t, i}});
    }
  }
  std::sort(all.begin(), all.end());
  m.sorted.reserve(all.size());
  for (size_t k = 0; k < all.size(); ++k) {
    m.sorted.push_back(all[k].first);
    m.rank[all[k].second.first][all[k].second.second] = static_cast<int32_t>(k);
  }
  return m;
}

// Percentiles (kQs) of the multiset given by counts over m.sorted; clears counts.
void percentiles_from_counts(const RankedMetric& m, std::vector<uint32_t>& counts, size_t total,
                             double* out) {
  if (total == 0) {
    for (size_t k = 0; k < kQs.size(); ++k) out[k] = kNaN;
    std::fill(counts.begin(), counts.end(), 0);
    return;
  }
  std::array<metrics::PercentileRank, kQs.size()> ranks;
  for (size_t k = 0; k < kQs.size(); ++k) ranks[k] = metrics::percentile_rank(total, kQs[k]);
  std::array<double, kQs.size()> at_lo{}, at_hi{};
  // Walk the cumulative counts once; ranks are non-decreasing in q. Whole
  // blocks that hold no wanted rank are skipped by their (vectorised) sum, so
  // only the few blocks holding p50/p95/p99 are walked bin by bin.
  constexpr size_t kBlock = 64;
  size_t cum = 0, k_lo = 0, k_hi = 0;
  const size_t n = counts.size();
  for (size_t b = 0; b < n && (k_lo < kQs.size() || k_hi < kQs.size()); b += kBlock) {
    const size_t e = std::min(n, b + kBlock);
    uint32_t block = 0;
    for (size_t i = b; i < e; ++i) block += counts[i];
    const size_t next = std::min(k_lo < kQs.size() ? ranks[k_lo].lo : SIZE_MAX,
                                 k_hi < kQs.size() ? ranks[k_hi].hi : SIZE_MAX);
    if (cum + block <= next) {  // no wanted rank in [cum, cum + block)
      cum += block;
      continue;
    }
    for (size_t i = b; i < e; ++i) {
      cum += counts[i];  // values with sorted index <= i occupy ranks [0, cum)
      while (k_lo < kQs.size() && ranks[k_lo].lo < cum) at_lo[k_lo++] = m.sorted[i];
      while (k_hi < kQs.size() && ranks[k_hi].hi < cum) at_hi[k_hi++] = m.sorted[i];
    }
  }
  std::fill(counts.begin(), counts.end(), 0);
  for (size_t k = 0; k < kQs.size(); ++k)
    out[k] = metrics::lerp_numpy(at_lo[k], at_hi[k], ranks[k].g);
}

}  // namespace

BootstrapResult bootstrap_config(const std::vector<TrialInput>& trials,
                                 const std::string& config_name, const AnalysisOptions& o) {
  BootstrapResult res;
  res.resamples = o.resamples;
  res.stream_seed = o.seed ^ fnv1a64(config_name);
  for (auto& v : res.values) v.assign(static_cast<size_t>(std::max(0, o.resamples)), kNaN);
  res.lo.fill(kNaN);
  res.hi.fill(kNaN);
  std::vector<size_t> usable;
  for (size_t t = 0; t < trials.size(); ++t)
    if (!trials[t].requests.empty() && trials[t].window_s > 0) usable.push_back(t);
  if (usable.empty() || o.resamples <= 0) return res;
  std::vector<TrialInput> tr;
  for (size_t t : usable) tr.push_back(trials[t]);

  const std::array<RankedMetric, 3> metrics = {rank_metric(tr, &RequestSample::ttft_ms),
                                               rank_metric(tr, &RequestSample::tpot_ms),
                                               rank_metric(tr, &RequestSample::e2e_ms)};
  constexpr std::array<Stat, 3> kFirstStat = {Stat::ttft_p50, Stat::tpot_p50, Stat::e2e_p50};
  // Everything one draw needs, packed per request so a draw touches one
  // cache line: ranks in the three sorted metrics (-1: not defined) and the
  // additive quantities.
  struct Draw {
    std::array<int32_t, 3> rank;
    int32_t ok_good;  // bit 0: ok, bit 1: meets the SLOs
    int64_t out_tokens;
    int64_t total_tokens;
  };
  std::vector<std::vector<Draw>> draws(tr.size());
  for (size_t t = 0; t < tr.size(); ++t)
    for (size_t i = 0; i < tr[t].requests.size(); ++i) {
      const RequestSample* r = tr[t].requests[i];
      Draw d{};
      for (size_t m = 0; m < 3; ++m) d.rank[m] = metrics[m].rank[t][i];
      d.ok_good = (r->ok ? 1 : 0) | (meets_slos(*r, o) ? 2 : 0);
      d.out_tokens = r->ok ? r->completion_tokens : 0;
      d.total_tokens = r->ok ? r->completion_tokens + r->prompt_tokens() : 0;
      draws[t].push_back(d);
    }

  Rng rng(res.stream_seed);
  std::array<std::vector<uint32_t>, 3> counts;
  for (size_t m = 0; m < 3; ++m) counts[m].assign(metrics[m].sorted.size(), 0);
  std::vector<size_t> chosen(tr.size());
  for (int b = 0; b < o.resamples; ++b) {
    const size_t T = tr.size();
    for (size_t i = 0; i < T; ++i) chosen[i] = T > 1 ? rng.below(T) : 0;
    std::array<size_t, 3> total{};
    int64_t out_tokens = 0, total_tokens = 0;
    size_t n = 0, ok = 0, good = 0;
    double duration = 0;
    for (size_t t : chosen) {
      const std::vector<Draw>& dt = draws[t];
      const size_t nt = dt.size();
      duration += tr[t].window_s;
      n += nt;
      for (size_t j = 0; j < nt; ++j) {
        const Draw& a = dt[rng.below(nt)];
        out_tokens += a.out_tokens;
        total_tokens += a.total_tokens;
        ok += a.ok_good & 1;
        good += (a.ok_good >> 1) & 1;
        for (size_t m = 0; m < 3; ++m) {
          const int32_t k = a.rank[m];
          if (k >= 0) {
            ++counts[m][static_cast<size_t>(k)];
            ++total[m];
          }
        }
      }
    }
    const size_t bi = static_cast<size_t>(b);
    auto set = [&](Stat s, double v) { res.values[static_cast<size_t>(s)][bi] = v; };
    set(Stat::request_throughput, static_cast<double>(ok) / duration);
    set(Stat::output_throughput, static_cast<double>(out_tokens) / duration);
    set(Stat::total_token_throughput, static_cast<double>(total_tokens) / duration);
    if (o.any_slo()) set(Stat::goodput_rps, metrics::goodput_rps(good, duration));
    set(Stat::success_rate, static_cast<double>(ok) / static_cast<double>(n));
    for (size_t m = 0; m < 3; ++m) {
      double q[3];
      percentiles_from_counts(metrics[m], counts[m], total[m], q);
      for (size_t k = 0; k < 3; ++k)
        set(static_cast<Stat>(static_cast<size_t>(kFirstStat[m]) + k), q[k]);
    }
  }
  for (size_t s = 0; s < kStatCount; ++s) {
    auto [lo, hi] = percentile_interval(res.values[s], o.confidence);
    res.no_variance[s] = std::isfinite(lo) && lo == hi;
    res.lo[s] = res.no_variance[s] ? kNaN : lo;
    res.hi[s] = res.no_variance[s] ? kNaN : hi;
  }
  return res;
}

}  // namespace l4lab::analysis
