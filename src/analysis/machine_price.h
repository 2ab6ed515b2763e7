// Which price, if any, a run is charged (docs/METRICS.md#cost): a price
// belongs to a machine (GPU model, count, machine type), and a run is priced
// only when its run_manifest.json records that machine, or when the user gave
// --price-per-hour for every run. A cost for a machine nobody priced would be
// an invented number, so such a run gets "n/a" and the reason.
#pragma once

#include <cmath>
#include <string>

#include "analysis/analysis_options.h"
#include "analysis/run_data.h"

namespace l4lab::analysis {

struct RunPrice {
  double usd_per_hour = kNaN;  // NaN: not priced
  std::string machine;         // the run's machine in words: "1x NVIDIA L4", "no GPU"
  std::string basis;           // where the price comes from, when priced
  std::string reason;          // why there is no price, when not priced
  bool priced() const { return std::isfinite(usd_per_hour); }
};

// "1x NVIDIA L4 on g2-standard-8", "1x NVIDIA L4" (type not recorded), "no GPU".
std::string describe_machine(const std::string& gpu_name, int gpu_count,
                             const std::string& machine_type);
std::string describe_price(const MachinePrice& p);
RunPrice price_run(const RunManifest& m, const AnalysisOptions& o);

}  // namespace l4lab::analysis
