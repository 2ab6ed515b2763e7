#include "capacity/capacity_comparison.h"

#include <fmt/format.h>

namespace l4lab::capacity {
nlohmann::json opt_json(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

std::string opt_text(const std::optional<double>& v) {
  return v ? fmt::format("{:.3f}", *v) : std::string("open");
}

CapacityCells capacity_cells(const std::optional<CapacityEstimate>& e) {
  CapacityCells c;
  if (!e) return c;
  c.capacity = e->capacity_rps ? opt_text(e->capacity_rps) : "none";
  c.interval = "[" + opt_text(e->lower_rps) + ", " + opt_text(e->upper_rps) +
               (e->upper_from_saturation ? " sat" : "") + "]";
  return c;
}

namespace {

// Appended to a verdict's why when the upper end it rests on came from a
// saturated step (capacity_estimate.h).
constexpr const char* kRestsOnSaturation =
    "; {}'s upper end comes from a saturation flag, a heuristic without a stated confidence, so "
    "this verdict does not carry the 90%";

const ConfigCapacity* find(const std::vector<ConfigCapacity>& cs, const std::string& name) {
  for (const auto& c : cs)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

CapacityVerdict verdict_against_baseline(const std::vector<ConfigCapacity>& cs,
                                         const ConfigCapacity& c) {
  if (c.name == c.baseline || c.baseline.empty()) return {"baseline", std::nullopt, ""};
  const ConfigCapacity* b = find(cs, c.baseline);
  if (!b)
    return {"no verdict", std::nullopt,
            "its baseline " + c.baseline + " was not searched in this run"};
  return compare_capacity(c, *b);
}

CapacityVerdict compare_capacity(const ConfigCapacity& config, const ConfigCapacity& baseline) {
  CapacityVerdict v{"no verdict", std::nullopt, ""};
  if (!config.estimate || !baseline.estimate) {
    v.why = fmt::format("{} has no capacity ({})", !config.estimate ? config.name : baseline.name,
                        !config.estimate ? config.status : baseline.status);
    return v;
  }
  const auto& c = *config.estimate;
  const auto& b = *baseline.estimate;
  if (c.capacity_rps && b.capacity_rps && *b.capacity_rps > 0)
    v.delta_pct = (*c.capacity_rps / *b.capacity_rps - 1) * 100;
  if (c.lower_rps && b.upper_rps && *c.lower_rps > *b.upper_rps) {
    v.verdict = "higher";
    v.why = fmt::format("its interval's lower end {:.3f} req/s is above {}'s upper end {:.3f}",
                        *c.lower_rps, baseline.name, *b.upper_rps);
    if (b.upper_from_saturation) v.why += fmt::format(kRestsOnSaturation, baseline.name);
  } else if (c.upper_rps && b.lower_rps && *c.upper_rps < *b.lower_rps) {
    v.verdict = "lower";
    v.why = fmt::format("its interval's upper end {:.3f} req/s is below {}'s lower end {:.3f}",
                        *c.upper_rps, baseline.name, *b.lower_rps);
    if (c.upper_from_saturation) v.why += fmt::format(kRestsOnSaturation, config.name);
  } else if (c.lower_rps && c.upper_rps && b.lower_rps && b.upper_rps) {
    v.verdict = "no clear difference";
    v.why = fmt::format("the intervals [{:.3f}, {:.3f}] and {}'s [{:.3f}, {:.3f}] overlap",
                        *c.lower_rps, *c.upper_rps, baseline.name, *b.lower_rps, *b.upper_rps);
  } else {
    v.why = fmt::format("an interval is open: [{}, {}] against {}'s [{}, {}]",
                        opt_text(c.lower_rps), opt_text(c.upper_rps), baseline.name,
                        opt_text(b.lower_rps), opt_text(b.upper_rps));
  }
  return v;
}

nlohmann::json capacity_plan_json(const nlohmann::json& header,
                                  const std::vector<ConfigCapacity>& configs) {
  nlohmann::json j = header;
  j["schema"] = "l4lab.capacity_plan/1";
  j["verdict_rule"] =
      "higher/lower: the configuration's capacity interval lies wholly above/below its "
      "baseline's; each interval holds with probability >= 95%, so a verdict holds with >= 90% "
      "(union bound); overlapping intervals: no clear difference; an open interval: no verdict";
  j["configs"] = nlohmann::json::array();
  for (const auto& c : configs) {
    const auto v = verdict_against_baseline(configs, c);
    nlohmann::json e = {
        {"name", c.name},       {"baseline", c.baseline}, {"status", c.status},
        {"reason", c.reason},   {"dir", c.dir},           {"steps", c.steps},
        {"verdict", v.verdict}, {"verdict_why", v.why},   {"delta_pct", opt_json(v.delta_pct)}};
    if (c.estimate)
      e["capacity"] = {{"capacity_rps", opt_json(c.estimate->capacity_rps)},
                       {"lower_rps", opt_json(c.estimate->lower_rps)},
                       {"upper_rps", opt_json(c.estimate->upper_rps)},
                       {"upper_from_saturation", c.estimate->upper_from_saturation},
                       {"note", c.estimate->note}};
    else
      e["capacity"] = nullptr;
    j["configs"].push_back(std::move(e));
  }
  return j;
}

std::string capacity_plan_markdown(const nlohmann::json& header,
                                   const std::vector<ConfigCapacity>& configs) {
  std::string md = "# Capacity per configuration\n\n";
  if (header.contains("plan")) md += fmt::format("Plan: `{}`. ", header["plan"].get<std::string>());
  if (header.contains("slos")) {
    std::string s;
    for (const auto& t : header["slos"])
      s += (s.empty() ? "" : ", ") + ("`" + t.get<std::string>() + "`");
    md += "SLOs: " + s + ".";
  }
  md +=
      "\n\n| config | status | capacity req/s | interval req/s | vs baseline | verdict | why |\n"
      "|---|---|---:|---|---:|---|---|\n";
  for (const auto& c : configs) {
    const auto v = verdict_against_baseline(configs, c);
    const auto cells = capacity_cells(c.estimate);
    const std::string delta = v.delta_pct ? fmt::format("{:+.1f}%", *v.delta_pct) : "-";
    const std::string status = c.reason.empty() ? c.status : c.status + ": " + c.reason;
    md += fmt::format("| [{}]({}/capacity.md) | {} | {} | {} | {} | {} | {} |\n", c.name, c.dir,
                      status, cells.capacity, cells.interval, delta, v.verdict, v.why);
  }
  md +=
      "\nA verdict is `higher` or `lower` only when the two capacity intervals do not overlap "
      "(each built to hold with probability >= 95%, so the verdict with >= 90%; measured in model "
      "time with 40 s steps, an interval held the long-run capacity far less often: "
      "docs/CAPACITY.md#coverage); the point capacities' "
      "difference is shown whatever the verdict. An upper end marked `sat` comes from a step "
      "flagged saturated: that check is a heuristic without a stated confidence (two schedule "
      "seeds can disagree on it near the throughput limit, docs/CAPACITY.md#two-schedule-seeds), "
      "so a verdict resting on such an end does not carry the 90%. Each configuration's steps "
      "are ordinary run "
      "folders under its own folder (`l4lab verify` recomputes them).\n";
  return md;
}

}  // namespace l4lab::capacity
