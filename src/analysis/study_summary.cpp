#include "analysis/study_summary.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <set>
#include <thread>

#include "analysis/parallel.h"

namespace l4lab::analysis {

double stat_value(const GroupMetrics& g, Stat s) {
  switch (s) {
    case Stat::request_throughput:
      return g.request_throughput;
    case Stat::output_throughput:
      return g.output_throughput;
    case Stat::total_token_throughput:
      return g.total_token_throughput;
    case Stat::goodput_rps:
      return g.goodput_rps;
    case Stat::success_rate:
      return g.success_rate;
    case Stat::ttft_p50:
      return g.ttft_ms.p50;
    case Stat::ttft_p95:
      return g.ttft_ms.p95;
    case Stat::ttft_p99:
      return g.ttft_ms.p99;
    case Stat::tpot_p50:
      return g.tpot_ms.p50;
    case Stat::tpot_p95:
      return g.tpot_ms.p95;
    case Stat::tpot_p99:
      return g.tpot_ms.p99;
    case Stat::e2e_p50:
      return g.e2e_ms.p50;
    case Stat::e2e_p95:
      return g.e2e_ms.p95;
    case Stat::e2e_p99:
      return g.e2e_ms.p99;
    case Stat::count_:
      break;
  }
  return kNaN;
}

namespace {

std::vector<const RequestSample*> pointers(const std::vector<RequestSample>& v) {
  std::vector<const RequestSample*> p;
  p.reserve(v.size());
  for (const auto& r : v) p.push_back(&r);
  return p;
}

std::map<std::string, GroupMetrics> breakdown(const std::vector<const RequestSample*>& reqs,
                                              std::string RequestSample::*key, double window_s,
                                              const AnalysisOptions& o) {
  std::map<std::string, std::vector<const RequestSample*>> groups;
  for (const RequestSample* r : reqs)
    if (r->measured) groups[r->*key].push_back(r);
  std::map<std::string, GroupMetrics> out;
  for (auto& [k, v] : groups)
    out[k.empty() ? "(none)" : k] = compute_group(v, window_s, o, /*with_itl=*/false);
  return out;
}

RunSummary summarize_run(const RunData& d, const AnalysisOptions& o) {
  RunSummary s;
  s.rel_dir = d.rel_dir;
  s.config = d.config_name;
  s.trial = d.trial;
  s.simulated = d.manifest.simulated;
  s.dummy_weights = d.manifest.dummy_weights;
  s.predicted = d.manifest.predicted;
  s.engine_facts = d.engine_facts;
  s.status = d.manifest.present
                 ? (d.manifest.outcome_status.empty() ? "unknown" : d.manifest.outcome_status)
                 : "unknown";
  s.reason = d.manifest.outcome_reason;
  if (s.reason.empty() && !d.manifest.present) s.reason = "no run_manifest.json";
  s.applied = d.manifest.applied_value;
  s.ran_on = d.manifest.ran_on;
  s.applied_evidence = d.manifest.applied_evidence;
  s.schedule_kind = d.bench.schedule_kind;
  s.open_loop = d.bench.open_loop;
  s.timing_verdict = d.bench.timing_verdict;
  s.timing_canary_p99_ms = d.bench.timing_canary_p99_ms.value_or(kNaN);
  s.timing_canary_max_ms = d.bench.timing_canary_max_ms.value_or(kNaN);
  s.has_traces = d.has_traces;
  s.lines_skipped = d.trace_lines_skipped;
  s.warnings = d.warnings;
  s.window = measurement_window(d.requests);
  const double win = s.window.valid() ? s.window.seconds() : 0;
  const auto reqs = pointers(d.requests);
  s.all = compute_group(reqs, win, o);
  s.by_task = breakdown(reqs, &RequestSample::task, win, o);
  s.by_bucket = breakdown(reqs, &RequestSample::bucket, win, o);
  s.gpu = summarize_gpu(d.gpu, s.window, d.manifest.gpu_reason);
  s.engine = summarize_engine(d.engine, s.window);
  s.price = price_run(d.manifest, o);
  if (s.all.output_tokens > 0 && win > 0) {
    if (s.price.priced())
      s.cost_per_mtok =
          s.price.usd_per_hour * (win / 3600.0) / static_cast<double>(s.all.output_tokens) * 1e6;
    if (!std::isnan(s.gpu.energy_j))
      s.energy_per_output_token_j = s.gpu.energy_j / static_cast<double>(s.all.output_tokens);
  }
  constexpr std::array<double, 3> qs = {50, 95, 99};
  const std::array<double, 3> ttft = {s.all.ttft_ms.p50, s.all.ttft_ms.p95, s.all.ttft_ms.p99};
  const std::array<double, 3> e2e = {s.all.e2e_ms.p50, s.all.e2e_ms.p95, s.all.e2e_ms.p99};
  for (size_t k = 0; k < 3; ++k) {
    s.ttft_engine[k] = place_in_histogram(s.engine.ttft, qs[k], ttft[k] / 1000.0);
    s.e2e_engine[k] = place_in_histogram(s.engine.e2e, qs[k], e2e[k] / 1000.0);
  }
  s.account = account_requests(d.requests, d.manifest);
  s.ttft_coverage = cover_histogram(s.engine.ttft, s.engine, s.account);
  s.e2e_coverage = cover_histogram(s.engine.e2e, s.engine, s.account);
  for (const auto* c : {&s.ttft_coverage, &s.e2e_coverage})
    if (c->present && !c->adds_up)
      s.warnings.push_back(fmt::format("{}: engine {} histogram count {}", d.rel_dir,
                                       c == &s.ttft_coverage ? "TTFT" : "E2E", c->note));
  return s;
}

Spread spread_of(std::vector<double> v) {
  Spread s;
  s.per_trial = v;
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return s;
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  if (v.size() > 1) {
    double mean = 0;
    for (double x : v) mean += x;
    mean /= static_cast<double>(v.size());
    double ss = 0;
    for (double x : v) ss += (x - mean) * (x - mean);
    s.sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  }
  return s;
}

size_t trials_with_data(const ConfigSummary& c) {
  return c.runs.size() >= c.not_run.size() ? c.runs.size() - c.not_run.size() : 0;
}

Delta make_delta(Stat st, const ConfigSummary& c, const ConfigSummary& base, double confidence,
                 bool comparable) {
  Delta d;
  d.stat = st;
  const size_t i = static_cast<size_t>(st);
  d.base = base.point[i];
  d.value = c.point[i];
  if (!comparable) {
    d.verdict = "not comparable";
    return d;
  }
  if (std::isnan(d.base) || std::isnan(d.value)) {
    d.verdict = "n/a";
    return d;
  }
  d.delta = d.value - d.base;
  if (d.base != 0) d.rel_pct = d.delta / d.base * 100.0;
  // No resampled variance on either side: an interval would be an artefact
  // of the other side alone (or zero-width), so neither interval nor verdict.
  if (c.boot.no_variance[i] || base.boot.no_variance[i]) {
    d.verdict = kNoVariance;
    d.reason = fmt::format(
        "{}'s resamples of {} have no variance (zero-width interval: e.g. a fixed count in a "
        "closed loop); no interval and no verdict",
        base.boot.no_variance[i] ? base.name : c.name, stat_name(st));
    return d;
  }
  // Every statistic here is non-negative, so the paired ratio
  // config_b / base_b is too, and the relative change it bounds cannot fall
  // below -100% (a percentile interval commutes with the monotone log, so
  // this is the log-ratio interval, transformed back).
  const auto& vb = base.boot.values[i];
  const auto& vc = c.boot.values[i];
  const size_t B = std::min(vb.size(), vc.size());
  bool base_reaches_zero = !(d.base > 0);
  std::vector<double> ratio;
  ratio.reserve(B);
  for (size_t b = 0; b < B && !base_reaches_zero; ++b) {
    if (std::isnan(vb[b]) || std::isnan(vc[b])) continue;
    if (!(vb[b] > 0)) base_reaches_zero = true;
    ratio.push_back(vc[b] / vb[b]);
  }
  if (!base_reaches_zero) {
    const auto [rlo, rhi] = percentile_interval(ratio, confidence);
    d.rel_lo_pct = (rlo - 1.0) * 100.0;
    d.rel_hi_pct = (rhi - 1.0) * 100.0;
    d.lo = d.base * (rlo - 1.0);
    d.hi = d.base * (rhi - 1.0);
  } else {
    // A baseline resample of 0 (e.g. goodput when almost nothing meets the
    // SLO) leaves the ratio undefined: the interval of the paired
    // differences, and no relative interval.
    std::vector<double> diff;
    diff.reserve(B);
    for (size_t b = 0; b < B; ++b) diff.push_back(vc[b] - vb[b]);
    std::tie(d.lo, d.hi) = percentile_interval(diff, confidence);
    d.reason =
        "the baseline's resamples reach 0, so the ratio is undefined: the interval is "
        "of the paired differences, with no relative interval";
  }
  if (std::isnan(d.lo) || std::isnan(d.hi)) {
    d.verdict = "n/a";
  } else if (d.lo == d.hi) {
    d.verdict = kNoVariance;
    d.reason = "the paired resamples give a zero-width interval; no verdict";
    d.lo = d.hi = d.rel_lo_pct = d.rel_hi_pct = kNaN;
  } else if (d.lo <= 0 && d.hi >= 0) {
    d.verdict = "within noise";
  } else {
    const bool up = d.lo > 0;
    d.verdict = (up == higher_is_better(st)) ? "better" : "worse";
    const size_t nc = trials_with_data(c), nb = trials_with_data(base);
    if (nc < 2 || nb < 2) {
      d.reason = fmt::format(
          "{} would be {}, but {} has {} trial with data: its interval holds request-to-request "
          "variation only, not run-to-run (engine start, host); run 2 or more trials for a verdict",
          stat_name(st), d.verdict, nc < 2 ? c.name : base.name, nc < 2 ? nc : nb);
      d.verdict = kOneTrial;
    }
  }
  // Text-dependent speed under random weights: shown, never a verdict.
  const bool judged = d.verdict == "better" || d.verdict == "worse" ||
                      d.verdict == "within noise" || d.verdict == kOneTrial;
  if (judged && c.dummy_weights && !std::isnan(c.draft_acceptance_pct)) {
    d.reason = fmt::format(
        "{}speculative decoding's speed depends on how often drafts match the generated text; "
        "with dummy weights the text is random and the engine log reports a draft acceptance "
        "rate of {:.1f}% ({}), so this change is an artefact of the weights, not a property of "
        "the factor: rerun with real weights",
        d.reason.empty() ? "" : d.reason + "; ", c.draft_acceptance_pct, c.draft_acceptance_line);
    d.verdict = kDummyText;
  }
  return d;
}

}  // namespace

namespace {

// Labels, outcomes, resources and engine facts one run adds to its configuration.
void add_run_facts(ConfigSummary& c, const RunData& d, const RunSummary& r) {
  if (c.intent.empty()) c.intent = d.manifest.config_intent;
  if (c.factor.empty()) c.factor = d.manifest.config_factor;
  c.simulated = c.simulated || d.manifest.simulated;
  c.dummy_weights = c.dummy_weights || d.manifest.dummy_weights;
  if (d.manifest.predicted && !c.predicted) {
    c.prediction_profile = d.manifest.prediction_profile;
    c.prediction_error = d.manifest.prediction_error;
  }
  c.predicted = c.predicted || d.manifest.predicted;
  if (d.manifest.applied_value == "false")
    c.not_applied.push_back(fmt::format(
        "trial-{}: the engine did not apply the configuration's flag{}", r.trial,
        d.manifest.applied_evidence.empty() ? "" : " (" + d.manifest.applied_evidence + ")"));
  if (r.all.ok == 0) {
    std::string why = r.status;
    if (!r.reason.empty()) why += " (" + r.reason + ")";
    if (!r.has_traces)
      why += "; no traces.jsonl";
    else if (r.all.requests == 0)
      why += "; no measured requests in traces.jsonl";
    else
      why += "; no successful request";
    c.not_run.push_back(fmt::format("trial-{}: {}", r.trial, why));
  }
  auto mx = [](double& acc, double v) {
    if (!std::isnan(v)) acc = std::isnan(acc) ? v : std::max(acc, v);
  };
  mx(c.vram_peak_mib, r.gpu.vram_peak_mib);
  if (!std::isnan(r.gpu.headroom_mib))
    c.headroom_mib = std::isnan(c.headroom_mib) ? r.gpu.headroom_mib
                                                : std::min(c.headroom_mib, r.gpu.headroom_mib);
  mx(c.kv_usage_max, r.engine.kv_usage_max);
  const EngineLogFacts& f = r.engine_facts;
  if (f.kv_cache_tokens) {
    const double v = f.kv_cache_tokens->value;
    c.kv_cache_tokens_min =
        std::isnan(c.kv_cache_tokens_min) ? v : std::min(c.kv_cache_tokens_min, v);
    c.kv_cache_tokens_max =
        std::isnan(c.kv_cache_tokens_max) ? v : std::max(c.kv_cache_tokens_max, v);
  }
  if (f.weights_gib) mx(c.weights_gib, f.weights_gib->value);
  if (f.kv_cache_memory_gib) mx(c.kv_cache_memory_gib, f.kv_cache_memory_gib->value);
  if (c.attention_backend.empty()) c.attention_backend = f.attention_backend;
  if (!f.sim_profile_source.empty() &&
      std::find(c.sim_profile_sources.begin(), c.sim_profile_sources.end(), f.sim_profile_source) ==
          c.sim_profile_sources.end())
    c.sim_profile_sources.push_back(f.sim_profile_source);
  if (f.draft_acceptance_pct && !(f.draft_acceptance_pct->value <= c.draft_acceptance_pct)) {
    c.draft_acceptance_pct = f.draft_acceptance_pct->value;
    c.draft_acceptance_line = f.draft_acceptance_pct->line;
  }
  if (d.bench.client_cores) mx(c.client_cores_max, *d.bench.client_cores);
  if (d.bench.client_max_rss_mib) mx(c.client_rss_mib_max, *d.bench.client_max_rss_mib);
  if (r.engine.preemptions)
    c.preemptions = (std::isnan(c.preemptions) ? 0 : c.preemptions) + *r.engine.preemptions;
}

// Cost only when every trial that ran is priced: a pooled figure over partly
// unpriced trials would charge some machine time at no price.
void price_config(ConfigSummary& c, const std::vector<RunSummary>& runs, double window) {
  double dollars = 0;
  std::set<std::string> bases, reasons;
  size_t ran = 0, unpriced = 0;
  std::vector<std::string> unpriced_lines;
  for (size_t i : c.runs) {
    const RunSummary& r = runs[i];
    if (!r.window.valid()) continue;
    ++ran;
    if (r.price.priced()) {
      dollars += r.price.usd_per_hour * r.window.seconds() / 3600.0;
      bases.insert(r.price.basis);
    } else {
      ++unpriced;
      reasons.insert(r.price.reason);
      unpriced_lines.push_back(fmt::format("trial-{}: {}", r.trial, r.price.reason));
    }
  }
  if (unpriced > 0) {
    c.cost_reason = reasons.size() == 1 && unpriced == ran
                        ? *reasons.begin()
                        : fmt::format("{}", fmt::join(unpriced_lines, "; "));
  } else if (c.pooled.output_tokens > 0 && window > 0) {
    c.cost_per_mtok = dollars / static_cast<double>(c.pooled.output_tokens) * 1e6;
    c.cost_basis = fmt::format("{}", fmt::join(bases, "; "));
  } else {
    c.cost_reason = "no successful output tokens to divide by";
  }
}

std::vector<SloCheck> slo_checks(const ConfigSummary& c,
                                 const std::vector<const RequestSample*>& pooled,
                                 const AnalysisOptions& o) {
  std::vector<SloCheck> out;
  auto slo = [&](const char* n, const std::optional<double>& lim, const Dist& d,
                 double RequestSample::*f) {
    if (!lim || !c.has_data) return;
    SloCheck k;
    k.slo = n;
    k.limit_ms = *lim;
    k.p95_ms = d.p95;
    size_t over = 0, ok = 0;
    for (const RequestSample* r : pooled) {
      if (!r->measured || !r->ok) continue;
      ++ok;
      const double v = std::isnan(r->*f) ? 0.0 : r->*f;
      if (v > *lim) ++over;
    }
    if (ok) k.miss_fraction = static_cast<double>(over) / static_cast<double>(ok);
    k.broken = d.p95 > *lim;
    out.push_back(k);
  };
  slo("ttft", o.slo_ttft_ms, c.pooled.ttft_ms, &RequestSample::ttft_ms);
  slo("tpot", o.slo_tpot_ms, c.pooled.tpot_ms, &RequestSample::tpot_ms);
  slo("e2e", o.slo_e2e_ms, c.pooled.e2e_ms, &RequestSample::e2e_ms);
  return out;
}

// One configuration from its runs (indices into data.runs and runs).
ConfigSummary summarize_config(const std::string& name, const std::vector<size_t>& idx,
                               const StudyData& data, const std::vector<RunSummary>& runs,
                               const AnalysisOptions& o) {
  ConfigSummary c;
  c.name = name;
  c.runs = idx;
  c.is_baseline = name == o.baseline;
  std::vector<const RequestSample*> pooled;
  double window = 0, energy = 0, energy_s = 0;
  int64_t energy_tokens = 0;
  std::set<std::string> workloads;
  for (size_t i : idx) {
    const RunData& d = data.runs[i];
    const RunSummary& r = runs[i];
    add_run_facts(c, d, r);
    if (!d.manifest.workload_sha256.empty()) workloads.insert(d.manifest.workload_sha256);
    if (r.window.valid()) {
      for (const auto& q : d.requests) pooled.push_back(&q);
      window += r.window.seconds();
    }
    if (!std::isnan(r.gpu.energy_j)) {
      energy += r.gpu.energy_j;
      energy_s += r.gpu.covered_s;
      energy_tokens += r.all.output_tokens;
    }
  }
  if (workloads.size() > 1)
    c.flags.push_back(fmt::format("trials of {} used {} different workloads (prompts sha256)", name,
                                  workloads.size()));
  c.pooled = compute_group(pooled, window, o);
  c.by_task = breakdown(pooled, &RequestSample::task, window, o);
  c.by_bucket = breakdown(pooled, &RequestSample::bucket, window, o);
  c.has_data = c.pooled.ok > 0;
  if (energy_s > 0) c.mean_power_w = energy / energy_s;
  if (energy_tokens > 0) c.energy_per_output_token_j = energy / static_cast<double>(energy_tokens);
  price_config(c, runs, window);
  for (size_t s = 0; s < kStatCount; ++s) {
    c.point[s] = stat_value(c.pooled, static_cast<Stat>(s));
    std::vector<double> per;
    for (size_t i : idx) per.push_back(stat_value(runs[i].all, static_cast<Stat>(s)));
    c.spread[s] = spread_of(per);
  }
  c.slos = slo_checks(c, pooled, o);
  return c;
}

// Each configuration bootstrapped on its own stream, in parallel.
void bootstrap_configs(StudySummary& st, const StudyData& data, const AnalysisOptions& o) {
  std::vector<std::vector<TrialInput>> inputs(st.configs.size());
  for (size_t k = 0; k < st.configs.size(); ++k)
    for (size_t i : st.configs[k].runs) {
      TrialInput t;
      const RunSummary& r = st.runs[i];
      if (!r.window.valid()) continue;
      for (const auto& q : data.runs[i].requests)
        if (q.measured) t.requests.push_back(&q);
      t.window_s = r.window.seconds();
      inputs[k].push_back(std::move(t));
    }
  parallel_for(st.configs.size(), [&](size_t k) {
    st.configs[k].boot = bootstrap_config(inputs[k], st.configs[k].name, o);
  });
}

// Flags what differs from the baseline's manifest; false when the workload
// differs (then no delta is comparable).
bool check_comparable(ConfigSummary& c, const StudyData& data, const RunManifest& b) {
  bool comparable = true;
  for (size_t i : c.runs) {
    const RunManifest& m = data.runs[i].manifest;
    const std::string& dir = data.runs[i].rel_dir;
    if (!m.present) continue;
    if (m.workload_sha256 != b.workload_sha256) {
      comparable = false;
      c.flags.push_back(
          fmt::format("{}: workload differs from the baseline's ({} vs {}): deltas not comparable",
                      dir, m.workload_sha256.substr(0, 12), b.workload_sha256.substr(0, 12)));
    }
    if (m.engine_version != b.engine_version)
      c.flags.push_back(fmt::format("{}: engine version {} differs from the baseline's {}", dir,
                                    m.engine_version, b.engine_version));
    if (m.model != b.model)
      c.flags.push_back(
          fmt::format("{}: model {} differs from the baseline's {}", dir, m.model, b.model));
  }
  return comparable;
}

// Deltas against the baseline, with comparability checks on the manifests.
void compute_deltas(StudySummary& st, const StudyData& data, const AnalysisOptions& o) {
  const ConfigSummary* base = nullptr;
  for (const auto& c : st.configs)
    if (c.name == o.baseline) base = &c;
  st.baseline_found = base != nullptr && base->has_data;
  if (!base) {
    st.warnings.push_back(
        fmt::format("baseline configuration '{}' not found: no deltas (choose one with --baseline)",
                    o.baseline));
  } else if (!base->has_data) {
    st.warnings.push_back(fmt::format(
        "baseline configuration '{}' has no successful request: no deltas", o.baseline));
  }
  const RunData* base_run = nullptr;
  if (base)
    for (size_t i : base->runs)
      if (data.runs[i].manifest.present) {
        base_run = &data.runs[i];
        break;
      }
  for (auto& c : st.configs) {
    const bool comparable =
        !base_run || c.is_baseline || check_comparable(c, data, base_run->manifest);
    if (!st.baseline_found || c.is_baseline || !c.has_data) continue;
    for (Stat s : kDeltaStats) {
      if (s == Stat::goodput_rps && !o.any_slo()) continue;
      c.deltas.push_back(make_delta(s, c, *base, o.confidence, comparable));
    }
  }
}

}  // namespace

StudySummary summarize_study(const StudyData& data, const AnalysisOptions& o) {
  StudySummary st;
  st.options = o;
  st.runs_dir = data.runs_dir;
  st.baseline = o.baseline;
  st.warnings = data.warnings;
  st.runs.resize(data.runs.size());
  parallel_for(data.runs.size(), [&](size_t i) { st.runs[i] = summarize_run(data.runs[i], o); });

  // Group runs into configurations, in name order.
  std::map<std::string, std::vector<size_t>> by_cfg;
  for (size_t i = 0; i < data.runs.size(); ++i) by_cfg[data.runs[i].config_name].push_back(i);
  std::vector<std::pair<std::string, std::vector<size_t>>> cfgs(by_cfg.begin(), by_cfg.end());
  st.configs.resize(cfgs.size());
  parallel_for(cfgs.size(), [&](size_t k) {
    st.configs[k] = summarize_config(cfgs[k].first, cfgs[k].second, data, st.runs, o);
  });
  st.all_simulated = st.all_dummy_weights = !st.configs.empty();
  for (const auto& c : st.configs) {
    st.any_simulated = st.any_simulated || c.simulated;
    st.all_simulated = st.all_simulated && c.simulated;
    st.any_dummy_weights = st.any_dummy_weights || c.dummy_weights;
    st.any_predicted = st.any_predicted || c.predicted;
    st.all_dummy_weights = st.all_dummy_weights && c.dummy_weights;
  }
  bootstrap_configs(st, data, o);
  compute_deltas(st, data, o);
  return st;
}

}  // namespace l4lab::analysis
