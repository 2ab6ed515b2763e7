#include "capacity/capacity_curves.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/svg_chart.h"

namespace l4lab::capacity {
namespace {

std::string num(const std::optional<double>& v, const char* f = "{:.1f}") {
  return v ? fmt::format(fmt::runtime(f), *v) : std::string("-");
}

std::vector<size_t> by_rate(const ConfigCurve& c) {
  std::vector<size_t> idx(c.points.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(),
                   [&](size_t a, size_t b) { return c.points[a].rate < c.points[b].rate; });
  return idx;
}

bool admissible(const CurvePoint& p) { return p.pass && p.counted && per_user_tps(p); }

}  // namespace

std::optional<double> per_user_tps(const CurvePoint& p) {
  if (!p.tpot_p50_ms || !(*p.tpot_p50_ms > 0)) return std::nullopt;
  return 1000.0 / *p.tpot_p50_ms;
}

std::vector<FrontPoint> pareto_front(const std::vector<ConfigCurve>& curves) {
  std::vector<FrontPoint> front;
  for (size_t i = 0; i < curves.size(); ++i)
    for (size_t j = 0; j < curves[i].points.size(); ++j) {
      const auto& p = curves[i].points[j];
      if (!admissible(p)) continue;
      const double pu = *per_user_tps(p);
      bool beaten = false;
      for (size_t k = 0; k < curves.size() && !beaten; ++k)
        for (size_t m = 0; m < curves[k].points.size() && !beaten; ++m) {
          const auto& q = curves[k].points[m];
          if ((k == i && m == j) || !admissible(q)) continue;
          const double qu = *per_user_tps(q);
          beaten =
              q.output_tps >= p.output_tps && qu >= pu && (q.output_tps > p.output_tps || qu > pu);
        }
      if (!beaten) front.push_back({i, j});
    }
  return front;
}

std::string curves_markdown(const std::vector<ConfigCurve>& curves) {
  std::string md =
      "## Throughput against latency\n\n"
      "Every step of every search is an operating point: output tok/s on the one GPU against "
      "what each user sees (tok/s per user = 1000 / TPOT p50; TTFT p95). Only steps that met "
      "every SLO with the load offered are candidates for the Pareto front.\n\n"
      "| config | asked req/s | delivered req/s | output tok/s (GPU) | tok/s per user | TTFT p95 "
      "ms | SLOs | run |\n|---|---:|---:|---:|---:|---:|---|---|\n";
  for (const auto& c : curves)
    for (size_t i : by_rate(c)) {
      const auto& p = c.points[i];
      const std::string slo = !p.counted    ? "load not offered"
                              : p.saturated ? "fail (saturated)"
                              : p.pass      ? "pass"
                                            : "fail";
      md += fmt::format("| {} | {:.3f} | {:.3f} | {:.0f} | {} | {} | {} | [{}]({}/{}) |\n", c.name,
                        p.rate, p.delivered_rps, p.output_tps, num(per_user_tps(p)),
                        num(p.ttft_p95_ms, "{:.0f}"), slo, p.dir, c.name, p.dir);
    }
  const auto front = pareto_front(curves);
  md +=
      "\n**Pareto front** (no passing step of any configuration has both more output tok/s "
      "per GPU and more tok/s per user):";
  if (front.empty()) md += " none (no step passed).\n";
  md += "\n\n";
  for (const auto& f : front) {
    const auto& p = curves[f.config].points[f.point];
    md += fmt::format("- {} at {:.3f} req/s: {:.0f} output tok/s per GPU, {} tok/s per user\n",
                      curves[f.config].name, p.rate, p.output_tps, num(per_user_tps(p)));
  }
  return md;
}

std::string curves_html(const std::vector<ConfigCurve>& curves) {
  std::vector<report::Series> ttft, user;
  for (size_t i = 0; i < curves.size(); ++i) {
    const auto& c = curves[i];
    report::Series st{c.name, report::palette(i), {}, false, true};
    report::Series su{c.name, report::palette(i), {}, false, true};
    for (size_t k : by_rate(c)) {
      const auto& p = c.points[k];
      if (!p.counted) continue;
      if (p.ttft_p95_ms) st.points.push_back({p.output_tps, *p.ttft_p95_ms});
      if (auto u = per_user_tps(p)) su.points.push_back({p.output_tps, *u});
    }
    if (!st.points.empty()) ttft.push_back(std::move(st));
    if (!su.points.empty()) user.push_back(std::move(su));
  }
  std::vector<report::Point> pts;
  const auto front = pareto_front(curves);
  for (size_t i = 0; i < curves.size(); ++i)
    for (size_t k = 0; k < curves[i].points.size(); ++k) {
      const auto& p = curves[i].points[k];
      if (!admissible(p)) continue;
      const bool on_front = std::any_of(front.begin(), front.end(), [&](const FrontPoint& f) {
        return f.config == i && f.point == k;
      });
      pts.push_back(
          {fmt::format("{} {:.2f} req/s{}", curves[i].name, p.rate, on_front ? " (Pareto)" : ""),
           report::palette(i), p.output_tps, *per_user_tps(p), on_front ? 8.0 : 4.0});
    }
  std::string h;
  h += report::line_chart({"TTFT p95 against output throughput (each step, asked rate rising)",
                           "output tok/s (one GPU)", "TTFT p95 ms", false, true},
                          ttft);
  h += report::line_chart({"tok/s per user (1000 / TPOT p50) against output throughput",
                           "output tok/s (one GPU)", "tok/s per user", false, true},
                          user);
  h += report::scatter_chart({"Steps that met the SLOs; large: the Pareto front",
                              "output tok/s (one GPU)", "tok/s per user", false, true},
                             pts);
  return h;
}

}  // namespace l4lab::capacity
