// Finds and loads the run folders of a RUNS_DIR (docs/FORMATS.md):
// RUNS_DIR/<config>/trial-<k>/{run_manifest.json, bench.json, traces.jsonl,
// gpu_samples.jsonl, engine_metrics.jsonl}. Loading never stops at a bad
// file: each problem becomes a warning naming the file (and line), and what
// could be read is still returned, so the report shows everything.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/run_data.h"
#include "common/result.h"

namespace l4lab::analysis {

struct StudyData {
  std::string runs_dir;
  std::vector<RunData> runs;          // sorted by config name, then trial
  std::vector<std::string> warnings;  // study-level (matrix_state, layout)
};

// Parsers over file content (pure, for tests). `name` is used in messages.
RunManifest parse_run_manifest(std::string_view json, const std::string& name,
                               std::vector<std::string>& warnings);
BenchInfo parse_bench_json(std::string_view json, const std::string& name,
                           std::vector<std::string>& warnings);
std::vector<GpuSample> parse_gpu_samples(std::string_view jsonl, const std::string& name,
                                         std::vector<std::string>& warnings);
std::vector<EngineScrape> parse_engine_metrics(std::string_view jsonl, const std::string& name,
                                               std::vector<std::string>& warnings);

RunData load_run(const std::string& dir, const std::string& rel_dir);
// Loads runs in parallel (threads); error only when runs_dir is unreadable.
Result<StudyData> load_study(const std::string& runs_dir);

}  // namespace l4lab::analysis
