// The edge where the twin reads a measured run folder (docs/FORMATS.md):
// traces.jsonl (every chunk's time), run_manifest.json (the engine argv, the
// GPU's memory), bench.json (the client's concurrency), engine_metrics.jsonl
// (KV usage and preemptions), engine.log (KV capacity, weight and KV memory).
// Returns plain structs; problems that leave the run unusable are errors
// naming the file.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/engine_log_facts.h"
#include "common/result.h"
#include "twin/measured_request.h"

namespace l4lab::twin {

struct SourceFile {
  std::string path;
  std::string sha256;
};

struct RunEvidence {
  std::string dir;
  std::string config_name;
  int trial = 0;
  std::vector<MeasuredRequest> requests;  // successful requests, all phases
  size_t failed_requests = 0;
  std::vector<std::string> engine_argv;
  int concurrency = 0;  // bench.json schedule.concurrency; 0 if not closed loop
  analysis::EngineLogFacts facts;
  std::optional<double> gpu_memory_total_mib;
  std::string gpu_name;
  bool dummy_weights = false;
  std::vector<std::pair<int64_t, double>> kv_usage;  // (t_ns, 0-1) per scrape
  double preemptions = 0;                            // during the run
  std::vector<SourceFile> sources;                   // the files read, with hashes
  std::vector<std::string> warnings;
};

Result<RunEvidence> load_run_evidence(const std::string& dir);

}  // namespace l4lab::twin
