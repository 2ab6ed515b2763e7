#include "analysis/resource_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace l4lab::analysis {

GpuSummary summarize_gpu(std::span<const GpuSample> samples, Window w,
                         const std::string& gpu_reason) {
  GpuSummary g;
  for (const auto& s : samples)
    if (!std::isnan(s.mem_used_mib)) g.vram_series.emplace_back(s.t_ns, s.mem_used_mib);
  std::sort(g.vram_series.begin(), g.vram_series.end());
  std::vector<const GpuSample*> in;
  for (const auto& s : samples)
    if (w.valid() && s.t_ns >= w.start_ns && s.t_ns <= w.end_ns) in.push_back(&s);
  std::sort(in.begin(), in.end(), [](auto* a, auto* b) { return a->t_ns < b->t_ns; });
  g.samples = in.size();
  if (in.empty()) {
    g.missing_reason = samples.empty()
                           ? (gpu_reason.empty() ? "no GPU samples" : "no GPU: " + gpu_reason)
                           : "no GPU sample inside the measurement window";
    return g;
  }
  for (auto* s : in) {
    if (!std::isnan(s->mem_used_mib))
      g.vram_peak_mib = std::isnan(g.vram_peak_mib) ? s->mem_used_mib
                                                    : std::max(g.vram_peak_mib, s->mem_used_mib);
    if (!std::isnan(s->mem_total_mib)) g.mem_total_mib = s->mem_total_mib;
  }
  if (!std::isnan(g.vram_peak_mib) && !std::isnan(g.mem_total_mib))
    g.headroom_mib = g.mem_total_mib - g.vram_peak_mib;
  // Energy by the trapezoid rule between consecutive samples with power.
  double energy = 0, covered = 0;
  const GpuSample* prev = nullptr;
  for (auto* s : in) {
    if (std::isnan(s->power_w)) continue;
    if (prev) {
      const double dt = static_cast<double>(s->t_ns - prev->t_ns) / 1e9;
      energy += 0.5 * (s->power_w + prev->power_w) * dt;
      covered += dt;
    }
    prev = s;
  }
  if (covered > 0) {
    g.energy_j = energy;
    g.covered_s = covered;
    g.mean_power_w = energy / covered;
  } else if (prev) {
    g.mean_power_w = prev->power_w;  // a single power sample
  }
  return g;
}

HistPlacement place_in_histogram(const EngineHistogram& h, double q, double lab_value_s) {
  HistPlacement p;
  p.q = q;
  p.lab_value_s = lab_value_s;
  if (!h.present()) return p;
  double prev_le = 0, prev_cum = 0;
  for (const auto& b : h.buckets) {
    if (std::isnan(p.lab_hi_s) && !std::isnan(lab_value_s) && lab_value_s <= b.le) {
      p.lab_lo_s = prev_le;
      p.lab_hi_s = b.le;
      p.engine_frac_le_lo = prev_cum / h.count;
      p.engine_frac_le_hi = b.count / h.count;
    }
    if (std::isnan(p.engine_q_hi_s) && b.count >= q / 100.0 * h.count) {
      p.engine_q_lo_s = prev_le;
      p.engine_q_hi_s = b.le;
    }
    prev_le = b.le;
    prev_cum = b.count;
  }
  return p;
}

namespace {

double parse_le(const std::string& le) {
  if (le == "+Inf" || le == "Inf" || le == "inf") return INFINITY;
  return std::strtod(le.c_str(), nullptr);
}

// Sums one series over label sets within a scrape.
struct ScrapeView {
  std::map<std::string, double> scalar;                    // name -> sum
  std::map<std::string, std::map<double, double>> bucket;  // name -> le -> sum
};
ScrapeView view(const EngineScrape& s) {
  ScrapeView v;
  for (const auto& e : s.samples) {
    if (std::isnan(e.value)) continue;
    if (!e.le.empty())
      v.bucket[e.name][parse_le(e.le)] += e.value;
    else
      v.scalar[e.name] += e.value;
  }
  return v;
}

EngineHistogram delta_hist(const ScrapeView& first, const ScrapeView& last,
                           const std::string& base) {
  EngineHistogram h;
  h.name = base;
  auto get = [](const ScrapeView& v, const std::string& n) {
    auto it = v.scalar.find(n);
    return it == v.scalar.end() ? 0.0 : it->second;
  };
  h.count = get(last, base + "_count") - get(first, base + "_count");
  h.sum = get(last, base + "_sum") - get(first, base + "_sum");
  auto lb = last.bucket.find(base + "_bucket");
  if (lb == last.bucket.end()) return h;
  auto fb = first.bucket.find(base + "_bucket");
  for (const auto& [le, cnt] : lb->second) {
    double before = 0;
    if (fb != first.bucket.end()) {
      auto it = fb->second.find(le);
      if (it != fb->second.end()) before = it->second;
    }
    h.buckets.push_back({le, cnt - before});
  }
  return h;
}

}  // namespace

EngineSummary summarize_engine(std::span<const EngineScrape> scrapes, Window w) {
  EngineSummary e;
  e.scrapes = scrapes.size();
  if (scrapes.empty()) return e;
  std::vector<const EngineScrape*> order;
  for (const auto& s : scrapes) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->t_ns < b->t_ns; });
  double kv_sum = 0;
  std::optional<double> pre_first, pre_last;
  for (auto* s : order) {
    const ScrapeView v = view(*s);
    auto kv = v.scalar.find("vllm:kv_cache_usage_perc");
    if (kv == v.scalar.end()) kv = v.scalar.find("vllm:gpu_cache_usage_perc");
    if (kv != v.scalar.end()) {
      e.kv_series.emplace_back(s->t_ns, kv->second);
      if (w.valid() && s->t_ns >= w.start_ns && s->t_ns <= w.end_ns) {
        ++e.kv_samples;
        kv_sum += kv->second;
        e.kv_usage_max =
            std::isnan(e.kv_usage_max) ? kv->second : std::max(e.kv_usage_max, kv->second);
      }
    }
    auto pre = v.scalar.find("vllm:num_preemptions_total");
    if (pre != v.scalar.end()) {
      if (!pre_first) pre_first = pre->second;
      pre_last = pre->second;
    }
  }
  if (e.kv_samples > 0) e.kv_usage_mean = kv_sum / static_cast<double>(e.kv_samples);
  if (pre_first && pre_last) e.preemptions = *pre_last - *pre_first;
  // Histograms: the first scrape (phase "before" when present) against the
  // last, so the delta covers the run.
  const ScrapeView first = view(*order.front()), last = view(*order.back());
  e.first_phase = order.front()->phase;
  e.last_phase = order.back()->phase;
  e.ttft = delta_hist(first, last, "vllm:time_to_first_token_seconds");
  e.e2e = delta_hist(first, last, "vllm:e2e_request_latency_seconds");
  return e;
}

double RequestAccount::expected_lo() const {
  return static_cast<double>(lab_ok + warmup_ok + cooldown_ok) +
         (matrix_warmup_failed ? 0.0 : matrix_warmup);
}
double RequestAccount::expected_hi() const {
  return expected_lo() + static_cast<double>(measured_failed + warmup_failed + cooldown_failed) +
         (matrix_warmup_failed ? matrix_warmup : 0.0);
}

RequestAccount account_requests(std::span<const RequestSample> reqs, const RunManifest& m) {
  RequestAccount a;
  for (const auto& r : reqs) {
    if (r.measured)
      r.ok ? ++a.lab_ok : ++a.measured_failed;
    else if (r.phase == "warmup")
      r.ok ? ++a.warmup_ok : ++a.warmup_failed;
    else
      r.ok ? ++a.cooldown_ok : ++a.cooldown_failed;
  }
  if (m.has_lab_run && !m.metrics_before_after_warmup) {
    a.matrix_warmup = m.lab_warmup_requests;
    a.matrix_warmup_failed = m.lab_warmup_error;
  }
  return a;
}

HistCoverage cover_histogram(const EngineHistogram& h, const EngineSummary& e,
                             const RequestAccount& a) {
  HistCoverage c;
  c.expected_lo = a.expected_lo();
  c.expected_hi = a.expected_hi();
  if (h.buckets.empty()) {
    c.note = "the engine exposed no such histogram";
    return c;
  }
  c.present = true;
  c.engine_count = h.count;
  c.whole_run = e.first_phase == "before" && e.last_phase == "after";
  std::string parts = fmt::format("{} measured ok (the lab's percentiles)", a.lab_ok);
  if (a.warmup_ok) parts += fmt::format(" + {} bench warm-up", a.warmup_ok);
  if (a.cooldown_ok) parts += fmt::format(" + {} cool-down", a.cooldown_ok);
  if (a.matrix_warmup && !a.matrix_warmup_failed)
    parts += fmt::format(" + {} matrix warm-up (this run's \"before\" scrape preceded it)",
                         a.matrix_warmup);
  const double maybe = c.expected_hi - c.expected_lo;
  c.adds_up = c.whole_run && h.count >= c.expected_lo && h.count <= c.expected_hi;
  if (c.adds_up) {
    c.note = fmt::format("engine counted {:g} = {}", h.count, parts);
    if (maybe > 0)
      c.note += fmt::format(
          " + {:g} of {:g} failed request(s) (a failed request may or may not "
          "reach the engine's histograms)",
          h.count - c.expected_lo, maybe);
    return c;
  }
  const std::string range = maybe > 0 ? fmt::format("{:g} to {:g}", c.expected_lo, c.expected_hi)
                                      : fmt::format("{:g}", c.expected_lo);
  c.note =
      fmt::format("does not add up: engine counted {:g}, the traces account for {} ({}{})", h.count,
                  range, parts, maybe > 0 ? fmt::format(" + up to {:g} failed", maybe) : "");
  if (!c.whole_run)
    c.note += fmt::format(
        "; the scrapes do not cover the whole run (first \"{}\", last \"{}\"; expected "
        "\"before\" and \"after\")",
        e.first_phase.empty() ? "?" : e.first_phase, e.last_phase.empty() ? "?" : e.last_phase);
  else if (h.count > c.expected_hi)
    c.note +=
        "; the engine served requests the traces do not show (another client, or requests "
        "before the \"before\" scrape finished late)";
  else
    c.note += "; the engine counted fewer requests than succeeded";
  return c;
}

}  // namespace l4lab::analysis
