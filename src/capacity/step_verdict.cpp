#include "capacity/step_verdict.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "metrics/goodput.h"
#include "metrics/latency.h"
#include "metrics/percentile.h"

namespace l4lab::capacity {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double metric_of(const RequestOutcome& r, SloMetric m) {
  if (!r.ok) return kInf;  // a failed request never meets a latency limit
  switch (m) {
    case SloMetric::ttft:
      return r.ttft_ms;
    case SloMetric::tpot:
      return r.tpot_ms;
    case SloMetric::e2e:
      return r.e2e_ms;
  }
  return kInf;
}

Evidence evidence_of(const ProportionBounds& b, double allowed) {
  if (b.upper <= allowed) return Evidence::pass;
  if (b.lower > allowed) return Evidence::fail;
  return Evidence::undecided;
}

}  // namespace

StepData step_data_from_traces(std::span<const traces::TraceRecord> traces, double asked_rate) {
  StepData d;
  d.asked_rate = asked_rate;
  for (const auto& t : traces) {
    if (t.phase != traces::Phase::measured) continue;
    if (t.failure_class == traces::FailureClass::cancelled) {
      ++d.cut_by_stop;  // ended early by the search (saturation) or interrupted
      continue;
    }
    if (!t.t_sent_ns || !t.t_scheduled_ns) {
      ++d.measured_not_sent;
      continue;
    }
    RequestOutcome r;
    r.ok = t.ok && t.t_first_token_ns && t.t_end_ns;
    r.t_scheduled_ns = *t.t_scheduled_ns;
    r.t_sent_ns = *t.t_sent_ns;
    r.lag_ms = metrics::ms_between(*t.t_scheduled_ns, *t.t_sent_ns);
    if (r.ok) {
      r.ttft_ms = metrics::ttft_ms(*t.t_scheduled_ns, *t.t_first_token_ns);
      r.e2e_ms = metrics::e2e_ms(*t.t_scheduled_ns, *t.t_end_ns);
      // TPOT from the send time, as the lab defines it (lag cancels out).
      const double tpot = metrics::tpot_ms(metrics::e2e_ms(*t.t_sent_ns, *t.t_end_ns),
                                           metrics::ttft_ms(*t.t_sent_ns, *t.t_first_token_ns),
                                           t.usage_completion_tokens.value_or(0));
      r.tpot_ms = std::isnan(tpot) ? 0 : tpot;
    }
    d.measured.push_back(r);
  }
  std::sort(d.measured.begin(), d.measured.end(),
            [](const RequestOutcome& a, const RequestOutcome& b) {
              return a.t_scheduled_ns < b.t_scheduled_ns;
            });
  return d;
}

LoadCheck check_load(const StepData& d) {
  LoadCheck c;
  c.not_sent = d.measured_not_sent;
  const size_t n = d.measured.size();
  c.lag_limit_ms = std::max(10.0, d.asked_rate > 0 ? 100.0 / d.asked_rate : 10.0);
  if (n < 2) {
    c.why = fmt::format("{} measured requests sent: too few to judge the step", n);
    return c;
  }
  int64_t s0 = d.measured.front().t_scheduled_ns, s1 = d.measured.back().t_scheduled_ns;
  int64_t a0 = INT64_MAX, a1 = INT64_MIN;
  std::vector<double> lags;
  lags.reserve(n);
  for (const auto& r : d.measured) {
    a0 = std::min(a0, r.t_sent_ns);
    a1 = std::max(a1, r.t_sent_ns);
    lags.push_back(r.lag_ms);
  }
  c.scheduled_rate = s1 > s0 ? double(n - 1) / (double(s1 - s0) * 1e-9) : 0;
  c.delivered_rate = a1 > a0 ? double(n - 1) / (double(a1 - a0) * 1e-9) : 0;
  c.lag_p99_ms = metrics::percentile(lags, 99);
  if (c.not_sent > 0) {
    c.why = fmt::format("{} measured requests were never sent", c.not_sent);
  } else if (!(c.lag_p99_ms <= c.lag_limit_ms)) {
    c.why = fmt::format(
        "the client fell behind its schedule: p99 scheduled-to-sent lag {:.1f} ms > {:.1f} ms",
        c.lag_p99_ms, c.lag_limit_ms);
  } else {
    c.offered = true;
  }
  return c;
}

StepVerdict judge_step(const StepData& d, const SloSet& slos, bool saturated, double conf) {
  StepVerdict v;
  v.n = d.measured.size();
  v.load = check_load(d);
  v.saturated = saturated;
  v.confidence = conf;
  std::vector<bool> beyond(v.n);
  std::vector<bool> bad(v.n, false);  // for goodput: failed or beyond any limit
  for (const auto& s : slos.latency) {
    SloOutcome o;
    o.slo = s.text();
    o.allowed = s.allowed_fraction();
    std::vector<double> values(v.n);
    for (size_t i = 0; i < v.n; ++i) {
      values[i] = metric_of(d.measured[i], s.metric);
      beyond[i] = !(values[i] <= s.limit_ms);
      bad[i] = bad[i] || beyond[i] || !d.measured[i].ok;
    }
    o.value = v.n ? metrics::percentile(values, s.percentile) : kInf;
    o.pass = o.value <= s.limit_ms;
    o.beyond = bound_clustered(beyond, conf);
    o.evidence = evidence_of(o.beyond, o.allowed);
    v.slos.push_back(o);
  }
  if (slos.goodput_fraction) {
    SloOutcome o;
    o.slo = fmt::format("goodput={}", *slos.goodput_fraction);
    o.allowed = 1 - *slos.goodput_fraction;
    o.beyond = bound_clustered(bad, conf);
    o.value = v.n ? 1 - o.beyond.fraction : 0;
    o.pass = v.n > 0 && o.beyond.fraction <= o.allowed;
    o.evidence = evidence_of(o.beyond, o.allowed);
    v.slos.push_back(o);
  }
  bool all_pass = v.n > 0, any_fail_evidence = false, all_pass_evidence = v.n > 0;
  std::string failed;
  for (const auto& o : v.slos) {
    all_pass = all_pass && o.pass;
    any_fail_evidence = any_fail_evidence || o.evidence == Evidence::fail;
    all_pass_evidence = all_pass_evidence && o.evidence == Evidence::pass;
    if (!o.pass)
      failed += fmt::format("{}{} is {:.4g}", failed.empty() ? "" : "; ", o.slo, o.value);
  }
  if (saturated) {
    // The in-flight count grew without bound: past the server's throughput,
    // where every latency limit is eventually broken.
    v.pass = false;
    v.evidence = Evidence::fail;
    v.reason = "saturated: the in-flight count kept growing (ended early)";
  } else if (!v.load.offered) {
    v.pass = false;
    v.evidence = Evidence::undecided;
    v.reason = "load not offered: " + v.load.why;
  } else if (all_pass) {
    v.pass = true;
    v.evidence = all_pass_evidence ? Evidence::pass : Evidence::undecided;
    v.reason = all_pass_evidence ? "every SLO holds, each with its bound inside the limit"
                                 : "every SLO holds at the point estimate; the bound on the "
                                   "fraction beyond a limit reaches past the allowed fraction";
  } else {
    v.pass = false;
    v.evidence = any_fail_evidence ? Evidence::fail : Evidence::undecided;
    v.reason = failed;
  }
  return v;
}

}  // namespace l4lab::capacity
