#include "metrics/goodput.h"

#include <cmath>
#include <limits>

namespace l4lab::metrics {

bool meets_slos(bool ok, double ttft_ms, double tpot_ms, double e2e_ms, const Slos& slos) {
  if (!ok) return false;
  // Written as !(x <= limit) so a NaN latency fails the SLO.
  if (slos.ttft_ms && !(ttft_ms <= *slos.ttft_ms)) return false;
  if (slos.tpot_ms) {
    const double tpot = std::isnan(tpot_ms) ? 0.0 : tpot_ms;
    if (!(tpot <= *slos.tpot_ms)) return false;
  }
  if (slos.e2e_ms && !(e2e_ms <= *slos.e2e_ms)) return false;
  return true;
}

double goodput_rps(size_t good, double window_s) {
  if (!(window_s > 0)) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(good) / window_s;
}

}  // namespace l4lab::metrics
