// `l4lab verify RUNS_DIR`: recomputes every number in summary.json (and each
// run's results_vllm.json) from the raw traces and samples with the options
// the summary records, and compares them exactly; checks the manifests'
// workload and config hashes against the files; flags runs whose workload,
// engine version or model differ from the baseline's.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace l4lab::report {

struct VerifyResult {
  int exit_code = 0;                  // 0 agree, 1 disagreement, 2 unusable input
  std::vector<std::string> problems;  // disagreements (cause exit 1)
  std::vector<std::string> notes;     // flags and checks that could not run
  size_t numbers_checked = 0;
  size_t hashes_checked = 0;    // files found and hashed
  size_t hashes_unchecked = 0;  // no file here or no hash in the manifest
};

VerifyResult verify_runs_dir(const std::string& runs_dir);

// Paths (a/b/0/c) where two JSON trees differ; counts leaves compared.
void json_diff(const nlohmann::json& expected, const nlohmann::json& actual,
               const std::string& path, std::vector<std::string>& diffs, size_t& leaves);

}  // namespace l4lab::report
