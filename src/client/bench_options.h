// Everything `l4lab bench` was asked to do, as parsed from the command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/request_body.h"
#include "schedule/schedule.h"

namespace l4lab::client {

struct BenchOptions {
  std::string endpoint;  // base URL, e.g. http://127.0.0.1:8000 (a trailing /v1 is accepted)
  std::string workload;  // prompts.jsonl
  std::string out_dir;
  // Load: closed loop (concurrency) unless rate > 0 or a schedule file.
  int concurrency = 0;
  double rate = 0;
  std::string arrival = "poisson";  // constant | poisson | gamma
  double burstiness = 1.0;
  std::string schedule_file;
  uint64_t seed = 0;
  bool shuffle = true;
  size_t warmup_requests = 0;
  double warmup_s = 0;
  double ramp_up_s = 0;  // closed loop: slots open evenly over this many seconds
  size_t cooldown_requests = 0;
  size_t limit = 0;
  std::string model;
  EndpointType endpoint_type = EndpointType::chat;
  std::string tokenizer;  // completions: the chat template's tokenizer spec
  std::vector<std::string> headers;
  std::string api_key_env;  // "" = OPENAI_API_KEY when set
  double timeout_connect_s = 10;
  double timeout_first_token_s = 0;  // 0 = none
  double timeout_idle_s = 0;
  double timeout_total_s = 0;
  double max_failures = -1;  // < 0: no budget; < 1: fraction of the schedule; else a count
  bool ignore_eos = false;
  double temperature = 0.0;
  bool insecure = false;
  bool resume = false;
  bool quiet = false;
  // Shared hosts (docs/BENCH.md#shared-host): pin the client to these CPUs
  // ("" = leave as is) and ask for SCHED_FIFO.
  std::string cpus;
  bool realtime = false;
  std::vector<std::string> argv;  // for bench.json (header values redacted)
};

// 0 completed with at least one measured success; 1 no measured success,
// failure budget spent, interrupted or write error (client/bench_outcome.h);
// 2 bad input.
int run_bench(const BenchOptions& o);

}  // namespace l4lab::client
