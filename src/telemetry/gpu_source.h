// Where GPU samples come from. NvmlSource loads libnvidia-ml with dlopen at
// run time (no build dependency); SmiSource parses `nvidia-smi --query-gpu`
// CSV lines; SyntheticSource returns fixed values labelled "synthetic" and
// exists only to measure the sampler's own cost on machines without a GPU.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace l4lab::telemetry {

struct GpuSample {
  int64_t t_ns = 0;
  int gpu = 0;
  std::string name;
  std::optional<double> mem_used_mib, mem_total_mib, util_pct, power_w, sm_clock_mhz, temp_c;
  std::string source;
  std::string to_json_line() const;  // the gpu_samples.jsonl line (docs/FORMATS.md)
};

struct GpuInfo {
  int count = 0;
  std::string name;
  std::optional<double> mem_total_mib;
  std::string driver;
  std::string cuda;
  std::string source;
  // GPU 0's NVML UUID ("GPU-..."): tells runs on one physical GPU from runs on
  // another of the same name (lent hosts differ between sittings). Empty when unknown.
  std::string uuid;
};

class GpuSource {
 public:
  virtual ~GpuSource() = default;
  virtual std::string name() const = 0;
  virtual GpuInfo info() = 0;
  // One sample per GPU, stamped with mono_ns() when read.
  virtual Result<std::vector<GpuSample>> sample() = 0;
};

class NvmlSource;
// dlopen libnvidia-ml.so.1 (then /usr/local/nvidia/lib64/, then the Debian
// path) and nvmlInit; the error says each path tried and why it failed.
Result<std::unique_ptr<GpuSource>> open_nvml();
std::unique_ptr<GpuSource> make_synthetic_source();

// Pure: one `nvidia-smi --query-gpu=index,name,memory.used,memory.total,
// utilization.gpu,power.draw,clocks.sm,temperature.gpu
// --format=csv,noheader,nounits` line. "[N/A]"-style fields become null.
Result<GpuSample> parse_smi_line(const std::string& line, int64_t t_ns);
extern const char* const kSmiQuery;

}  // namespace l4lab::telemetry
