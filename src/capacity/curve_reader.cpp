#include "capacity/curve_reader.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "common/files.h"

namespace l4lab::capacity {
namespace {

std::optional<double> opt_num(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

}  // namespace

ConfigCurve read_curve(const std::string& dir, const std::string& name) {
  ConfigCurve c{name, {}};
  auto t = read_file(dir + "/capacity.json");
  if (!t.ok()) return c;
  auto j = nlohmann::json::parse(*t, nullptr, false);
  if (j.is_discarded() || !j.contains("steps")) return c;
  for (const auto& st : j["steps"]) {
    CurvePoint p;
    p.dir = st.value("dir", "");
    p.rate = st.value("rate_rps", 0.0);
    p.pass = st.value("pass", false);
    p.counted = st.value("counted", true);
    p.saturated = st.value("saturated", false);
    auto b = read_file(dir + "/" + p.dir + "/bench.json");
    if (!b.ok()) continue;
    auto bj = nlohmann::json::parse(*b, nullptr, false);
    if (bj.is_discarded()) continue;
    const auto s = bj.value("summary", nlohmann::json::object());
    const auto tp = s.value("throughput", nlohmann::json::object());
    p.delivered_rps = tp.value("requests_per_s", 0.0);
    p.output_tps = tp.value("output_tokens_per_s", 0.0);
    if (s.contains("tpot_ms")) p.tpot_p50_ms = opt_num(s["tpot_ms"], "p50");
    if (s.contains("ttft_ms")) p.ttft_p95_ms = opt_num(s["ttft_ms"], "p95");
    c.points.push_back(p);
  }
  return c;
}

}  // namespace l4lab::capacity
