// Throughput against latency over a plan's capacity searches, and the Pareto
// view (docs/CAPACITY.md#curves): each step of each configuration is an
// operating point, output tok/s per GPU against tok/s per user (1000 / TPOT
// p50: the median user's streaming rate) and TTFT p95. Pure: built from the
// steps' figures, no I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace l4lab::capacity {

struct CurvePoint {
  double rate = 0;           // asked, req/s
  double delivered_rps = 0;  // bench.json summary.throughput.requests_per_s
  double output_tps = 0;     // summary.throughput.output_tokens_per_s (one GPU)
  std::optional<double> tpot_p50_ms, ttft_p95_ms;
  bool pass = false;    // the step met every SLO (capacity.json)
  bool counted = true;  // the load was offered
  bool saturated = false;
  std::string dir;  // relative to the configuration's folder
};

struct ConfigCurve {
  std::string name;
  std::vector<CurvePoint> points;  // in step order
};

// tok/s per user: 1000 / TPOT p50; nullopt without a TPOT.
std::optional<double> per_user_tps(const CurvePoint& p);

struct FrontPoint {
  size_t config = 0, point = 0;  // indices into the curves
};
// The passing, counted steps that no other passing, counted step beats on
// both output tok/s per GPU and tok/s per user (a tie on both keeps both).
std::vector<FrontPoint> pareto_front(const std::vector<ConfigCurve>& curves);

// Markdown: one row per step (sorted by rate within a configuration), then
// the Pareto front.
std::string curves_markdown(const std::vector<ConfigCurve>& curves);
// Two inline SVG charts (TTFT p95 and tok/s per user against output tok/s per
// GPU, one line per configuration, passing steps filled) and the front.
std::string curves_html(const std::vector<ConfigCurve>& curves);

}  // namespace l4lab::capacity
