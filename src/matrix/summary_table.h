// The fallback summary printed by `l4lab run` when `l4lab report` is not
// available: one row per run from its manifest and traces.jsonl (measured
// phase only). Percentiles are nearest-rank; the report owns the full
// definitions (docs/ linked from report.md).
#pragma once

#include <string>

#include "common/result.h"

namespace l4lab::matrix {

struct RunRow {
  std::string config, trial, status, applied;
  bool simulated = false;
  long requests = 0, ok = 0;
  double ttft_p50_ms = 0, ttft_p95_ms = 0, e2e_p50_ms = 0, e2e_p95_ms = 0, out_tok_s = 0;
};

// Pure over the files' text.
RunRow summarise_run(const std::string& manifest_json, const std::string& traces_jsonl);
Result<std::string> summary_table(const std::string& runs_dir);

}  // namespace l4lab::matrix
