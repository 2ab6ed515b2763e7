// Synthetic requests for the analysis tests (no JSON involved).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "analysis/request_sample.h"
#include "analysis/run_data.h"

namespace l4lab::analysis::testing {

// A run folder as the loader gives it: manifest present, outcome ok, traces
// present (requests added by the caller).
inline RunData ok_run(const std::string& cfg, int trial, const std::string& workload_sha256) {
  RunData d;
  d.config_name = cfg;
  d.trial = trial;
  d.rel_dir = cfg + "/trial-" + std::to_string(trial);
  d.has_traces = true;
  d.manifest.present = true;
  d.manifest.config_name = cfg;
  d.manifest.trial = trial;
  d.manifest.outcome_status = "ok";
  d.manifest.workload_sha256 = workload_sha256;
  return d;
}

// An ok request sent at t0 (ns), first token after ttft_ms, `tokens` chunks
// one token each spaced itl_ms apart, ending at the last chunk.
inline RequestSample make_ok(const std::string& id, int64_t t0, double ttft_ms, int tokens,
                             double itl_ms, const std::string& task = "qa",
                             const std::string& bucket = "S", int64_t prompt = 100) {
  RequestSample r;
  r.request_id = id;
  r.task = task;
  r.bucket = bucket;
  r.ok = true;
  r.http_status = 200;
  r.t_scheduled_ns = t0;
  r.t_sent_ns = t0;
  const int64_t first = t0 + static_cast<int64_t>(ttft_ms * 1e6);
  r.t_first_token_ns = first;
  std::vector<int64_t> chunks;
  for (int i = 0; i < tokens; ++i) chunks.push_back(first + static_cast<int64_t>(i * itl_ms * 1e6));
  r.t_end_ns = chunks.back();
  r.prompt_tokens_pre_send = prompt;
  r.usage_prompt_tokens = prompt;
  r.completion_tokens = tokens;
  r.prompt_count_mismatch = false;
  derive_latencies(r, chunks);
  return r;
}

inline RequestSample make_failed(const std::string& id, int64_t t0, int64_t t_end,
                                 const std::string& cls, const std::string& detail) {
  RequestSample r;
  r.request_id = id;
  r.task = "qa";
  r.bucket = "S";
  r.ok = false;
  r.failure_class = cls;
  r.failure_detail = detail;
  r.t_scheduled_ns = t0;
  r.t_sent_ns = t0;
  r.t_end_ns = t_end;
  r.prompt_tokens_pre_send = 100;
  derive_latencies(r, {});
  return r;
}

inline std::string temp_dir(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() /
           ("l4lab_analysis_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

inline void write(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

}  // namespace l4lab::analysis::testing
