// What the user chooses for an analysis: SLOs, price, baseline, bootstrap.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace l4lab::analysis {

// GCP g2-standard-8 (8 vCPU, 32 GB, one NVIDIA L4), on demand, us-central1:
// the machine the study names. docs/METRICS.md#cost cites the source; the
// user overrides it with --price-per-hour.
inline constexpr double kDefaultPricePerHour = 0.85;
inline constexpr const char* kDefaultPriceSource =
    "GCP g2-standard-8 (1x NVIDIA L4) on-demand list price, us-central1, USD/hour; "
    "see docs/METRICS.md#cost";

struct AnalysisOptions {
  std::optional<double> slo_ttft_ms;
  std::optional<double> slo_tpot_ms;
  std::optional<double> slo_e2e_ms;
  double price_per_hour = kDefaultPricePerHour;
  std::string price_source = kDefaultPriceSource;
  std::string baseline = "C1";
  int resamples = 1000;
  uint64_t seed = 1;
  double confidence = 0.95;  // two-sided interval level

  bool any_slo() const { return slo_ttft_ms || slo_tpot_ms || slo_e2e_ms; }
};

}  // namespace l4lab::analysis
