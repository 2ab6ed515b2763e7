// A capacity search's steps as operating points (capacity_curves.h), read
// from its folder: each step's verdict from capacity.json, its throughput
// and latency from the step's bench.json. Used by `l4lab capacity` for its
// capacity.html and by `capacity --plan` for capacity_plan.html.
#pragma once

#include <string>

#include "capacity/capacity_curves.h"

namespace l4lab::capacity {

// `dir`: the search's --out (holding capacity.json); a missing or unreadable
// capacity.json gives no points; a step without a readable bench.json is
// left out.
ConfigCurve read_curve(const std::string& dir, const std::string& name);

}  // namespace l4lab::capacity
