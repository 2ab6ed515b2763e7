// A matrix plan (plans/*.yaml): which configurations, how many trials, in
// what order, on which workload, with which bench options. Parsed at the edge
// into a plain struct; docs/MATRIX.md documents every field.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "matrix/engine_overrides.h"

namespace l4lab::matrix {

struct WorkloadSpec {
  std::string path;    // prompts.jsonl
  bool build = false;  // if missing: `l4lab workload build --out <path> <build_args>`
  std::vector<std::string> build_args;
  int per_cell = 0;  // > 0: first N requests of each task x bucket cell
};

// The price of the machine the plan is meant for (`price:`): the report
// charges it only to runs whose manifest records this machine
// (docs/METRICS.md#cost). The matrix copies it into each run's manifest.
struct PlanPrice {
  bool set = false;
  double usd_per_hour = 0;
  std::string gpu_name;  // as NVML names it, e.g. "NVIDIA L4"
  int gpu_count = 1;
  std::string machine_type;  // optional, e.g. "g2-standard-8"
  std::string source;        // required: where the number comes from
};

// `slurm:` (docs/DISTRIBUTED.md): what each run asks of Slurm when the plan
// runs with `--executor slurm`. Command-line flags override each field.
struct SlurmSpec {
  std::string partition, gres, time, account, mem;
  int cpus_per_task = 0;                 // 0: Slurm's default
  std::vector<std::string> sbatch_args;  // extra sbatch options, argv data
  std::string runs_dir;                  // the shared folder the runs go to (nodes must see it)
};

struct Plan {
  std::string file;
  std::string text;  // the plan's bytes, copied to RUNS_DIR/plan.yaml
  std::string name;
  std::vector<std::string> configs;  // config file paths
  int trials = 1;
  std::string order = "interleaved";  // interleaved | shuffled | sequential
  uint64_t order_seed = 1;
  bool reset_prefix_cache = false;
  std::map<std::string, std::string> vars;
  WorkloadSpec workload;
  int warmup_requests = 1;
  std::vector<std::string> bench_command = {"{l4lab}", "bench"};
  std::vector<std::string> bench_args;
  double bench_timeout_s = 0;  // 0: none
  double gpu_hz = 10;
  double metrics_hz = 1;
  std::string gpu_source = "auto";
  PlanPrice price;
  EngineOverrides overrides;  // `engine_overrides:` (engine_overrides.h)
  SlurmSpec slurm;            // `slurm:`, used only by --executor slurm
};

Result<Plan> parse_plan(const std::string& yaml_text, const std::string& file);
Result<Plan> load_plan(const std::string& path);

}  // namespace l4lab::matrix
