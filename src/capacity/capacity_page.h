// capacity.html of a one-endpoint search (docs/CAPACITY.md#curves): the
// capacity and its interval, then the throughput-latency curves and the
// Pareto view of `capacity --plan`'s page, drawn by the same code
// (capacity_curves.h) over this search's steps. Pure.
#pragma once

#include <string>
#include <vector>

#include "capacity/capacity_curves.h"
#include "capacity/capacity_estimate.h"

namespace l4lab::capacity {

// `target`: what was searched (the URL), shown escaped.
std::string capacity_html(const std::string& target, const std::vector<std::string>& slos,
                          const CapacityEstimate& est, const ConfigCurve& curve);

}  // namespace l4lab::capacity
