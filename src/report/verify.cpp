#include "report/verify.h"

#include <fmt/format.h>

#include <filesystem>

#include "analysis/run_loader.h"
#include "analysis/study_summary.h"
#include "common/files.h"
#include "report/summary_json.h"
#include "report/vllm_results.h"

namespace l4lab::report {

namespace fs = std::filesystem;
using nlohmann::json;

void json_diff(const json& e, const json& a, const std::string& path,
               std::vector<std::string>& diffs, size_t& leaves) {
  if (e.is_object() && a.is_object()) {
    for (const auto& [k, v] : e.items()) {
      if (!a.contains(k)) {
        diffs.push_back(fmt::format("{}/{}: missing from the file", path, k));
        continue;
      }
      json_diff(v, a[k], path + "/" + k, diffs, leaves);
    }
    for (const auto& [k, v] : a.items())
      if (!e.contains(k)) diffs.push_back(fmt::format("{}/{}: not recomputed (extra)", path, k));
    return;
  }
  if (e.is_array() && a.is_array()) {
    if (e.size() != a.size()) {
      diffs.push_back(
          fmt::format("{}: {} entries recomputed, {} in the file", path, e.size(), a.size()));
      return;
    }
    for (size_t i = 0; i < e.size(); ++i)
      json_diff(e[i], a[i], path + "/" + std::to_string(i), diffs, leaves);
    return;
  }
  ++leaves;
  if (e != a)
    diffs.push_back(
        fmt::format("{}: recomputed {} but the file says {}", path, e.dump(), a.dump()));
}

namespace {

void check_hash(const std::string& what, const std::string& run, const std::string& file,
                const std::string& expected, VerifyResult& v) {
  if (expected.empty()) {
    v.notes.push_back(fmt::format("{}: manifest has no {} sha256", run, what));
    ++v.hashes_unchecked;
    return;
  }
  if (file.empty() || !fs::exists(file)) {
    v.notes.push_back(fmt::format("{}: {} file '{}' not found here; its sha256 was not checked",
                                  run, what, file));
    ++v.hashes_unchecked;
    return;
  }
  ++v.hashes_checked;
  auto got = sha256_file(file);
  if (!got.ok()) {
    v.problems.push_back(got.error().message());
  } else if (*got != expected) {
    v.problems.push_back(fmt::format("{}: {} '{}' has sha256 {} but the manifest says {}", run,
                                     what, file, *got, expected));
  }
}

}  // namespace

VerifyResult verify_runs_dir(const std::string& runs_dir) {
  VerifyResult v;
  const std::string summary_path = (fs::path(runs_dir) / "summary.json").string();
  auto text = read_file(summary_path);
  if (!text.ok()) {
    v.exit_code = 2;
    v.problems.push_back(text.error().message() + " (run `l4lab report` first)");
    return v;
  }
  json on_disk = json::parse(*text, nullptr, false);
  if (on_disk.is_discarded()) {
    v.exit_code = 2;
    v.problems.push_back(summary_path + ": not valid JSON");
    return v;
  }
  auto opts = options_from_summary(on_disk);
  if (!opts.ok()) {
    v.exit_code = 2;
    v.problems.push_back(opts.error().message());
    return v;
  }
  auto data = analysis::load_study(runs_dir);
  if (!data.ok()) {
    v.exit_code = 2;
    v.problems.push_back(data.error().message());
    return v;
  }
  const analysis::StudySummary s = analysis::summarize_study(*data, *opts);
  const json recomputed = json::parse(summary_to_json(s).dump());
  std::vector<std::string> diffs;
  json_diff(recomputed, on_disk, "summary.json", diffs, v.numbers_checked);
  for (auto& d : diffs) v.problems.push_back(std::move(d));

  for (size_t i = 0; i < data->runs.size(); ++i) {
    const auto& run = data->runs[i];
    const auto& m = run.manifest;
    const fs::path vr = fs::path(run.dir) / "results_vllm.json";
    if (run.has_traces && fs::exists(vr)) {
      auto t = read_file(vr.string());
      json file = t.ok() ? json::parse(*t, nullptr, false) : json();
      if (!t.ok() || file.is_discarded()) {
        v.problems.push_back(run.rel_dir + "/results_vllm.json: unreadable or not JSON");
      } else {
        std::vector<std::string> d;
        json_diff(json::parse(vllm_results_text(run, s.runs[i], *opts)), file,
                  run.rel_dir + "/results_vllm.json", d, v.numbers_checked);
        for (auto& x : d) v.problems.push_back(std::move(x));
      }
    } else if (run.has_traces) {
      v.problems.push_back(run.rel_dir + "/results_vllm.json: missing");
    }
    if (!m.present) continue;
    check_hash("workload", run.rel_dir, m.workload_path, m.workload_sha256, v);
    check_hash("config", run.rel_dir, m.config_file, m.config_sha256, v);
  }
  for (const auto& c : s.configs)
    for (const auto& f : c.flags) v.notes.push_back("flag: " + c.name + ": " + f);
  v.exit_code = v.problems.empty() ? 0 : 1;
  return v;
}

}  // namespace l4lab::report
