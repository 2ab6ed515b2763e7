// `l4lab workload build`: corpus -> packed requests -> prompts.jsonl + manifest.
//
// Order and seeds: requests are laid out task x bucket x index; each gets its
// own seeded stream, so the result does not depend on how many threads build
// it, and the same inputs and seed give a byte-identical file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "workload/corpus_files.h"
#include "workload/workload_request.h"

namespace l4lab::workload {

inline const std::vector<std::string>& workload_tasks() {
  static const std::vector<std::string> t = {"summarisation", "qa", "dialogue"};
  return t;
}
inline const std::vector<std::string>& workload_buckets() {
  static const std::vector<std::string> b = {"S", "M", "L"};
  return b;
}

struct BuildOptions {
  std::string out = "runs/workload/prompts.jsonl";
  uint64_t seed = 1;
  int per_cell = 200;
  std::string tokenizer;         // spec for load_tokenizer ("" = Mistral v3 default)
  std::string count_with;        // engine URL: count with its /tokenize instead
  std::string count_with_model;  // "model" field sent to /tokenize
  int max_context = 8192;
  std::map<std::string, int> max_new_tokens = {
      {"summarisation", 256}, {"qa", 64}, {"dialogue", 128}};
  std::map<std::string, std::string> files;  // task -> corpus file
  ColumnMap columns;
  int s_min = 128;            // shortest S target: below it the fixed instructions dominate
  int synthetic_items = 300;  // per task, for the built-in corpus
  int threads = 0;            // 0 = all cores
};

struct CellStats {
  int count = 0, min = 0, median = 0, max = 0, max_new_tokens = 0;
  int range_lo = 0, range_hi = 0;  // target range
  int max_abs_error = 0;           // |request_prompt_tokens - target|, worst
  double mean_abs_error = 0;
};

struct BuildResult {
  std::vector<WorkloadRequest> requests;
  std::string jsonl;          // the file's bytes
  std::string manifest_json;  // the manifest's bytes
  std::string manifest_path;
  std::map<std::string, CellStats> cells;  // "summarisation/S"
};

// Builds in memory; write_build() puts the two files on disk.
Result<BuildResult> build_workload(const BuildOptions& options);
Status write_build(const BuildResult& result, const std::string& out);

// prompts.jsonl -> prompts.manifest.json
std::string manifest_path_for(const std::string& prompts_path);

// Per-cell statistics over requests (shared with `workload check`).
std::map<std::string, CellStats> cell_stats(const std::vector<WorkloadRequest>& requests);

}  // namespace l4lab::workload
