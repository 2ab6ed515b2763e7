#include "capacity/capacity_record.h"

#include <fmt/format.h>

#include <cmath>

#include "capacity/capacity_comparison.h"

namespace l4lab::capacity {
namespace {

nlohmann::json num_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

}  // namespace

nlohmann::json step_json(const StepRecord& s) {
  const auto& v = s.verdict;
  nlohmann::json slos = nlohmann::json::array();
  for (const auto& o : v.slos)
    slos.push_back({{"slo", o.slo},
                    {"value", num_or_null(o.value)},
                    {"pass", o.pass},
                    {"evidence", evidence_name(o.evidence)},
                    {"allowed_fraction_beyond", o.allowed},
                    {"beyond",
                     {{"n", o.beyond.n},
                      {"k", o.beyond.k},
                      {"fraction", o.beyond.fraction},
                      {"inflation", o.beyond.inflation},
                      {"n_eff", o.beyond.n_eff},
                      {"lower", o.beyond.lower},
                      {"upper", o.beyond.upper}}}});
  return {{"index", s.index},
          {"dir", s.dir},
          {"rate_rps", s.rate},
          {"pass", v.pass},
          {"evidence", evidence_name(v.evidence)},
          {"reason", v.reason},
          {"measured_requests", v.n},
          {"bound_confidence", v.confidence},
          {"saturated", s.saturation.saturated},
          {"saturation_why",
           s.saturation.why.empty() ? nlohmann::json() : nlohmann::json(s.saturation.why)},
          {"ended_early", s.ended_early},
          {"counted", s.counted},
          {"wall_s", s.wall_s},
          {"bench_status", s.bench_status},
          {"bench_exit", s.bench_exit},
          {"load",
           {{"offered", v.load.offered},
            {"why", v.load.why.empty() ? nlohmann::json() : nlohmann::json(v.load.why)},
            {"scheduled_rate_rps", v.load.scheduled_rate},
            {"delivered_rate_rps", v.load.delivered_rate},
            {"lag_p99_ms", num_or_null(v.load.lag_p99_ms)},
            {"lag_limit_ms", v.load.lag_limit_ms},
            {"not_sent", v.load.not_sent}}},
          {"slos", slos}};
}

nlohmann::json capacity_json(const nlohmann::json& header, const SloSet& slos,
                             const std::vector<StepRecord>& steps, const CapacityEstimate& est,
                             const std::string& stop_reason) {
  nlohmann::json j = header;
  j["schema"] = "l4lab.capacity/1";
  j["slos"] = slos.texts();
  j["steps"] = nlohmann::json::array();
  for (const auto& s : steps) j["steps"].push_back(step_json(s));
  j["search_stop"] = stop_reason;
  j["capacity"] = {{"capacity_rps", opt_json(est.capacity_rps)},
                   {"first_fail_rps", opt_json(est.first_fail_rps)},
                   {"interval",
                    {{"lower_rps", opt_json(est.lower_rps)},
                     {"upper_rps", opt_json(est.upper_rps)},
                     {"upper_from_saturation", est.upper_from_saturation},
                     {"meaning", kIntervalMeaning}}},
                   {"note", est.note}};
  return j;
}

std::string capacity_table(const std::vector<StepRecord>& steps, const CapacityEstimate& est,
                           const std::string& stop_reason) {
  std::string t = fmt::format("{:>4} {:>9} {:>5} {:>9} {:>6} {:>9} {:>9}  {}\n", "step", "rate/s",
                              "n", "verdict", "sure", "lag p99", "sat", "why");
  for (const auto& s : steps) {
    const auto& v = s.verdict;
    t += fmt::format(
        "{:>4} {:>9.3f} {:>5} {:>9} {:>6} {:>7.1f}ms {:>9}  {}\n", s.index, s.rate, v.n,
        v.pass ? "pass" : "FAIL",
        v.evidence == Evidence::undecided ? "?" : std::string(evidence_name(v.evidence)),
        v.load.lag_p99_ms, s.saturation.saturated ? "SATURATED" : "-", v.reason);
    for (const auto& o : v.slos)
      t += fmt::format(
          "{:>32} {} = {:.4g}; beyond the limit {}/{} ({:.2f}%, {:.3f}% bounds "
          "[{:.2f}%, {:.2f}%], allowed {:.2f}%, n_eff {:.0f})\n",
          "", o.slo, o.value, o.beyond.k, o.beyond.n, 100 * o.beyond.fraction, 100 * v.confidence,
          100 * o.beyond.lower, 100 * o.beyond.upper, 100 * o.allowed, o.beyond.n_eff);
  }
  auto f = [](const std::optional<double>& v) {
    return v ? fmt::format("{:.3f}", *v) : std::string("none");
  };
  t += fmt::format("search: {}\n", stop_reason);
  t += fmt::format("capacity: {} req/s (first fail {}); interval [{}, {}] req/s{}\n",
                   f(est.capacity_rps), f(est.first_fail_rps), f(est.lower_rps), f(est.upper_rps),
                   est.upper_from_saturation ? kUpperFromSaturation : "");
  return t;
}

std::string capacity_markdown(const nlohmann::json& header, const SloSet& slos,
                              const std::vector<StepRecord>& steps, const CapacityEstimate& est,
                              const std::string& stop_reason) {
  auto f = [](const std::optional<double>& v) {
    return v ? fmt::format("{:.3f}", *v) : std::string("none");
  };
  std::string slo_list;
  for (const auto& t : slos.texts()) slo_list += (slo_list.empty() ? "`" : ", `") + t + "`";
  std::string md = "# Capacity under SLOs\n\n";
  md += fmt::format("Endpoint `{}`, workload `{}`, Poisson arrivals; SLOs {}.\n\n",
                    header.value("url", std::string("?")),
                    header.contains("workload") ? header["workload"].value("path", std::string("?"))
                                                : std::string("?"),
                    slo_list);
  md += fmt::format(
      "| capacity req/s | first fail req/s | interval req/s |\n|---|---|---|\n| **{}** | {} | "
      "[{}, {}] |\n\n",
      f(est.capacity_rps), f(est.first_fail_rps), f(est.lower_rps), f(est.upper_rps));
  if (est.upper_from_saturation)
    md += fmt::format(
        "**The upper end {} req/s comes from a step flagged saturated**, not from a measured SLO "
        "breach: the saturation check is a heuristic without a stated confidence, so the 95% "
        "below does not cover this end. Near the throughput limit two schedule seeds can "
        "disagree on it (docs/CAPACITY.md#two-schedule-seeds); repeat the search with another "
        "`--seed` before resting a decision on it.\n\n",
        f(est.upper_rps));
  md += fmt::format("Search: {}.\n\nThe interval: {}\n\n", stop_reason, kIntervalMeaning);
  md +=
      "## Steps\n\n| step | rate req/s | measured | verdict | evidence | saturated | lag p99 "
      "ms | why | run |\n|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& s : steps) {
    const auto& v = s.verdict;
    md += fmt::format("| {} | {:.3f} | {} | {} | {} | {} | {:.1f} | {} | [{}]({}) |\n", s.index,
                      s.rate, v.n, v.pass ? "pass" : "**fail**", evidence_name(v.evidence),
                      s.saturation.saturated ? "yes" : "no", v.load.lag_p99_ms, v.reason, s.dir,
                      s.dir);
  }
  md +=
      "\n## Each SLO at each step\n\n| step | SLO | value | beyond the limit | bounds on "
      "that fraction | allowed | evidence |\n|---|---|---|---|---|---|---|\n";
  for (const auto& s : steps)
    for (const auto& o : s.verdict.slos)
      md += fmt::format(
          "| {} | `{}` | {:.4g} | {}/{} ({:.2f}%) | [{:.2f}%, {:.2f}%] | {:.2f}% | {} |\n", s.index,
          o.slo, o.value, o.beyond.k, o.beyond.n, 100 * o.beyond.fraction, 100 * o.beyond.lower,
          100 * o.beyond.upper, 100 * o.allowed, evidence_name(o.evidence));
  md +=
      "\nEvery step is an ordinary run folder: `l4lab verify` on this folder recomputes each "
      "step's numbers from its traces (docs/CAPACITY.md).\n";
  return md;
}

}  // namespace l4lab::capacity
