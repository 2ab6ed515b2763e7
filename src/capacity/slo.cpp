#include "capacity/slo.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace l4lab::capacity {
namespace {

std::optional<double> to_double(std::string_view s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

std::string_view slo_metric_name(SloMetric m) {
  switch (m) {
    case SloMetric::ttft:
      return "ttft";
    case SloMetric::tpot:
      return "tpot";
    case SloMetric::e2e:
      return "e2e";
  }
  return "?";
}

std::string LatencySlo::text() const {
  return fmt::format("{}_p{}_ms={}", slo_metric_name(metric), percentile, limit_ms);
}

std::vector<std::string> SloSet::texts() const {
  std::vector<std::string> out;
  for (const auto& s : latency) out.push_back(s.text());
  if (goodput_fraction) out.push_back(fmt::format("goodput={}", *goodput_fraction));
  return out;
}

Result<LatencySlo> parse_latency_slo(std::string_view text) {
  const std::string where = fmt::format("--slo '{}'", text);
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos)
    return Error(where + ": expected NAME=VALUE, e.g. ttft_p95_ms=2000");
  const std::string_view name = text.substr(0, eq);
  const auto value = to_double(text.substr(eq + 1));
  if (!value || *value <= 0) return Error(where + ": the limit must be a number > 0");
  LatencySlo s;
  s.limit_ms = *value;
  // metric _p PCT _ms
  const size_t u1 = name.find("_p");
  if (u1 == std::string_view::npos || name.size() < 3 || name.substr(name.size() - 3) != "_ms")
    return Error(where + ": expected METRIC_pPCT_ms with METRIC ttft, tpot or e2e");
  const std::string_view metric = name.substr(0, u1);
  if (metric == "ttft") {
    s.metric = SloMetric::ttft;
  } else if (metric == "tpot") {
    s.metric = SloMetric::tpot;
  } else if (metric == "e2e") {
    s.metric = SloMetric::e2e;
  } else {
    return Error(where + ": unknown metric '" + std::string(metric) +
                 "' (ttft, tpot or e2e; docs/METRICS.md)");
  }
  const auto pct = to_double(name.substr(u1 + 2, name.size() - 3 - (u1 + 2)));
  if (!pct || *pct < 50 || *pct >= 100)
    return Error(where + ": the percentile must be a number in [50, 100), e.g. p95 or p99.9");
  s.percentile = *pct;
  return s;
}

Result<SloSet> parse_slos(const std::vector<std::string>& texts) {
  SloSet set;
  if (texts.empty())
    return Error("--slo: give at least one, e.g. --slo ttft_p95_ms=2000 --slo tpot_p95_ms=100");
  for (const auto& t : texts) {
    if (t.rfind("goodput=", 0) == 0) {
      const auto v = to_double(std::string_view(t).substr(8));
      if (!v || *v <= 0 || *v > 1)
        return Error("--slo '" + t + "': goodput is a fraction in (0, 1], e.g. goodput=0.9");
      if (set.goodput_fraction) return Error("--slo '" + t + "': goodput given twice");
      set.goodput_fraction = *v;
      continue;
    }
    auto s = parse_latency_slo(t);
    if (!s) return s.error();
    for (const auto& o : set.latency)
      if (o.metric == s->metric && o.percentile == s->percentile)
        return Error("--slo '" + t + "': " + o.text() + " given twice");
    set.latency.push_back(*s);
  }
  if (set.goodput_fraction && set.latency.empty())
    return Error(
        "--slo goodput=...: goodput counts requests meeting the latency limits; add one, "
        "e.g. --slo ttft_p95_ms=2000");
  return set;
}

}  // namespace l4lab::capacity
