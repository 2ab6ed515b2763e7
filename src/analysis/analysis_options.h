// What the user chooses for an analysis: SLOs, prices, baseline, bootstrap.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metrics/goodput.h"

namespace l4lab::analysis {

// A price belongs to the machine it prices: a run is charged it only when its
// run_manifest.json records that machine (docs/METRICS.md#cost).
struct MachinePrice {
  double usd_per_hour = 0;
  std::string gpu_name;      // as NVML and nvidia-smi name it, e.g. "NVIDIA L4"
  int gpu_count = 0;         // GPUs of that model on the machine
  std::string machine_type;  // e.g. "g2-standard-8"; a run recording another type does not match
  std::string source;        // where the number comes from
};

// GCP g2-standard-8 (8 vCPU, 32 GB, one NVIDIA L4), on demand, us-central1:
// the machine the study names. docs/METRICS.md#cost cites the source.
inline constexpr double kDefaultPricePerHour = 0.85;
inline MachinePrice default_machine_price() {
  return {kDefaultPricePerHour, "NVIDIA L4", 1, "g2-standard-8",
          "GCP g2-standard-8 (8 vCPU, 32 GB, 1x NVIDIA L4) on-demand list price, us-central1, "
          "USD/hour; see docs/METRICS.md#cost"};
}

struct AnalysisOptions {
  std::optional<double> slo_ttft_ms;
  std::optional<double> slo_tpot_ms;
  std::optional<double> slo_e2e_ms;
  // --price-per-hour: charged to every run whatever its machine, simulated
  // runs included. Without it, a run is priced only by a matching entry of
  // machine_prices.
  std::optional<double> price_per_hour;
  std::vector<MachinePrice> machine_prices = {default_machine_price()};
  std::string baseline = "C1";
  int resamples = 1000;
  uint64_t seed = 1;
  double confidence = 0.95;  // two-sided interval level

  bool any_slo() const { return slo_ttft_ms || slo_tpot_ms || slo_e2e_ms; }
  metrics::Slos slos() const { return {slo_ttft_ms, slo_tpot_ms, slo_e2e_ms}; }
};

}  // namespace l4lab::analysis
