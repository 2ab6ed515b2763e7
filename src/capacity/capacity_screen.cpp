#include "capacity/capacity_screen.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace l4lab::capacity {
namespace {

const ScreenedConfig* find(const std::vector<ScreenedConfig>& cs, const std::string& name) {
  for (const auto& c : cs)
    if (c.capacity.name == name) return &c;
  return nullptr;
}

// "ttft_p95_ms ±12.3%; tpot_p95_ms error unknown"
std::string error_note(const ScreenedConfig& c) {
  std::string s;
  for (const auto& [metric, e] : c.errors) {
    s += s.empty() ? "" : "; ";
    s += e ? fmt::format("{} ±{:.1f}%", metric, 100 * std::abs(*e)) : metric + " error unknown";
  }
  return s.empty() ? "no latency SLO: error unknown" : s;
}

std::vector<ConfigCapacity> capacities(const std::vector<ScreenedConfig>& configs) {
  std::vector<ConfigCapacity> out;
  for (const auto& c : configs) out.push_back(c.capacity);
  return out;
}

nlohmann::json header_json(const ScreenHeader& h) {
  return {{"argv", h.argv},
          {"plan", h.plan},
          {"slos", h.slos},
          {"profile",
           {{"path", h.profile},
            {"sha256", h.profile_sha256},
            {"name", h.profile_name},
            {"hardware", h.hardware},
            {"source", h.source},
            {"validation_note", h.validation_note},
            {"transfer_assumptions", h.transfer_assumptions}}},
          {"workload", {{"path", h.workload}, {"count", h.workload_requests}}},
          {"options",
           {{"start_rate", h.start_rate},
            {"resolution", h.resolution},
            {"max_steps", h.max_steps},
            {"step_s", h.step_s},
            {"warmup_s", h.warmup_s},
            {"seed", h.seed},
            {"arrival", "poisson"}}}};
}

std::string md_row(const ScreenedConfig& c, int rank, const CapacityVerdict& v) {
  const auto& cc = c.capacity;
  const auto cells = capacity_cells(cc.estimate);
  const std::string delta = v.delta_pct ? fmt::format("{:+.1f}%", *v.delta_pct) : "-";
  std::string notes = fmt::format("{}", fmt::join(c.caveats, "; "));
  if (!cc.reason.empty())
    notes = cc.status + ": " + cc.reason + (notes.empty() ? "" : "; ") + notes;
  return fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                     rank > 0 ? std::to_string(rank) : "-", cc.name, cells.capacity, cells.interval,
                     error_note(c), delta, v.verdict, cc.steps, notes);
}

}  // namespace

std::vector<std::string> slo_error_metrics(const SloSet& slos) {
  std::vector<std::string> out;
  for (const auto& s : slos.latency) {
    const std::string t = s.text();
    out.push_back(t.substr(0, t.find('=')));
  }
  return out;
}

std::vector<int> capacity_ranks(const std::vector<ScreenedConfig>& configs) {
  std::vector<size_t> order(configs.size());
  std::iota(order.begin(), order.end(), 0);
  auto cap = [&](size_t i) -> std::optional<double> {
    const auto& e = configs[i].capacity.estimate;
    return e ? e->capacity_rps : std::nullopt;
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const auto ca = cap(a), cb = cap(b);
    if (ca.has_value() != cb.has_value()) return ca.has_value();
    return ca && *ca > *cb;
  });
  std::vector<int> ranks(configs.size(), 0);
  int r = 0;
  for (size_t i : order)
    if (cap(i)) ranks[i] = ++r;
  return ranks;
}

ConfirmAdvice confirm_advice(const ScreenHeader& h, const std::vector<ScreenedConfig>& configs,
                             size_t top_n) {
  ConfirmAdvice a;
  const auto ranks = capacity_ranks(configs);
  std::vector<std::string> top, baselines;
  for (int r = 1; size_t(r) <= top_n; ++r)
    for (size_t i = 0; i < configs.size(); ++i)
      if (ranks[i] == r) top.push_back(configs[i].capacity.name);
  a.configs = top;
  for (const auto& name : top) {
    const std::string& b = find(configs, name)->capacity.baseline;
    if (b.empty() || b == name || !find(configs, b)) continue;
    if (std::find(a.configs.begin(), a.configs.end(), b) == a.configs.end()) {
      a.configs.push_back(b);
      baselines.push_back(b);
    }
  }
  if (a.configs.empty()) {
    a.why = "no configuration has a PREDICTED capacity: nothing to confirm";
    return a;
  }
  a.why = fmt::format("the {} highest PREDICTED capacities ({})", top.size(), fmt::join(top, ", "));
  if (!baselines.empty())
    a.why +=
        fmt::format(" and the baseline(s) they are compared with ({})", fmt::join(baselines, ", "));
  std::string cmd =
      fmt::format("l4lab capacity --plan {} --only {}", h.plan, fmt::join(a.configs, ","));
  for (const auto& s : h.slos) cmd += " --slo " + s;
  cmd += fmt::format(
      " --start-rate {} --resolution {} --max-steps {} --step-s {} --warmup-s {} --seed {} "
      "--ignore-eos --out runs/capacity-confirm",
      h.start_rate, h.resolution, h.max_steps, h.step_s, h.warmup_s, h.seed);
  a.command = cmd;
  return a;
}

nlohmann::json screen_json(const ScreenHeader& h, const std::vector<ScreenedConfig>& configs,
                           const ConfirmAdvice& advice, double wall_s) {
  const auto caps = capacities(configs);
  nlohmann::json j = capacity_plan_json(header_json(h), caps);
  j["schema"] = "l4lab.capacity_screen/1";
  j["predicted"] = true;
  j["label"] =
      "PREDICTED: every capacity, interval and verdict here comes from serve-sim's engine model "
      "in virtual time with a calibrated profile, never from a measurement; the interval covers "
      "the model's own sampling noise, not the profile's error";
  const auto ranks = capacity_ranks(configs);
  for (size_t i = 0; i < configs.size(); ++i) {
    auto& e = j["configs"][i];
    const auto& c = configs[i];
    e["predicted"] = true;
    e["rank"] = ranks[i] > 0 ? nlohmann::json(ranks[i]) : nlohmann::json();
    e["validation_relative_error"] = nlohmann::json::object();
    for (const auto& [metric, err] : c.errors)
      e["validation_relative_error"][metric] = opt_json(err);
    e["caveats"] = c.caveats;
    e["stop_reason"] = c.stop_reason;
    e["most_requests_per_step"] = c.most_requests;
    e["first_fail_rps"] =
        c.capacity.estimate ? opt_json(c.capacity.estimate->first_fail_rps) : nlohmann::json();
    e["steps_detail"] = nlohmann::json::array();
    for (const auto& s : c.steps) e["steps_detail"].push_back(step_json(s));
  }
  j["confirm"] = {{"configs", advice.configs}, {"why", advice.why}, {"command", advice.command}};
  j["wall_s"] = wall_s;
  return j;
}

std::string screen_markdown(const ScreenHeader& h, const std::vector<ScreenedConfig>& configs,
                            const ConfirmAdvice& advice, double wall_s) {
  std::string md = fmt::format(
      "# PREDICTED capacity screen: {} on {} (profile {})\n\n"
      "Every capacity, interval and verdict below is **PREDICTED**: the search of `l4lab "
      "capacity` (the same ramp, bisection, step verdicts, saturation check and interval) run "
      "on serve-sim's engine model in virtual time with the profile `{}` (sha256 {}), never "
      "measured. Profile source: {}. Beside each figure: the profile's validation error on "
      "held-out runs for each SLO's metric ({}). The interval covers the model's own Poisson "
      "sampling noise only, not the profile's error.\n\n"
      "SLOs: {}. Each step: Poisson arrivals at the step's rate for {} s after a {} s warm-up "
      "(schedule seed {}*1000+step), over `{}` ({} requests); ramp from {} req/s, resolution "
      "{}, at most {} steps.\n\n"
      "| rank | config | PREDICTED capacity req/s | PREDICTED interval req/s | profile error "
      "(held out) | vs baseline | verdict (PREDICTED) | steps | not modelled / not validated "
      "|\n|---:|---|---:|---|---|---:|---|---:|---|\n",
      h.plan, h.hardware, h.profile_name, h.profile, h.profile_sha256, h.source,
      h.validation_note.empty() ? "none recorded" : h.validation_note,
      fmt::format("`{}`", fmt::join(h.slos, "`, `")), h.step_s, h.warmup_s, h.seed, h.workload,
      h.workload_requests, h.start_rate, h.resolution, h.max_steps);
  const auto caps = capacities(configs);
  const auto ranks = capacity_ranks(configs);
  std::vector<size_t> order(configs.size());  // rank order, unranked last in plan order
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](size_t i) { return ranks[i] > 0 ? ranks[i] : int(configs.size()) + 1; };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  for (size_t i : order)
    md += md_row(configs[i], ranks[i], verdict_against_baseline(caps, caps[i]));
  md +=
      "\nA verdict is `higher` or `lower` only when the two PREDICTED intervals do not overlap "
      "(the rule of `l4lab capacity --plan`); between predictions it says what the model "
      "separates, not what the engines will do.\n";
  size_t most = 0;
  for (const auto& c : configs) most = std::max(most, c.most_requests);
  if (most > h.workload_requests)
    md += fmt::format(
        "\nThe model reuses requests: its largest step sent {} requests from the workload's {} "
        "(the model sees token counts only). The real search needs that many distinct "
        "requests: a larger workload, or a shorter `--step-s`.\n",
        most, h.workload_requests);
  if (!h.transfer_assumptions.empty())
    md += fmt::format("\n**Transferred** to {} by published figures, not validated there: {}.\n",
                      h.hardware, fmt::join(h.transfer_assumptions, "; "));
  if (advice.command.empty())
    md += "\n**Confirm**: " + advice.why + ".\n";
  else
    md += fmt::format(
        "\n**Confirm** {} ({}) with a real search, which measures what this screen only "
        "predicts:\n\n```\n{}\n```\n",
        fmt::join(advice.configs, ", "), advice.why, advice.command);
  md += fmt::format(
      "\nPREDICTED in {:.2f} s of wall time (virtual time: no GPU, no sockets, no waiting).\n",
      wall_s);
  return md;
}

}  // namespace l4lab::capacity
