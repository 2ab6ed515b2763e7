#include "capacity/capacity_estimate.h"

#include <fmt/format.h>

namespace l4lab::capacity {

CapacityEstimate estimate_capacity(std::span<const StepSummary> steps) {
  CapacityEstimate e;
  for (const auto& s : steps)
    if (!s.pass && (!e.first_fail_rps || s.rate < *e.first_fail_rps)) e.first_fail_rps = s.rate;
  for (const auto& s : steps)
    if (s.pass && (!e.first_fail_rps || s.rate < *e.first_fail_rps) &&
        (!e.capacity_rps || s.rate > *e.capacity_rps))
      e.capacity_rps = s.rate;
  for (const auto& s : steps)
    if (s.evidence == Evidence::fail && (!e.upper_rps || s.rate < *e.upper_rps)) {
      e.upper_rps = s.rate;
      e.upper_from_saturation = s.saturated;
    }
  for (const auto& s : steps)
    if (s.evidence == Evidence::pass && (!e.upper_rps || s.rate < *e.upper_rps) &&
        (!e.lower_rps || s.rate > *e.lower_rps))
      e.lower_rps = s.rate;
  if (!e.capacity_rps && e.first_fail_rps) {
    e.note = fmt::format("no step passed: the capacity is below {:.4g} req/s", *e.first_fail_rps);
  } else if (e.capacity_rps && !e.first_fail_rps) {
    e.note = fmt::format("no step failed: the capacity is at least {:.4g} req/s", *e.capacity_rps);
  } else if (e.capacity_rps) {
    e.note = fmt::format("capacity {:.4g} req/s (first fail at {:.4g}); interval [{}, {}]{}",
                         *e.capacity_rps, *e.first_fail_rps,
                         e.lower_rps ? fmt::format("{:.4g}", *e.lower_rps) : "none",
                         e.upper_rps ? fmt::format("{:.4g}", *e.upper_rps) : "none",
                         e.upper_from_saturation ? kUpperFromSaturation : "");
  } else {
    e.note = "no step ran";
  }
  return e;
}

}  // namespace l4lab::capacity
