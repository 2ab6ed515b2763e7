#include "analysis/machine_price.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

namespace l4lab::analysis {

namespace {

std::string norm(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  s = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::string describe_machine(const std::string& gpu_name, int gpu_count,
                             const std::string& machine_type) {
  if (gpu_name.empty()) return machine_type.empty() ? "no GPU" : "no GPU, " + machine_type;
  std::string s = gpu_count > 0 ? fmt::format("{}x {}", gpu_count, gpu_name)
                                : gpu_name + " (GPU count not recorded)";
  if (!machine_type.empty()) s += " on " + machine_type;
  return s;
}

std::string describe_price(const MachinePrice& p) {
  return fmt::format("${:g}/hour for {}", p.usd_per_hour,
                     describe_machine(p.gpu_name, p.gpu_count, p.machine_type));
}

RunPrice price_run(const RunManifest& m, const AnalysisOptions& o) {
  RunPrice r;
  r.machine = m.present ? describe_machine(m.gpu_name, m.gpu_count, m.machine_type) : "unknown";
  if (o.price_per_hour) {
    r.usd_per_hour = *o.price_per_hour;
    r.basis =
        fmt::format("${:g}/hour given with --price-per-hour, applied to every run", r.usd_per_hour);
    if (m.simulated) r.basis += " (this run is simulated: its throughput comes from a model)";
    return r;
  }
  if (m.simulated) {
    r.reason =
        "not priced: simulated run (serve-sim), its numbers come from a model of an engine, "
        "not from a priced machine (--price-per-hour prices it anyway)";
    return r;
  }
  if (!m.present) {
    r.reason = "not priced: no run_manifest.json, so the machine is unknown";
    return r;
  }
  // The plan's own price first, then the built-in ones.
  std::vector<std::pair<MachinePrice, bool>> candidates;
  if (m.plan_price) candidates.emplace_back(*m.plan_price, true);
  for (const auto& p : o.machine_prices) candidates.emplace_back(p, false);
  std::string known;
  for (const auto& [p, from_plan] : candidates) {
    known += (known.empty() ? "" : "; ") + describe_price(p) + (from_plan ? " (the plan's)" : "");
    if (m.gpu_name.empty() || norm(p.gpu_name) != norm(m.gpu_name) || p.gpu_count != m.gpu_count)
      continue;
    if (!p.machine_type.empty() && !m.machine_type.empty() &&
        norm(p.machine_type) != norm(m.machine_type))
      continue;
    r.usd_per_hour = p.usd_per_hour;
    // A built-in price's source is in AnalysisOptions::machine_prices; the
    // plan's is named here.
    r.basis =
        from_plan ? describe_price(p) + ", the plan's price (" + p.source + ")" : describe_price(p);
    if (!p.machine_type.empty() && m.machine_type.empty())
      r.basis += fmt::format(
          "; the run did not record its machine type, so its {}x {} is charged the {} price",
          m.gpu_count, m.gpu_name, p.machine_type);
    return r;
  }
  if (m.gpu_name.empty())
    r.reason = "no price for this machine: no GPU (run_manifest.json has gpu: null)";
  else
    r.reason = fmt::format("no price for this machine: {} (prices known: {})", r.machine,
                           known.empty() ? "none" : known);
  return r;
}

}  // namespace l4lab::analysis
