#include "client/bench_stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "metrics/latency.h"
#include "metrics/percentile.h"

namespace l4lab::client {

void BenchStats::add(const traces::TraceRecord& r) {
  ++done_;
  by_phase_[std::string(traces::phase_name(r.phase))]++;
  if (r.ok) ++ok_;
  if (!r.ok && r.failure_class != traces::FailureClass::cancelled) ++failures_;
  if (!r.ok)
    failures_by_class_[fmt::format("{}/{}", traces::failure_class_name(r.failure_class),
                                   r.failure_detail.value_or(""))]++;
  if (r.t_sent_ns && r.t_scheduled_ns)
    lag_.push_back(metrics::ms_between(*r.t_scheduled_ns, *r.t_sent_ns));
  if (r.prompt_count_mismatch.value_or(false)) ++mismatches_;
  if (r.phase != traces::Phase::measured) return;
  ++measured_;
  if (r.t_sent_ns) window_start_ = std::min(window_start_, *r.t_sent_ns);
  if (r.t_end_ns) window_end_ = std::max(window_end_, *r.t_end_ns);
  if (!r.ok) return;
  ++measured_ok_;
  out_tokens_ += r.usage_completion_tokens.value_or(0);
  in_tokens_ += r.usage_prompt_tokens.value_or(0);
  // An ok record has every stamp (docs/FORMATS.md's strict rule).
  const double ttft = metrics::ttft_ms(*r.t_sent_ns, *r.t_first_token_ns);
  const double e2e = metrics::e2e_ms(*r.t_sent_ns, *r.t_end_ns);
  ttft_.push_back(ttft);
  ttft_sched_.push_back(metrics::ttft_ms(*r.t_scheduled_ns, *r.t_first_token_ns));
  e2e_.push_back(e2e);
  e2e_sched_.push_back(metrics::e2e_ms(*r.t_scheduled_ns, *r.t_end_ns));
  const double tpot = metrics::tpot_ms(e2e, ttft, r.usage_completion_tokens.value_or(0));
  if (!std::isnan(tpot)) tpot_.push_back(tpot);
  chunk_t_.clear();
  for (const auto& c : r.chunks) chunk_t_.push_back(c.t_ns);
  metrics::append_itl_ms(chunk_t_, itl_);
}

void BenchStats::reserve(size_t requests) {
  for (auto* v : {&ttft_, &ttft_sched_, &e2e_, &e2e_sched_, &tpot_, &lag_}) v->reserve(requests);
}

std::array<double, 4> BenchStats::live_latency() const {
  return {metrics::percentile(ttft_, 50), metrics::percentile(ttft_, 95),
          metrics::percentile(e2e_, 50), metrics::percentile(e2e_, 95)};
}

namespace {
nlohmann::json dist(const std::vector<double>& v) {
  nlohmann::json j;
  j["count"] = v.size();
  if (v.empty()) return j;
  double sum = 0;
  for (double x : v) sum += x;
  j["mean"] = sum / double(v.size());
  for (int p : {50, 90, 95, 99}) j[fmt::format("p{}", p)] = metrics::percentile(v, p);
  j["max"] = *std::max_element(v.begin(), v.end());
  return j;
}
}  // namespace

nlohmann::json BenchStats::summary() const {
  nlohmann::json j;
  j["requests"] = {{"done", done_},
                   {"ok", ok_},
                   {"failed", failures_},
                   {"measured", measured_},
                   {"measured_ok", measured_ok_},
                   {"prompt_count_mismatch", mismatches_}};
  j["by_phase"] = by_phase_;
  j["failures"] = failures_by_class_;
  double dur = window_end_ > window_start_ ? double(window_end_ - window_start_) / 1e9 : 0.0;
  j["window"] = {
      {"start_mono_ns",
       window_start_ == INT64_MAX ? nlohmann::json() : nlohmann::json(window_start_)},
      {"end_mono_ns", window_end_ == INT64_MIN ? nlohmann::json() : nlohmann::json(window_end_)},
      {"duration_s", dur}};
  j["throughput"] = {{"requests_per_s", dur > 0 ? double(measured_ok_) / dur : 0.0},
                     {"output_tokens_per_s", dur > 0 ? double(out_tokens_) / dur : 0.0},
                     {"total_tokens_per_s", dur > 0 ? double(out_tokens_ + in_tokens_) / dur : 0.0},
                     {"output_tokens", out_tokens_},
                     {"input_tokens", in_tokens_}};
  j["ttft_ms"] = dist(ttft_);
  j["ttft_from_scheduled_ms"] = dist(ttft_sched_);
  j["e2e_ms"] = dist(e2e_);
  j["e2e_from_scheduled_ms"] = dist(e2e_sched_);
  j["tpot_ms"] = dist(tpot_);
  j["itl_ms"] = dist(itl_);
  j["scheduling_lag_ms"] = dist(lag_);
  return j;
}

std::string BenchStats::table() const {
  auto s = summary();
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "requests: {} done, {} ok, {} failed (measured: {} / {} ok)\n", done_, ok_,
                 failures_, measured_, measured_ok_);
  for (auto& [k, v] : failures_by_class_) fmt::format_to(it, "  failure {:<32} {}\n", k, v);
  fmt::format_to(it, "window {:.3f} s: {:.2f} req/s, {:.1f} output tok/s\n",
                 s["window"]["duration_s"].get<double>(),
                 s["throughput"]["requests_per_s"].get<double>(),
                 s["throughput"]["output_tokens_per_s"].get<double>());
  fmt::format_to(it, "{:<24}{:>10}{:>10}{:>10}{:>10}{:>10}{:>10}\n", "metric (ms)", "mean", "p50",
                 "p90", "p95", "p99", "max");
  for (const char* k : {"ttft_ms", "ttft_from_scheduled_ms", "itl_ms", "tpot_ms", "e2e_ms",
                        "e2e_from_scheduled_ms", "scheduling_lag_ms"}) {
    const auto& d = s[k];
    if (d["count"].get<size_t>() == 0) {
      fmt::format_to(it, "{:<24}{:>10}\n", k, "-");
      continue;
    }
    fmt::format_to(it, "{:<24}{:>10.3f}{:>10.3f}{:>10.3f}{:>10.3f}{:>10.3f}{:>10.3f}\n", k,
                   d["mean"].get<double>(), d["p50"].get<double>(), d["p90"].get<double>(),
                   d["p95"].get<double>(), d["p99"].get<double>(), d["max"].get<double>());
  }
  return out;
}

}  // namespace l4lab::client
