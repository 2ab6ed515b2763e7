#include "matrix/summary_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/files.h"

namespace l4lab::matrix {

namespace {

double pct(std::vector<double> v, double p) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * v.size()));
  return v[rank == 0 ? 0 : rank - 1];
}

}  // namespace

RunRow summarise_run(const std::string& manifest_json, const std::string& traces_jsonl) {
  RunRow r;
  try {
    auto m = nlohmann::json::parse(manifest_json);
    r.config = m["config"].value("name", "?");
    r.trial = std::to_string(m.value("trial", 0));
    r.status = m["outcome"].value("status", "?");
    r.applied = m["applied"].value("value", "?");
    r.simulated = m.value("simulated", false);
  } catch (const std::exception&) {
    r.status = "no manifest";
  }
  std::vector<double> ttft, e2e;
  int64_t t_min = INT64_MAX, t_max = 0;
  double out_tokens = 0;
  size_t pos = 0;
  while (pos < traces_jsonl.size()) {
    size_t nl = traces_jsonl.find('\n', pos);
    if (nl == std::string::npos) break;
    try {
      auto t = nlohmann::json::parse(traces_jsonl.substr(pos, nl - pos));
      if (t.value("phase", "measured") == "measured") {
        ++r.requests;
        if (t.value("ok", false)) {
          ++r.ok;
          const int64_t sent = t["t_sent_ns"], end = t["t_end_ns"];
          if (t["t_first_token_ns"].is_number())
            ttft.push_back((t["t_first_token_ns"].get<int64_t>() - sent) / 1e6);
          e2e.push_back((end - sent) / 1e6);
          t_min = std::min(t_min, sent);
          t_max = std::max(t_max, end);
          if (t["usage_completion_tokens"].is_number())
            out_tokens += t["usage_completion_tokens"].get<double>();
        }
      }
    } catch (const std::exception&) {
    }
    pos = nl + 1;
  }
  r.ttft_p50_ms = pct(ttft, 50);
  r.ttft_p95_ms = pct(ttft, 95);
  r.e2e_p50_ms = pct(e2e, 50);
  r.e2e_p95_ms = pct(e2e, 95);
  r.out_tok_s = t_max > t_min ? out_tokens / ((t_max - t_min) / 1e9) : NAN;
  return r;
}

Result<std::string> summary_table(const std::string& runs_dir) {
  namespace fs = std::filesystem;
  std::vector<RunRow> rows;
  bool any_sim = false;
  if (!fs::exists(runs_dir)) return Error(runs_dir + ": no such directory");
  std::vector<fs::path> dirs;
  for (const auto& c : fs::directory_iterator(runs_dir)) {
    if (!c.is_directory()) continue;
    for (const auto& t : fs::directory_iterator(c.path()))
      if (t.is_directory() && fs::exists(t.path() / "run_manifest.json") &&
          t.path().filename().string().find(".interrupted-") == std::string::npos)
        dirs.push_back(t.path());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& d : dirs) {
    auto m = read_file((d / "run_manifest.json").string());
    auto t = read_file((d / "traces.jsonl").string());
    rows.push_back(summarise_run(m.ok() ? *m : "", t.ok() ? *t : ""));
    any_sim = any_sim || rows.back().simulated;
  }
  auto num = [](double v) { return std::isnan(v) ? std::string("-") : fmt::format("{:.0f}", v); };
  std::string out = fmt::format(
      "| {:<6} | {:<5} | {:<14} | {:<7} | {:>8} | {:>8} | {:>8} | {:>8} | {:>8} | {:>9} |\n",
      "config", "trial", "outcome", "applied", "ok/req", "TTFT p50", "TTFT p95", "E2E p50",
      "E2E p95", "out tok/s");
  out +=
      "|--------|-------|----------------|---------|----------|----------|----------|----------|---"
      "-------|-----------|\n";
  for (const auto& r : rows)
    out += fmt::format(
        "| {:<6} | {:<5} | {:<14} | {:<7} | {:>8} | {:>8} | {:>8} | {:>8} | {:>8} | {:>9} |\n",
        r.config, r.trial, r.status, r.applied,
        std::to_string(r.ok) + "/" + std::to_string(r.requests), num(r.ttft_p50_ms),
        num(r.ttft_p95_ms), num(r.e2e_p50_ms), num(r.e2e_p95_ms), num(r.out_tok_s));
  out +=
      "Times in ms (client-side, from the actual send), measured phase only, nearest-rank "
      "percentiles.\n";
  if (any_sim)
    out += "SIMULATED: serve-sim's numbers are a model of the engine, not a measurement.\n";
  return out;
}

}  // namespace l4lab::matrix
