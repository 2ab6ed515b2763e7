// Capacity per configuration of a plan, and each one's verdict against its
// baseline (docs/CAPACITY.md#a-plan). Pure: built from the configurations'
// capacity estimates, no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "capacity/capacity_estimate.h"

namespace l4lab::capacity {

// One configuration's search, as `l4lab capacity --plan` ran it.
struct ConfigCapacity {
  std::string name;      // C1
  std::string baseline;  // the configuration it is compared with (its `baseline:`)
  std::string status;    // searched | start_failed | oom | start_timeout | interrupted | ...
  std::string reason;    // why the search did not run or stopped ("" when it ran to an answer)
  std::string dir;       // relative to the plan's capacity folder
  std::optional<CapacityEstimate> estimate;  // none when the engine never became ready
  int steps = 0;
};

struct CapacityVerdict {
  std::string verdict;              // higher | lower | no clear difference | no verdict | baseline
  std::optional<double> delta_pct;  // point capacities, (config / baseline - 1) * 100
  std::string why;
};

// `higher` only when the configuration's interval lies wholly above the
// baseline's (its lower end above the baseline's upper end), `lower` when
// wholly below; overlapping intervals give `no clear difference`; an open
// or missing interval on the side that matters gives `no verdict`. Each
// interval holds with probability >= 95%, so a verdict holds with >= 90%
// (union bound).
CapacityVerdict compare_capacity(const ConfigCapacity& config, const ConfigCapacity& baseline);

// A rate as text ("12.345") or "open"; as JSON, a number or null.
std::string opt_text(const std::optional<double>& v);
nlohmann::json opt_json(const std::optional<double>& v);

// The capacity and interval cells of a capacity table ("-" without an
// estimate; "none" when no step passed): capacity_plan.md and the screen.
struct CapacityCells {
  std::string capacity = "-", interval = "-";
};
CapacityCells capacity_cells(const std::optional<CapacityEstimate>& e);

// `config` against its baseline among `configs` (compare_capacity), or
// `baseline` when it has none or is its own, or `no verdict` when its
// baseline is not among them.
CapacityVerdict verdict_against_baseline(const std::vector<ConfigCapacity>& configs,
                                         const ConfigCapacity& config);

// capacity_plan.json: the SLOs, each configuration's capacity, interval and
// verdict. `header` holds the command's inputs, copied in as given.
nlohmann::json capacity_plan_json(const nlohmann::json& header,
                                  const std::vector<ConfigCapacity>& configs);
// capacity_plan.md: the same as a table, with what the verdicts mean.
std::string capacity_plan_markdown(const nlohmann::json& header,
                                   const std::vector<ConfigCapacity>& configs);

}  // namespace l4lab::capacity
