#include "report/format.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "metrics/percentile.h"

namespace l4lab::report {

using namespace analysis;
using namespace metrics;

std::string fnum(double v, int decimals) {
  if (!std::isfinite(v)) return "–";
  if (decimals < 0) {
    const double a = std::fabs(v);
    decimals = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : a == 0 ? 0 : 3;
  }
  return fmt::format("{:.{}f}", v, decimals);
}

std::string fpct(double f) { return std::isfinite(f) ? fmt::format("{:.1f}%", f * 100) : "–"; }

std::string fsigned_pct(double pct) {
  return std::isfinite(pct) ? fmt::format("{:+.1f}%", pct) : "–";
}

std::string fci(double lo, double hi, int decimals) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return "";
  return fmt::format("[{}, {}]", fnum(lo, decimals), fnum(hi, decimals));
}

std::string fci_boot(const BootstrapResult& b, size_t i) {
  if (b.no_variance[i]) return "(no variance measured)";
  return fci(b.lo[i], b.hi[i]);
}

std::string interval_method_text() {
  return "Intervals are two-stage percentile bootstrap intervals: each resample draws the "
         "configuration's trials with replacement (when it has more than one, so the variance "
         "between trials enters the interval), then each drawn trial's requests with "
         "replacement. A change against the baseline is the percentile interval of the paired "
         "ratios configuration/baseline of the two bootstraps (the log-ratio interval, "
         "transformed back), so a change of a non-negative quantity never falls below -100%; "
         "the absolute interval is baseline x (ratio - 1). A statistic whose resamples have no "
         "variance (zero-width interval: a fixed count in a closed loop, identical requests) "
         "gets no interval and the verdict 'no variance measured', never better or worse. "
         "With a single trial, an interval reflects only which requests were drawn, not "
         "run-to-run variation: a change whose interval excludes 0 when either side has one "
         "trial is 'indicative (1 trial)', not better or worse (docs/METRICS.md#intervals, "
         "#deltas).";
}

std::string fp99(const Dist& d) {
  if (d.n == 0) return "–";
  const bool thin = samples_beyond(d.n, 99) < 10;
  return fmt::format("{}{}", fnum(d.p99), thin ? "†" : "");
}

std::string cfg_label(const ConfigSummary& c) {
  return c.name +
         (c.predicted   ? " (PREDICTED)"
          : c.simulated ? " (SIMULATED)"
                        : "") +
         (c.dummy_weights ? " (DUMMY WEIGHTS)" : "");
}

std::string kv_capacity_cell(const ConfigSummary& c) {
  if (std::isnan(c.kv_cache_tokens_min)) return "–";
  if (c.kv_cache_tokens_min == c.kv_cache_tokens_max) return fnum(c.kv_cache_tokens_min, 0);
  return fnum(c.kv_cache_tokens_min, 0) + "–" + fnum(c.kv_cache_tokens_max, 0);
}

std::string simulated_banner(const StudySummary& s) {
  if (!s.any_simulated) return "";
  std::string out = fmt::format(
      "{} configurations ran on the simulated engine (`serve-sim`), not a real GPU; each is "
      "labelled SIMULATED wherever its numbers appear.",
      s.all_simulated ? "all" : "some");
  // Each distinct profile source once, with the configurations it served.
  std::vector<std::pair<std::string, std::vector<std::string>>> sources;
  for (const auto& c : s.configs) {
    if (!c.simulated || c.predicted || (!c.has_data && c.sim_profile_sources.empty())) continue;
    const std::string src = c.sim_profile_sources.empty()
                                ? "not stated in its engine log"
                                : fmt::format("{}", fmt::join(c.sim_profile_sources, " | "));
    auto it =
        std::find_if(sources.begin(), sources.end(), [&](const auto& e) { return e.first == src; });
    if (it == sources.end())
      sources.push_back({src, {c.name}});
    else
      it->second.push_back(c.name);
  }
  for (const auto& [src, cfgs] : sources)
    out += fmt::format(" Profile of {}: {}.", fmt::join(cfgs, ", "), src);
  return out;
}

std::string predicted_banner(const StudySummary& s) {
  if (!s.any_predicted) return "";
  std::string out =
      "configurations labelled PREDICTED were not run: `l4lab predict` ran serve-sim's engine "
      "model in virtual time with a profile calibrated to real runs (docs/TWIN.md). Their "
      "figures are a model's; the profile's measured validation error, per metric:";
  for (const auto& c : s.configs) {
    if (!c.predicted) continue;
    out += fmt::format(" {} (profile `{}`):", c.name, c.prediction_profile);
    if (c.prediction_error.empty()) out += " none recorded;";
    for (const auto& [k, e] : c.prediction_error) out += fmt::format(" {} {:+.1f}%,", k, 100 * e);
    if (out.back() == ',') out.back() = ';';
  }
  if (out.back() == ';') out.back() = '.';
  return out;
}

std::string dummy_weights_banner(const StudySummary& s) {
  if (!s.any_dummy_weights) return "";
  return fmt::format(
      "{} configurations ran a real engine on a real GPU with random (dummy) weights: speed "
      "and memory are real, the generated text is not, and anything that depends on the text "
      "(speculative-decoding acceptance, early stops) is an artefact of random weights. Each "
      "is labelled DUMMY WEIGHTS.",
      s.all_dummy_weights ? "all" : "some");
}

std::string no_comparison_text(const StudySummary& s) {
  return s.configs.size() <= 1
             ? "only the baseline configuration was run: nothing to compare it with"
             : "no configuration other than the baseline has successful requests";
}

std::string run_label(const RunSummary& r) {
  return r.rel_dir +
         (r.predicted   ? " (PREDICTED)"
          : r.simulated ? " (SIMULATED)"
                        : "") +
         (r.dummy_weights ? " (DUMMY WEIGHTS)" : "");
}

std::string verdict_word(const Delta& d) { return d.verdict; }

std::string metric_anchor(Stat s) {
  switch (s) {
    case Stat::request_throughput:
    case Stat::output_throughput:
    case Stat::total_token_throughput:
      return "throughput";
    case Stat::goodput_rps:
      return "goodput";
    case Stat::success_rate:
      return "success-rate";
    case Stat::ttft_p50:
    case Stat::ttft_p95:
    case Stat::ttft_p99:
      return "ttft";
    case Stat::tpot_p50:
    case Stat::tpot_p95:
    case Stat::tpot_p99:
      return "tpot";
    case Stat::e2e_p50:
    case Stat::e2e_p95:
    case Stat::e2e_p99:
      return "e2e";
    case Stat::count_:
      break;
  }
  return "";
}

}  // namespace l4lab::report
